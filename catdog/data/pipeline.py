"""The tf.data input pipeline: photo files in, batches of (0-255 float32 images, labels) out.

Every photo becomes pixels the same way, whichever path decodes it: PIL (through
`images.decode_for_model`, as prediction does) or, for plain JPEGs in feature
extraction, TensorFlow's own decoder, which gives bit-identical pixels (`INTEGER_ACCURATE`
DCT, same scale rule as PIL's draft) without a round trip through Python. Both are then
resized by `images.resize_pixels` inside the graph.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import islice

import numpy as np

from catdog.data import images
from catdog.data.folders import Split
from catdog.errors import CatdogError
from catdog.settings import limits, usable_cores

SCALES = (1, 2, 4, 8)  # branch k of the decoder decodes a JPEG at 1/SCALES[k-1]; branch 0 is PIL


def _decoder(image_size: int, skipped: list):
    """A graph function (path, branch) -> (resized uint8 pixels, ok)."""
    import tensorflow as tf

    def with_pil(path):
        path = path.decode() if isinstance(path, bytes) else str(path)
        try:
            return images.decode_for_model(path, image_size), True
        except CatdogError as error:
            if path not in {p for p, _ in skipped}:
                skipped.append((path, error.what))
            return np.zeros((image_size, image_size, 3), np.uint8), False

    def pil_branch(path):
        pixels, ok = tf.numpy_function(with_pil, [path], [tf.uint8, tf.bool], stateful=False)
        return tf.ensure_shape(pixels, (None, None, 3)), tf.ensure_shape(ok, ())

    def jpeg_branch(path, scale):
        pixels = tf.io.decode_jpeg(tf.io.read_file(path), channels=3, ratio=scale, dct_method="INTEGER_ACCURATE")
        return pixels, tf.constant(True)

    def jpeg_at(path, branch, index=1):
        # Nested conds, not tf.switch_case: inside tf.data a Case op ran ~35% slower here.
        if index == len(SCALES):
            return jpeg_branch(path, SCALES[-1])
        return tf.cond(branch == index, lambda: jpeg_branch(path, SCALES[index - 1]),
                       lambda: jpeg_at(path, branch, index + 1))

    def decode(path, branch):
        pixels, ok = tf.cond(branch == 0, lambda: pil_branch(path), lambda: jpeg_at(path, branch))
        return images.resize_pixels(pixels, image_size), ok

    return decode


def cache_budget() -> int:
    """Bytes of decoded photos a job may keep between passes: the server's `decoded_cache_mb`."""

    return limits().decoded_cache_mb * 2**20


def step_split(batch_size: int) -> tuple[int, int]:
    """(photos per pass, passes per update) for a batch on this server: activations grow with
    the photos in one pass, so a shared server splits big batches (`Limits.max_step_photos`).
    The passes' gradients are averaged into one update: the whole batch's update, except that
    a trainable BatchNorm (the from-scratch CNN) sees each pass's statistics, and a batch that
    does not divide evenly grows a little (20 photos: 3 passes of 7)."""
    passes = -(-batch_size // max(1, limits().max_step_photos))
    return -(-batch_size // passes), passes


def decoded_bytes(split: Split, image_size: int) -> int:
    """Memory the decoded photos of `split` take at `image_size` (uint8)."""
    return len(split.paths) * image_size * image_size * 3


def _decoded(split: Split, image_size: int, skipped: list, branches=None, start: int = 0, order_seed=None):
    """Unbatched (pixels, label, index) of split[start:], in order (or shuffled with
    `order_seed`, anew each pass), unreadable files dropped; a photo per core decoded at once."""
    import tensorflow as tf

    count = len(split.paths)
    branches = np.zeros(count, np.int32) if branches is None else np.asarray(branches, np.int32)
    decode = _decoder(image_size, skipped)

    def load(path, label, branch, index):
        pixels, ok = decode(path, branch)
        pixels.set_shape((image_size, image_size, 3))
        return pixels, label, index, ok

    columns = (split.paths[start:], np.asarray(split.labels[start:], np.int32), branches[start:],
               np.arange(start, count, dtype=np.int32))
    data = tf.data.Dataset.from_tensor_slices(columns)
    if order_seed is not None:
        data = data.shuffle(count - start, seed=order_seed, reshuffle_each_iteration=True)
    data = data.map(load, num_parallel_calls=usable_cores(), deterministic=True)
    return data.filter(_decoded_ok).map(_drop_flag).with_options(without_autotune())


def without_autotune():
    """tf.data options without the autotuning thread; catdog's pipelines set their parallelism by
    hand (a photo per core). That thread sleeps between tunings, longer the longer the pipeline
    runs, and the end of an iterator (each epoch's, each split's) can wait out the sleep: up to 3 s
    of idle cores at the end of a split's extraction here (TensorFlow 2.21)."""
    import tensorflow as tf

    options = tf.data.Options()
    options.autotune.enabled = False
    return options


def _decoded_ok(pixels, label, index, ok):
    return ok


def _drop_flag(pixels, label, index, ok):
    return pixels, label, index


def _to_float(pixels, labels, *rest):
    import tensorflow as tf

    return (tf.cast(pixels, tf.float32), labels, *rest)


def make_dataset(split: Split, image_size: int, batch_size: int, shuffle: bool = False,
                 seed: int = 1337, skipped: list | None = None, cache_bytes: int = 0):
    """A batched, prefetched `tf.data.Dataset` of (0-255 float32 images, int labels).

    Decoding runs in parallel through PIL, as prediction does. (Not through TensorFlow's
    decoder as in `decoded_batches`: a JPEG it refuses would stop `model.fit` mid-epoch,
    where the pipeline cannot be rebuilt.) A file that fails to decode is dropped and
    appended to `skipped` (path, reason): one bad photo never stops training.
    Decoded photos are kept in memory when they all fit in `cache_bytes`, so later passes
    skip decoding; otherwise memory does not grow with the number of photos.
    """
    import tensorflow as tf

    skipped = skipped if skipped is not None else []
    if 0 < decoded_bytes(split, image_size) <= cache_bytes:
        data = _decoded(split, image_size, skipped).map(_drop_index).cache()
        if shuffle:  # the buffer shares the cached photos' memory: no second copy
            data = data.shuffle(len(split.paths), seed=seed, reshuffle_each_iteration=True)
    else:
        # The file list is shuffled, not decoded photos: a buffer of thousands of decoded
        # photos would take as much memory as caching them (600 MB for 4096 at 224 px).
        data = _decoded(split, image_size, skipped, order_seed=seed if shuffle else None).map(_drop_index)
    return data.batch(batch_size).map(_to_float).prefetch(tf.data.AUTOTUNE).with_options(without_autotune())


def _drop_index(pixels, label, index):
    return pixels, label


def tensorflow_branches(split: Split, image_size: int) -> list[int]:
    """Per file: 0 to decode with PIL, k to decode with TensorFlow at scale SCALES[k-1]."""
    probe = lambda path: images.tensorflow_decode_scale(path, image_size)
    with ThreadPoolExecutor(max_workers=4) as pool:  # header reads only; I/O bound
        scales = list(pool.map(probe, split.paths))
    return [SCALES.index(scale) + 1 if scale else 0 for scale in scales]


CHUNK_BYTES = 64 * 2**20  # decoded photos held at once by `decoded_batches` (~210 photos at 320 px)


def decoded_batches(split: Split, image_size: int, batch_size: int, skipped: list | None = None,
                    shares_cores: bool = True):
    """(uint8 images, labels) numpy batches of `split` in order, read once: for feature extraction.

    With `shares_cores` (the extractor runs on this CPU), photos are decoded a chunk at a time with
    every core, then handed out while nothing decodes: decoding beside the extractor's threads made
    both slower on 2 cores (the extractor spins at each layer waiting for a thread the decoder had
    taken). Without it (a GPU extracts), decoding runs ahead, prefetched. Photos stay bytes: a float
    copy made here cost the decoding threads a quarter of their time, and four times the memory.

    Plain JPEGs are decoded by TensorFlow inside the pipeline. A JPEG whose header is fine
    but whose data TensorFlow refuses stops the pipeline; it is then rebuilt just after the
    last batch delivered, with that chunk's files sent through PIL, which decodes them or
    records why not in `skipped`. Nothing is delivered twice and nothing is lost.
    """
    import tensorflow as tf

    skipped = skipped if skipped is not None else []
    branches = tensorflow_branches(split, image_size)
    per_chunk = 1
    if shares_cores:
        # No prefetch, and a photo per core at once (tf.data's tuning, seeing a consumer that
        # pulls in bursts, had decoded with fewer threads: a median 11.8 s -> 10.9 s for 2992 photos).
        per_chunk = max(1, CHUNK_BYTES // (image_size * image_size * 3 * batch_size))  # batches
    start = 0
    while start < len(split.paths):
        decoded = _decoded(split, image_size, skipped, branches, start).batch(batch_size)
        batches = iter(decoded if shares_cores else decoded.prefetch(tf.data.AUTOTUNE))
        try:
            while chunk := [(p.numpy(), y.numpy(), i.numpy()) for p, y, i in islice(batches, per_chunk)]:
                for pixels, labels, indices in chunk:
                    yield pixels, labels
                    start = int(indices[-1]) + 1
            return
        except tf.errors.InvalidArgumentError:
            pending = [i for i in range(start, len(branches)) if branches[i]][:per_chunk * batch_size]
            if not pending:
                raise  # not a decoding failure: nothing left to hand to PIL
            for index in pending:
                branches[index] = 0
