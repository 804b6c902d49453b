"""The tf.data input pipeline: photo files in, batches of (0-255 float32 images, labels) out.

Every photo becomes pixels the same way, whichever path decodes it: PIL (through
`images.decode_for_model`, as prediction does) or, for plain JPEGs in feature
extraction, TensorFlow's own decoder, which gives bit-identical pixels (`INTEGER_ACCURATE`
DCT, same scale rule as PIL's draft) without a round trip through Python. Both are then
resized by `images.resize_pixels` inside the graph.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from catdog import images
from catdog.data import Split
from catdog.errors import CatdogError

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


def _decoded(split: Split, image_size: int, skipped: list, branches=None, start: int = 0):
    """Unbatched (pixels, label, index) of split[start:], in order, unreadable files dropped."""
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
    data = data.map(load, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return data.filter(_decoded_ok).map(_drop_flag)


def _decoded_ok(pixels, label, index, ok):
    return ok


def _drop_flag(pixels, label, index, ok):
    return pixels, label, index


def _to_float(pixels, labels, *rest):
    import tensorflow as tf

    return (tf.cast(pixels, tf.float32), labels, *rest)


def make_dataset(split: Split, image_size: int, batch_size: int, shuffle: bool = False,
                 seed: int = 1337, skipped: list | None = None, cache_limit_bytes: int = 600_000_000,
                 cache: bool = True):
    """A batched, prefetched `tf.data.Dataset` of (0-255 float32 images, int labels).

    Decoding runs in parallel through PIL, as prediction does. (Not through TensorFlow's
    decoder as in `decoded_batches`: a JPEG it refuses would stop `model.fit` mid-epoch,
    where the pipeline cannot be rebuilt.) A file that fails to decode is dropped and
    appended to `skipped` (path, reason): one bad photo never stops training.
    Decoded images are kept in memory when they fit in `cache_limit_bytes` and `cache` is
    set, so later epochs skip JPEG decoding.
    """
    import tensorflow as tf

    skipped = skipped if skipped is not None else []
    data = _decoded(split, image_size, skipped).map(lambda pixels, label, index: (pixels, label))
    if cache and len(split.paths) * image_size * image_size * 3 <= cache_limit_bytes:
        data = data.cache()  # uint8, before shuffling: memory is bounded by the limit above
    if shuffle:
        data = data.shuffle(min(len(split.paths), 4096), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).map(_to_float).prefetch(tf.data.AUTOTUNE)


def tensorflow_branches(split: Split, image_size: int) -> list[int]:
    """Per file: 0 to decode with PIL, k to decode with TensorFlow at scale SCALES[k-1]."""
    probe = lambda path: images.tensorflow_decode_scale(path, image_size)
    with ThreadPoolExecutor(max_workers=4) as pool:  # header reads only; I/O bound
        scales = list(pool.map(probe, split.paths))
    return [SCALES.index(scale) + 1 if scale else 0 for scale in scales]


def decoded_batches(split: Split, image_size: int, batch_size: int, skipped: list | None = None):
    """(0-255 float32 images, labels) batches of `split` in order, read once: for feature extraction.

    Plain JPEGs are decoded by TensorFlow inside the pipeline. A JPEG whose header is fine
    but whose data TensorFlow refuses stops the pipeline; it is then rebuilt just after the
    last batch delivered, with the next files sent through PIL, which decodes them or
    records why not in `skipped`. Nothing is delivered twice and nothing is lost.
    """
    import tensorflow as tf

    skipped = skipped if skipped is not None else []
    branches = tensorflow_branches(split, image_size)
    start = 0
    while start < len(split.paths):
        pipeline = _decoded(split, image_size, skipped, branches, start).batch(batch_size).map(_to_float)
        try:
            for pixels, labels, indices in pipeline.prefetch(tf.data.AUTOTUNE):
                yield pixels, labels
                start = int(indices[-1]) + 1
            return
        except tf.errors.InvalidArgumentError:
            pending = [i for i in range(start, len(branches)) if branches[i]][:batch_size]
            if not pending:
                raise  # not a decoding failure: nothing left to hand to PIL
            for index in pending:
                branches[index] = 0
