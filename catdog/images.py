"""Reading one image, from any source, the same way everywhere.

Training, prediction, the previews and the dataset browser all decode through
`open_image`, so a photo can never look one way to the model and another to the user:
any mode becomes 8-bit RGB, EXIF orientation is honoured, and a file that is not an
image (or claims to be enormous) is refused with the reason before it is decoded.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from catdog.errors import CatdogError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")
MAX_PIXELS = 40_000_000  # ~ 7300 x 5500; a header claiming more is refused before decoding

# PIL's own guard warns at 89 M pixels and raises at twice that; ours is lower and raises.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def describe(source) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    return getattr(source, "name", "uploaded image")


def _open(source) -> Image.Image:
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, (bytes, bytearray)):
        return Image.open(io.BytesIO(source))
    if isinstance(source, (str, Path)):
        return Image.open(source)
    return Image.open(source)  # a file-like object, e.g. a Streamlit upload


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


def open_image(source, draft_size: int | None = None) -> Image.Image:
    """Decode `source` (path, bytes, file-like or PIL image) to an upright 8-bit RGB image.

    `draft_size` lets JPEG decode at a reduced scale (1/2..1/8) when the result will be
    resized to about that size anyway: several times faster, same pixels after resizing.
    Raises CatdogError naming the file and the reason when it is not a readable image.
    """
    name = describe(source)
    if isinstance(source, (str, Path)) and not Path(source).is_file():
        raise CatdogError(f"{name}: no such file.", fix="check the path and the file name.")
    try:
        image = _open(source)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise CatdogError(
                f"{name}: refused, the image claims {width} x {height} pixels.",
                expected=f"at most {MAX_PIXELS:,} pixels",
                fix="resize the photo before uploading it.",
            )
        if getattr(image, "is_animated", False):
            image.seek(0)  # animated GIF/WebP: the first frame
        if draft_size and image.format == "JPEG":
            image.draft("RGB", (draft_size, draft_size))
        image.load()
        image = ImageOps.exif_transpose(image) or image
        return _to_rgb(image)
    except CatdogError:
        raise
    except Image.DecompressionBombError as error:
        raise CatdogError(f"{name}: refused, the image claims more than {2 * MAX_PIXELS:,} pixels.",
                          expected=f"at most {MAX_PIXELS:,} pixels",
                          fix="resize the photo before uploading it.") from error
    except UnidentifiedImageError as error:
        raise CatdogError(
            f"{name}: not a readable image (the contents are not a known image format).",
            expected="JPEG, PNG, WebP, BMP, GIF or TIFF",
            fix="check that the file really is a photo; renaming a file does not convert it.",
        ) from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # PIL raises these for truncated or corrupt data.
        raise CatdogError(f"{name}: the image is damaged and cannot be decoded ({error}).",
                          fix="re-export or re-download the photo.") from error


def load_for_model(source, image_size: int) -> np.ndarray:
    """`source` as a (image_size, image_size, 3) uint8 array: decoded, upright, squashed to size."""
    image = open_image(source, draft_size=image_size)
    if image.size != (image_size, image_size):
        image = image.resize((image_size, image_size), Image.BILINEAR)
    return np.asarray(image, dtype=np.uint8)


def thumbnail(source, size: int = 192, square: bool = False) -> Image.Image:
    """A small upright RGB copy; `square` crops the centre, for even grids."""
    image = open_image(source, draft_size=size)
    if square:
        return ImageOps.fit(image, (size, size), Image.BILINEAR)
    image.thumbnail((size, size))
    return image
