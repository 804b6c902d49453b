"""The tf.data pipeline: bad files skipped, order kept, and TensorFlow's JPEG path equal to PIL's."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from catdog.data import folders, images, pipeline
from helpers import make_image


def test_pipeline_skips_bad_files_and_reports_them(tiny_dataset):
    (tiny_dataset / "train" / "dogs" / "zero.jpg").write_bytes(b"")
    split = folders.load_dataset(tiny_dataset).train
    skipped = []
    batches = list(pipeline.make_dataset(split, 32, batch_size=5, skipped=skipped))
    assert sum(len(labels) for _, labels in batches) == 12
    assert batches[0][0].shape[1:] == (32, 32, 3) and batches[0][0].dtype.name == "float32"
    assert [path.endswith("zero.jpg") for path, _ in skipped] == [True]


def test_pipeline_shuffles_deterministically_under_a_seed(tiny_dataset):
    split = folders.load_dataset(tiny_dataset).train
    order = lambda seed: np.concatenate([y.numpy() for _, y in pipeline.make_dataset(split, 16, 4, True, seed)])
    assert np.array_equal(order(3), order(3))
    assert sorted(order(3)) == sorted(split.labels)


@pytest.mark.parametrize("cache_bytes", [0, 10**9])
def test_each_pass_reshuffles_every_photo_whether_cached_or_not(tiny_dataset, cache_bytes):
    split = folders.load_dataset(tiny_dataset).train
    batches = pipeline.make_dataset(split, 16, 4, shuffle=True, seed=3, cache_bytes=cache_bytes)
    passes = [np.concatenate([pixels.numpy().reshape(len(pixels), -1)[:, :8] for pixels, _ in batches])
              for _ in range(3)]
    key = lambda rows: sorted(map(tuple, rows))
    assert key(passes[0]) == key(passes[1]) == key(passes[2])  # the same photos every pass
    assert not all(np.array_equal(passes[0], other) for other in passes[1:])  # in a new order


def test_no_pipeline_runs_the_autotuning_thread(tiny_dataset):
    """The end of an autotuned iterator (each epoch's, each split's extraction) could wait seconds
    for tf.data's tuning thread to wake (TensorFlow 2.21): catdog's pipelines set parallelism by hand."""
    from catdog.training.head import batches

    split = folders.load_dataset(tiny_dataset).train
    for cache_bytes in (0, 10**9):
        made = pipeline.make_dataset(split, 16, 4, shuffle=True, cache_bytes=cache_bytes)
        assert made.options().autotune.enabled is False
    assert pipeline._decoded(split, 16, []).options().autotune.enabled is False
    assert batches(np.zeros((4, 3), np.float32), np.zeros(4, np.int32), 2, 0).options().autotune.enabled is False


def test_big_batches_are_split_only_on_a_shared_server(monkeypatch):
    monkeypatch.delenv("CATDOG_HOSTED", raising=False)
    assert pipeline.step_split(64) == (64, 1)
    monkeypatch.setenv("CATDOG_HOSTED", "1")
    monkeypatch.setenv("CATDOG_MAX_STEP_PHOTOS", "8")
    assert [pipeline.step_split(size) for size in (8, 20, 64)] == [(8, 1), (7, 3), (8, 8)]


def _photo(path, size, mode="RGB", **save):
    pixels = np.random.default_rng(size[0]).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    image = Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(2))
    image.convert(mode).save(path, **save)
    return str(path)


def _rotated(path):
    image = Image.open(_photo(path, (90, 60)))
    exif = image.getexif()
    exif[images.ORIENTATION_TAG] = 6
    image.save(path, exif=exif)
    return str(path)


@pytest.mark.parametrize("image_size", [24, 64])
def test_tensorflow_and_pil_decode_every_kind_of_file_to_the_same_pixels(tmp_path, image_size):
    paths = [_photo(tmp_path / "big.jpg", (400, 300)), _photo(tmp_path / "small.jpg", (50, 70)),
             _photo(tmp_path / "gray.jpg", (200, 130), "L"), _photo(tmp_path / "progressive.jpg", (260, 200),
                                                                   progressive=True),
             _photo(tmp_path / "cmyk.jpg", (100, 100), "CMYK"), _photo(tmp_path / "flat.png", (80, 60)),
             _rotated(tmp_path / "rotated.jpg")]
    split = folders.Split(paths, list(range(len(paths))))
    branches = pipeline.tensorflow_branches(split, image_size)
    assert [b > 0 for b in branches] == [True, True, True, True, False, False, False]
    assert branches[0] == (4 if image_size == 24 else 3)  # 400x300 decodes at 1/8 for 24 px, 1/4 for 64 px
    batches = list(pipeline.decoded_batches(split, image_size, batch_size=3))
    decoded = np.concatenate([b for b, _ in batches])
    expected = np.stack([images.load_for_model(path, image_size) for path in paths]).astype(np.float32)
    assert np.concatenate([y for _, y in batches]).tolist() == split.labels
    assert np.array_equal(decoded, expected)
    assert decoded[-1].shape == (image_size, image_size, 3)


def _damaged_inside(path) -> str:
    """A JPEG with a good header and end marker whose data TensorFlow refuses (PIL may not)."""
    import tensorflow as tf

    good = Path(_photo(path, (160, 120), quality=90)).read_bytes()
    for seed in range(200):
        damaged = bytearray(good)
        rng = np.random.default_rng(seed)
        for position in rng.integers(len(good) // 2, len(good) - 10, 20):
            damaged[position] = rng.integers(0, 256)
        try:
            tf.io.decode_jpeg(bytes(damaged), channels=3)
        except tf.errors.InvalidArgumentError:
            Path(path).write_bytes(bytes(damaged))
            return str(path)
    pytest.fail("no damaged JPEG found that TensorFlow refuses")


def test_a_jpeg_tensorflow_refuses_goes_through_pil_and_nothing_is_lost_or_repeated(tmp_path):
    paths = [make_image(tmp_path / f"{i}.jpg", i % 2, size=(60, 50), seed=i) for i in range(11)]
    paths[6] = _damaged_inside(tmp_path / "6.jpg")
    split = folders.Split([str(p) for p in paths], [i % 2 for i in range(11)])
    assert pipeline.tensorflow_branches(split, 32)[6] > 0  # its header looks fine
    skipped = []
    batches = list(pipeline.decoded_batches(split, 32, batch_size=4, skipped=skipped))
    labels = np.concatenate([y for _, y in batches]).tolist()
    decoded = np.concatenate([b for b, _ in batches])
    kept = [i for i in range(11) if not (i == 6 and skipped)]
    assert [p for p, _ in skipped] in ([], [str(paths[6])])
    assert labels == [i % 2 for i in kept]
    good = [i for i in kept if i != 6]
    assert np.array_equal(decoded[[kept.index(i) for i in good]],
                          np.stack([images.load_for_model(paths[i], 32) for i in good]).astype(np.float32))


@pytest.mark.parametrize("shares_cores", [True, False])
def test_extraction_batches_come_in_order_as_bytes_with_a_refused_jpeg_in_a_later_chunk(tmp_path, monkeypatch,
                                                                                        shares_cores):
    """Beside a CPU extractor, chunks of 2 batches of 3 (the chunk's bytes set that small); for a GPU,
    prefetched batches. Either way every photo once, in order, uint8; a JPEG TensorFlow refuses in
    the third chunk sends that chunk to PIL, nothing lost."""
    monkeypatch.setattr(pipeline, "CHUNK_BYTES", 32 * 32 * 3 * 6)
    paths = [make_image(tmp_path / f"{i}.jpg", i % 2, size=(60, 50), seed=i) for i in range(17)]
    paths[13] = _damaged_inside(tmp_path / "13.jpg")
    split = folders.Split([str(p) for p in paths], list(range(17)))
    skipped = []
    batches = list(pipeline.decoded_batches(split, 32, batch_size=3, skipped=skipped, shares_cores=shares_cores))
    assert all(pixels.dtype == np.uint8 and len(pixels) <= 3 for pixels, _ in batches)
    kept = [i for i in range(17) if not (i == 13 and skipped)]
    assert np.concatenate([labels for _, labels in batches]).tolist() == kept
    good = [i for i in kept if i != 13]
    decoded = np.concatenate([pixels for pixels, _ in batches])
    assert np.array_equal(decoded[[kept.index(i) for i in good]],
                          np.stack([images.load_for_model(paths[i], 32) for i in good]))
