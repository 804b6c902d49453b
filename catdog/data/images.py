"""Reading one image, from any source, the same way everywhere.

Training, prediction, the previews and the dataset browser all decode through
`open_image`, so a photo can never look one way to the model and another to the user:
any mode becomes 8-bit RGB, EXIF orientation is honoured, and a file that is not an
image (or claims to be enormous) is refused with the reason before it is decoded.
"""

from __future__ import annotations

import io
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from catdog.errors import CatdogError
from catdog.settings import limits

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")
FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF")  # what those files hold (JPEG reads a camera's MPO too)
MAX_PIXELS = 40_000_000  # ~ 7300 x 5500; a header claiming more is refused before decoding
ORIENTATION_TAG = 0x0112  # EXIF

# Our limit is checked on every decode, right after the header is read (`open_image`,
# `tensorflow_decode_scale`), instead of lowering PIL's process-wide MAX_IMAGE_PIXELS:
# PIL's own guard (which raises past ~179 M pixels, inside Image.open) stays as it is.
BUDGET_WAIT_SECONDS = 60  # a photo waits this long for room among the photos being decoded
_BYTES_PER_SAMPLE = {"1": 1, "L": 1, "P": 1, "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3, "RGBA": 4, "RGBa": 4,
                     "CMYK": 4, "LA": 2, "La": 2, "PA": 2, "I;16": 2, "I;16B": 2, "I;16L": 2, "I": 4, "F": 4}


def decode_bytes(image: Image.Image) -> int:
    """The most memory decoding `image` (its header read, not yet its pixels) to upright RGB takes at
    once: its pixels as stored, the copies `_to_rgb` makes (three RGBA ones over a white background
    for a transparent photo, a float64 one for 16-bit), the RGB result and an upright copy. Pillow
    cannot decode a PNG smaller, so this is what such a photo costs; a JPEG asks for less once
    `draft` has chosen its reduced scale."""
    width, height = image.size
    per_pixel = _BYTES_PER_SAMPLE.get(image.mode, 4) + 3 + 3
    if image.mode in ("RGBA", "LA", "PA", "P"):
        per_pixel += 12
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        per_pixel += 8
    return width * height * per_pixel


class DecodeBudget:
    """Memory for photos being decoded at once in this process, shared by every page, upload and
    command (`Limits.decode_budget_mb`): a photo that alone would take more is refused before its
    pixels are read; the others wait for room (a class uploading huge PNGs at once queues here
    instead of taking the server's memory). The limit is read when first needed."""

    def __init__(self, capacity: int | None = None):
        self._capacity, self._used = capacity, 0
        self._room = threading.Condition()

    @property
    def capacity(self) -> int:
        if self._capacity is None:
            self._capacity = limits().decode_budget_mb * 2**20
        return self._capacity

    @contextmanager
    def reserve(self, cost: int, name: str, image: Image.Image):
        if cost > self.capacity:
            per_pixel = max(1, cost // max(1, image.size[0] * image.size[1]))
            raise CatdogError("image_too_big_to_open", name=name, kind=image.format or "image",
                              megabytes=cost / 2**20, limit_mb=self.capacity / 2**20,
                              megapixels=self.capacity / per_pixel / 1e6)
        deadline = time.monotonic() + BUDGET_WAIT_SECONDS
        with self._room:
            while self._used + cost > self.capacity:
                if not self._room.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise CatdogError("image_wait_too_long", name=name, seconds=BUDGET_WAIT_SECONDS)
            self._used += cost
        try:
            yield
        finally:
            with self._room:
                self._used -= cost
                self._room.notify_all()


BUDGET = DecodeBudget()


def describe(source) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    return getattr(source, "name", "uploaded image")


def open_header(source) -> Image.Image:
    """`source` opened (its header read, its pixels not yet) as one of the formats catdog takes.
    Only these: some of Pillow's readers decode inside `Image.open` itself, before any check of
    ours (an ICO holding a 12 000 px PNG took 553 MB there from a 0.56 MB upload named cat.png)."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    if not set(FORMATS) <= set(Image.OPEN):  # Pillow registers the rarer readers (MPO, WEBP) on init
        Image.init()
    return Image.open(source, formats=FORMATS)


def _open(source) -> Image.Image:
    return source if isinstance(source, Image.Image) else open_header(source)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit (or 32-bit) grayscale: scale to 8 bits instead of clipping, which turns it white.
        values = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if values.max() > 255 else 255.0
        image = Image.fromarray((values / peak * 255.0).round().astype(np.uint8), mode="L")
    elif image.mode == "F":
        values = np.asarray(image, dtype=np.float64)
        span = max(values.max() - values.min(), 1e-12)
        image = Image.fromarray(((values - values.min()) / span * 255).astype(np.uint8), mode="L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        # Transparent pixels carry arbitrary colours; show them on white, as a viewer would.
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB")


@contextmanager
def _pil_errors(name: str):
    """PIL's ways of saying a file is no image, or a damaged one, as the reason told to a person."""
    try:
        yield
    except CatdogError:  # a ValueError too: ours says what is wrong already
        raise
    except Image.DecompressionBombError as error:
        raise CatdogError("image_bomb", name=name, claimed=2 * Image.MAX_IMAGE_PIXELS, limit=MAX_PIXELS) from error
    except UnidentifiedImageError as error:
        raise CatdogError("image_unknown_format", name=name) from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # PIL raises these for truncated or corrupt data.
        raise CatdogError("image_damaged", name=name, reason=str(error)) from error


def _check_upload_size(source) -> None:
    """Bytes a browser sent (not a file of a dataset) within the server's upload limit, whatever
    the page's uploader allowed."""
    if isinstance(source, (bytes, bytearray)):
        size = len(source)
    elif hasattr(source, "seek") and hasattr(source, "tell") and not isinstance(source, Image.Image):
        position = source.tell()
        size = source.seek(0, 2)
        source.seek(position)
    else:
        return
    if size > limits().max_upload_mb * 2**20:
        raise CatdogError("upload_too_big", megabytes=size / 2**20, limit_mb=limits().max_upload_mb)


@contextmanager
def decoding(source, draft_size: int | None = None, extra_bytes_per_pixel: int = 0):
    """`source` (path, bytes, file-like or PIL image) decoded to an upright 8-bit RGB image, held
    within the process's decode budget until the block ends: the caller shrinks it inside the block
    (`extra_bytes_per_pixel`: what the caller's own copies take). See `open_image`."""
    name = describe(source)
    if isinstance(source, (str, Path)) and not Path(source).is_file():
        raise CatdogError("image_missing", name=name)
    _check_upload_size(source)
    with _pil_errors(name):
        image = _open(source)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise CatdogError("image_too_large", name=name, width=width, height=height, limit=MAX_PIXELS)
        if getattr(image, "is_animated", False):
            image.seek(0)  # animated GIF/WebP: the first frame
        if draft_size and image.format in ("JPEG", "MPO"):
            image.draft("RGB", (draft_size, draft_size))
    cost = decode_bytes(image) + extra_bytes_per_pixel * image.size[0] * image.size[1]
    with BUDGET.reserve(cost, name, image):
        with _pil_errors(name):
            image.load()
            upright = _to_rgb(ImageOps.exif_transpose(image) or image)
        yield upright


def open_image(source, draft_size: int | None = None) -> Image.Image:
    """Decode `source` (path, bytes, file-like or PIL image) to an upright 8-bit RGB image.

    `draft_size` lets JPEG decode at a reduced scale (1/2..1/8) when the result will be
    resized to about that size anyway: several times faster, same pixels after resizing.
    Raises CatdogError naming the file and the reason when it is not a readable image, or
    when opening it would take more memory than this process's decode budget.
    """
    with decoding(source, draft_size) as image:
        return image


def stored_jpeg(data: bytes, name: str, side: int) -> bytes:
    """A photo's bytes checked as any upload (`open_image` refuses what is not an image, or claims to
    be enormous, with the reason), upright, at most `side` pixels, as a JPEG without EXIF (a phone's
    GPS position) that does not fill a student's quota with 12 megapixels."""
    source = io.BytesIO(data)
    source.name = name  # the error names the student's file
    with decoding(source, draft_size=side) as image:
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=92)
    return out.getvalue()


def decode_scale(width: int, height: int, image_size: int) -> int:
    """The JPEG decode scale (1, 2, 4 or 8) that still leaves both sides >= `image_size`.

    The same rule as PIL's `draft`, so TensorFlow's `decode_jpeg(ratio=...)` gives the
    same pixels as `open_image(..., draft_size=image_size)`."""
    fits = min(width // image_size, height // image_size)
    return next((scale for scale in (8, 4, 2) if fits >= scale), 1)


def tensorflow_decode_scale(path, image_size: int) -> int:
    """The scale at which TensorFlow may decode `path` to exactly `open_image`'s pixels, or 0.

    True for a plain JPEG (RGB or grayscale, upright, complete): TensorFlow's decoder then
    runs inside the input pipeline, about twice as cheap as PIL called from Python. Every
    other file (PNG, CMYK, EXIF-rotated, truncated, not an image) returns 0 and goes
    through PIL, which handles it or names what is wrong with it."""
    try:
        with open(path, "rb") as handle, open_header(handle) as image:
            if image.format != "JPEG" or image.mode not in ("RGB", "L"):
                return 0
            width, height = image.size
            if width * height > MAX_PIXELS or image.getexif().get(ORIENTATION_TAG, 1) != 1:
                return 0
            handle.seek(-2, 2)
            if handle.read(2) != b"\xff\xd9":  # no end-of-image marker: truncated, or data appended
                return 0
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return 0
    return decode_scale(width, height, image_size)


def resize_pixels(pixels, image_size: int):
    """Resize a (H, W, 3) uint8 tensor to (image_size, image_size, 3) uint8, in TensorFlow.

    Non-antialiased bilinear, as Keras's `image_dataset_from_directory` and the ImageNet
    training of MobileNet resize; in a graph it costs a third of PIL's antialiased resize.
    The training pipeline and prediction both call this, so they see the same pixels."""
    import tensorflow as tf

    resized = tf.image.resize(pixels, (image_size, image_size), method="bilinear")
    return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)


_RESIZERS: dict = {}


def _resizer(image_size: int):
    import tensorflow as tf

    if image_size not in _RESIZERS:  # one traced graph per size: eager resizing is slower
        spec = tf.TensorSpec([None, None, 3], tf.uint8)
        _RESIZERS[image_size] = tf.function(lambda pixels: resize_pixels(pixels, image_size), input_signature=[spec])
    return _RESIZERS[image_size]


def decode_for_model(source, image_size: int) -> np.ndarray:
    """`source` decoded, upright, at the JPEG scale closest above `image_size`; not yet resized.
    The array is made while the decode's memory is still counted in the budget."""
    with decoding(source, draft_size=image_size, extra_bytes_per_pixel=3) as image:
        return np.asarray(image, dtype=np.uint8)


def load_for_model(source, image_size: int) -> np.ndarray:
    """`source` as a (image_size, image_size, 3) uint8 array: decoded, upright, squashed to size.
    The decoded photo's memory, with the array and the float copy the resize makes, stays counted
    in the decode budget until it is resized."""
    with decoding(source, draft_size=image_size, extra_bytes_per_pixel=3 + 12) as image:
        return _resizer(image_size)(np.asarray(image, dtype=np.uint8)).numpy()


def thumbnail(source, size: int = 192, square: bool = False) -> Image.Image:
    """A small upright RGB copy; `square` crops the centre, for even grids."""
    with decoding(source, draft_size=size) as image:
        if square:
            return ImageOps.fit(image, (size, size), Image.BILINEAR)
        image.thumbnail((size, size))
        return image
