"""A pixel-exact matplotlib canvas (Agg, object API) and the one-palette mapping of its pixels.

Coordinates are pixels, y down, origin at the top-left corner; at 72 dpi one point is one
pixel, so font sizes and line widths below are in pixels. Text uses matplotlib's bundled
DejaVu Sans (never a system font), and every setting that affects pixels is passed per artist
or inside `rc_context`, so global rcParams are never changed and output is reproducible.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.transforms import Affine2D
from PIL import Image

DPI = 72
FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
RC = {
    "text.antialiased": True,
    "text.hinting": "default",
    "lines.antialiased": True,
    "patch.antialiased": True,
    "path.simplify": False,
    "path.snap": True,
    "agg.path.chunksize": 0,
    "figure.facecolor": "white",
}


def hexc(rgb) -> str:
    return "#%02x%02x%02x" % tuple(int(v) for v in rgb)


def rgb_of(color: str) -> tuple[int, int, int]:
    from matplotlib.colors import to_rgb

    return tuple(round(v * 255) for v in to_rgb(color))


def mix(under, over, alpha: float) -> tuple[int, int, int]:
    """`over` painted at opacity `alpha` on `under` (both hex or (r, g, b))."""
    a = np.array(rgb_of(under) if isinstance(under, str) else under, float)
    b = np.array(rgb_of(over) if isinstance(over, str) else over, float)
    return tuple(int(round(v)) for v in a * (1 - alpha) + b * alpha)


def ink_on(fill) -> str:
    """Black or white, whichever reads better on `fill` (WCAG relative luminance)."""
    c = np.array(rgb_of(fill) if isinstance(fill, str) else fill, float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


ALPHA_LEVELS = 15   # text coverage is rounded to 16 levels so the palette stays small


@lru_cache(maxsize=8)
def _ft(size: float) -> FT2Font:
    f = FT2Font(str(FONT_FILE))
    f.set_size(size, DPI)
    return f


@lru_cache(maxsize=8192)
def text_mask(s: str, size: float) -> tuple[np.ndarray, int]:
    """(coverage (h, w) float32 in 0..1, baseline row) of `s` in DejaVu Sans at `size` px."""
    f = _ft(size)
    f.set_text(s, 0.0, flags=LoadFlags.DEFAULT)
    f.draw_glyphs_to_bitmap(antialiased=True)
    img = np.asarray(f.get_image(), np.float32) / 255.0
    _, h = f.get_width_height()
    base = 1 + int(round((h - f.get_descent()) / 64))
    img = np.round(img * ALPHA_LEVELS) / ALPHA_LEVELS
    img.setflags(write=False)
    return img, base


def text_width(s: str, size: float) -> float:
    """Width in pixels of `s` drawn in DejaVu Sans at `size`."""
    return float(text_mask(s, size)[0].shape[1])


def paste_text(rgb: np.ndarray, x: float, y: float, s: str, size: float, color,
               ha: str = "center") -> None:
    """Blend `s` into `rgb` (in place), baseline at y; x is its left, centre or right."""
    if not s:
        return
    a, base = text_mask(s, size)
    h, w = a.shape
    x0 = int(round(x - {"left": 0, "center": w / 2, "right": w}[ha]))
    y0 = int(round(y)) - base
    H, W = rgb.shape[:2]
    ys, xs = slice(max(0, y0), min(H, y0 + h)), slice(max(0, x0), min(W, x0 + w))
    a = a[ys.start - y0:ys.stop - y0, xs.start - x0:xs.stop - x0, None]
    ink = np.array(rgb_of(color) if isinstance(color, str) else color, np.float32)
    region = rgb[ys, xs].astype(np.float32)
    rgb[ys, xs] = np.round(region * (1 - a) + ink * a).astype(np.uint8)


class Canvas:
    """A w x h pixel figure (no axes): coordinates are pixels, y down, origin top-left.

    Shapes are matplotlib collections drawn by Agg; text is rendered with matplotlib's FT2Font
    (the glyph rasterizer Agg itself uses) and blended in after the shapes, once per distinct
    string, which is much faster than a Text artist per label.
    """

    def __init__(self, w: int, h: int, ground: str = "white") -> None:
        self.w, self.h = int(w), int(h)
        with matplotlib.rc_context(RC):
            self.fig = Figure(figsize=((self.w + 0.01) / DPI, (self.h + 0.01) / DPI), dpi=DPI,
                              facecolor=ground)
            self.canvas = FigureCanvasAgg(self.fig)
        self.transform = Affine2D().scale(1, -1).translate(0, self.fig.bbox.height)
        self.texts: list[tuple] = []

    def add(self, artist) -> None:
        artist.set_transform(self.transform)
        self.fig.add_artist(artist)

    def text(self, x, y, s, size, color, ha="center") -> None:
        self.texts.append((x, y, s, size, color, ha))

    def rgb(self) -> np.ndarray:
        with matplotlib.rc_context(RC):
            self.canvas.draw()
        buf = np.asarray(self.canvas.buffer_rgba())
        assert buf.shape[:2] == (self.h, self.w), (buf.shape, self.w, self.h)
        out = buf[..., :3].copy()
        for x, y, s, size, color, ha in self.texts:
            paste_text(out, x, y, s, size, color, ha)
        return out


def _packed(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


MAX_COLORS = 255  # one GIF palette slot stays free for "unchanged" (transparent) pixels


def to_indices(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map an RGB image to (palette (N, 3) uint8, indices (H, W) uint8), N <= MAX_COLORS.

    Exact when the image has at most 255 colours. Otherwise the palette is the 255 most frequent
    colours (the fills and lines; anti-aliasing ramps are what is left out) and every other
    colour maps to its nearest palette entry. Ties and order are broken by colour value, so the
    result is reproducible.
    """
    h, w = rgb.shape[:2]
    colors = Image.fromarray(rgb, "RGB").getcolors(h * w)
    colors.sort(key=lambda nc: (-nc[0], nc[1]))
    pal = np.array(sorted(c for _, c in colors[:MAX_COLORS]), np.uint8).reshape(-1, 3)
    packed = _packed(rgb)
    if len(colors) <= MAX_COLORS:
        keys, lut = _packed(pal), np.arange(len(pal), dtype=np.uint8)
    else:
        allc = np.array(sorted(c for _, c in colors), np.uint8)
        keys = _packed(allc)
        d = ((allc[:, None, :].astype(np.int32) - pal[None, :, :].astype(np.int32)) ** 2).sum(-1)
        lut = d.argmin(axis=1).astype(np.uint8)
    return pal, lut[np.searchsorted(keys, packed)]
