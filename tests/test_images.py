"""Decoding any image the way the model expects it, and refusing what is not one."""

import io
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image

from catdog.data import images
from catdog.errors import CatdogError


def _png_claiming(width: int, height: int, colour_type: int = 2) -> bytes:
    """A tiny file whose PNG header claims width x height pixels (a decompression bomb's header)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)  # 2: RGB, 6: RGBA
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


@pytest.mark.parametrize("mode, fmt", [("RGB", "JPEG"), ("L", "JPEG"), ("CMYK", "JPEG"), ("RGBA", "PNG"),
                                       ("P", "PNG"), ("RGB", "WEBP"), ("RGB", "BMP"), ("RGB", "TIFF"),
                                       ("RGB", "GIF"), ("LA", "PNG")])
def test_every_common_mode_and_format_becomes_rgb(tmp_path, mode, fmt):
    path = tmp_path / f"image.{fmt.lower()}"
    Image.new(mode, (30, 20)).save(path, fmt)
    image = images.open_image(path)
    assert image.mode == "RGB" and image.size == (30, 20)


def test_16_bit_grayscale_keeps_its_brightness_instead_of_turning_white(tmp_path):
    path = tmp_path / "gray16.png"
    Image.fromarray(np.full((10, 10), 30000, np.uint16)).save(path)
    pixels = np.asarray(images.open_image(path))
    assert abs(int(pixels[0, 0, 0]) - round(30000 / 65535 * 255)) <= 1


def test_transparent_pixels_are_shown_on_white(tmp_path):
    path = tmp_path / "clear.png"
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(path)
    assert np.asarray(images.open_image(path)).min() == 255


def test_exif_rotated_photo_is_upright(tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    Image.new("RGB", (40, 20)).save(path, exif=exif)
    assert images.open_image(path).size == (20, 40)


def test_animated_gif_gives_its_first_frame(tmp_path):
    path = tmp_path / "anim.gif"
    red, blue = Image.new("RGB", (8, 8), (255, 0, 0)), Image.new("RGB", (8, 8), (0, 0, 255))
    red.save(path, save_all=True, append_images=[blue], duration=100, loop=0)
    r, g, b = np.asarray(images.open_image(path))[0, 0]
    assert r > 200 and b < 50


@pytest.mark.parametrize("content, reason", [
    (b"", "not a readable image"), (b"hello, I am text", "not a readable image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a readable image"),
    (b"\x00\x00\x00\x18ftypheic garbage", "not a readable image"),
])
def test_files_that_are_not_images_are_refused_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(CatdogError, match=reason):
        images.open_image(path)


def test_truncated_jpeg_is_refused_as_damaged(tmp_path):
    path = tmp_path / "full.jpg"
    Image.effect_noise((200, 200), 50).convert("RGB").save(path, quality=95)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CatdogError, match="damaged"):
        images.open_image(path)


@pytest.mark.parametrize("width, height", [(12000, 9000), (8000, 6000)])
def test_decompression_bomb_is_refused_before_decoding(width, height):
    with pytest.raises(CatdogError, match="refused, the image claims"):
        images.open_image(_png_claiming(width, height))


def test_load_for_model_gives_the_square_uint8_array_the_model_takes(tmp_path):
    path = tmp_path / "one.png"
    Image.new("RGB", (1, 1), (10, 20, 30)).save(path)
    pixels = images.load_for_model(path, 32)
    assert pixels.shape == (32, 32, 3) and pixels.dtype == np.uint8
    assert tuple(pixels[5, 5]) == (10, 20, 30)


def test_bytes_and_paths_decode_identically(tmp_path):
    path = tmp_path / "a.jpg"
    Image.effect_noise((64, 48), 40).convert("RGB").save(path)
    assert np.array_equal(images.load_for_model(path, 24), images.load_for_model(path.read_bytes(), 24))


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(CatdogError, match="no such file"):
        images.open_image(tmp_path / "nope.jpg")


def _blank_png(tmp_path, size, mode="RGBA") -> bytes:
    """A photo of `size` whose file is tiny (one colour compresses to almost nothing)."""
    path = tmp_path / f"blank-{mode}.png"
    Image.new(mode, size, (200, 10, 10, 128) if mode == "RGBA" else (200, 10, 10)).save(path, optimize=False)
    return path.read_bytes()


def test_a_png_too_big_for_the_decode_budget_is_refused_before_its_pixels_are_read(tmp_path, monkeypatch):
    """Pillow cannot decode a PNG smaller: a 154 KB 6300 x 6300 RGBA one took +600 MB on Predict."""
    monkeypatch.setattr(images, "BUDGET", images.DecodeBudget(capacity=64 * 2**20))
    loads = []
    monkeypatch.setattr(Image.Image, "load", lambda self: loads.append(self) or (_ for _ in ()).throw(AssertionError))
    with pytest.raises(CatdogError) as refused:
        images.open_image(_png_claiming(2500, 2500, colour_type=6))  # 6.25 megapixels: ~156 MB as RGBA
    assert refused.value.key == "image_too_big_to_open" and not loads
    assert refused.value.params["kind"] == "PNG" and 2.0 < refused.value.params["megapixels"] < 4.0
    assert "would take 131 MB of memory" in str(refused.value)


def test_the_budget_counts_a_jpeg_at_the_scale_it_decodes_to(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "BUDGET", images.DecodeBudget(capacity=8 * 2**20))
    path = tmp_path / "big.jpg"
    Image.new("RGB", (3000, 2000), (1, 2, 3)).save(path)  # 6 megapixels: ~72 MB at full scale
    assert images.thumbnail(path, 192).size == (192, 128)  # decoded at 1/8: 375 x 250
    with pytest.raises(CatdogError, match="would take"):
        images.open_image(path)


def test_photos_wait_for_room_in_the_budget_and_each_one_is_decoded(tmp_path, monkeypatch):
    """Four decodes that fit one at a time: none refused, never two at once."""
    import threading

    photo = _blank_png(tmp_path, (400, 300), "RGB")
    one = images.decode_bytes(Image.open(io.BytesIO(photo)))
    budget = images.DecodeBudget(capacity=one + one // 2)
    monkeypatch.setattr(images, "BUDGET", budget)
    at_once, peak, original_load = [0], [0], Image.Image.load

    def counting_load(self):
        at_once[0] += 1
        peak[0] = max(peak[0], at_once[0])
        time.sleep(0.05)
        try:
            return original_load(self)
        finally:
            at_once[0] -= 1

    monkeypatch.setattr(Image.Image, "load", counting_load)
    results = []
    threads = [threading.Thread(target=lambda: results.append(images.open_image(photo).size)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(400, 300)] * 4 and peak[0] == 1 and budget._used == 0


def test_uploaded_bytes_over_the_servers_limit_are_refused_before_decoding(monkeypatch):
    from catdog import settings

    monkeypatch.setattr(images, "limits", lambda: settings.Limits(
        True, max_upload_mb=1, max_images_per_dataset=10, max_epochs=1, max_fine_tune_epochs=1, max_batch_size=1,
        backbones=None))
    upload = io.BytesIO(b"\xff\xd8" + b"\0" * (2 * 2**20))
    with pytest.raises(CatdogError) as refused:
        images.open_image(upload)
    assert refused.value.key == "upload_too_big" and upload.tell() == 0  # left where it was


def test_a_format_whose_reader_decodes_while_opening_is_refused_before_it_decodes(tmp_path):
    """An ICO wrapping a 12 000 px PNG, uploaded as cat.png, took 553 MB inside Image.open."""
    import struct

    inner = io.BytesIO()
    Image.new("RGB", (64, 64)).save(inner, "PNG")
    ico = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32, len(inner.getvalue()), 22)
    with pytest.raises(CatdogError) as refused:
        images.open_image(ico + inner.getvalue())
    assert refused.value.key == "image_unknown_format"
