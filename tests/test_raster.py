"""Chart pixels to palette images and lossless PNG / WebP (coop_analysis.charts.raster)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from coop_analysis.charts import raster


def _chart_like(width: int = 300, height: int = 200) -> np.ndarray:
    """Flat areas (white, land, two bar colours) plus a smooth ramp between two of them (anti-aliasing)."""
    rgba = np.full((height, width, 4), 255, dtype=np.uint8)
    rgba[20:80, 10:200, :3] = (0, 114, 178)
    rgba[100:160, 10:120, :3] = (243, 241, 236)
    rgba[170:190, 10:250, :3] = (213, 94, 0)
    ramp = np.linspace(0, 1, 40)[:, None]
    rgba[20:60, 220:260, :3] = np.rint(255 * (1 - ramp) + np.array([0, 114, 178]) * ramp)[:, None, :]
    return rgba


def test_flat_colours_stay_exact_and_edges_stay_close() -> None:
    rgba = _chart_like()
    image = raster.palette_image(rgba.tobytes(), (300, 200), colors=8)
    assert image.mode == "P" and image.size == (300, 200) and len(image.getcolors(256)) <= 8
    out = np.asarray(image.convert("RGB")).astype(int)
    for y, x in ((5, 5), (50, 50), (130, 50), (180, 100)):  # white, blue, land, orange
        assert tuple(out[y, x]) == tuple(rgba[y, x, :3])
    error = np.abs(out - rgba[..., :3].astype(int)).sum(axis=2)
    assert error.max() <= 90 and error.mean() < 2


def test_same_pixels_give_the_same_image_and_colours_missing_from_the_sample_are_mapped() -> None:
    rgba = np.full((1000, 1000, 4), 255, dtype=np.uint8)  # 10**6 pixels: every 4th is sampled
    rgba[::2, ::2, :3] = (0, 0, 0)
    rgba[1, 1, :3] = (250, 10, 10)  # pixel 1001, which the sample skips: it gets its nearest colour
    first = raster.palette_image(rgba.tobytes(), (1000, 1000), colors=4)
    again = raster.palette_image(rgba.tobytes(), (1000, 1000), colors=4)
    assert first.tobytes() == again.tobytes() and first.getpalette() == again.getpalette()
    assert first.convert("RGB").getpixel((1, 1)) == (0, 0, 0)
    assert first.convert("RGB").getpixel((0, 0)) == (0, 0, 0) and first.convert("RGB").getpixel((1, 0)) == (255,) * 3


def test_transparent_pixels_are_quantized_too() -> None:
    rgba = _chart_like()
    rgba[0:10, 0:10, 3] = 0
    image = raster.palette_image(rgba.tobytes(), (300, 200), colors=8)
    assert image.mode == "P" and image.size == (300, 200)


@pytest.mark.parametrize(("size", "colors"), [((10, 10), 16), ((300, 200), 1), ((300, 200), 255)])
def test_bad_input_is_refused(size: tuple[int, int], colors: int) -> None:
    with pytest.raises(ValueError, match="palette_image"):
        raster.palette_image(_chart_like().tobytes(), size, colors)


def test_png_and_webp_hold_the_same_pixels() -> None:
    image = raster.palette_image(_chart_like().tobytes(), (300, 200))
    png, webp = raster.png_bytes(image), raster.webp_bytes(image)
    assert png.startswith(b"\x89PNG") and webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    pixels = image.convert("RGB").tobytes()
    assert Image.open(io.BytesIO(png)).convert("RGB").tobytes() == pixels
    assert Image.open(io.BytesIO(webp)).convert("RGB").tobytes() == pixels
    assert raster.webp_bytes(image) == webp  # same pixels, same bytes
