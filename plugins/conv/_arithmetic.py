"""The `arithmetic` style: the oblique tiles of the classic convolution-arithmetic figures.

Both planes are sheared like tiles in perspective, with the classic figures' proportions
(measured on the 15 originals, see tests/fixtures/conv/classic_geometry.json): +1 column moves
the drawing by (+0.98, -0.49) cell and +1 row by (+0.68, +0.635) cell on screen (y down), so the
grid's top-left cell sits at the left corner. The output plane floats above the input plane,
its centre offset from the input's by a linear fit of the originals' offsets (in cells of
29.5 px), lifted further only if the planes would overlap.
Each frame shades the kernel taps and the current output cell and draws four thin lines from
the corners of the kernel footprint to the corners of the output cell.

As in `_numerical.py`, matplotlib draws a background and a "window" layer once (stacked in one
canvas); each frame copies the parallelogram of every tap cell and of the output cell from the
window layer (precomputed per-cell masks) and draws the four lines in palette indices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from ._canvas import Canvas, hexc, mix, to_indices
from .frames import BASE02, BLUE, CYAN, DEFAULT_COLORS, LIGHT, FramePlan, Frames, Theme
from .trace import Trace

UNIT = 30          # px per cell (the classic 0.5 cm at 150 dpi is 29.5 px)
BORDER = 20
LW = 1.5           # grid lines
LW_THICK = 3.0     # kernel taps and the current output cell
ROW = np.array([0.68, 0.635])   # screen displacement (cells) of +1 row
COL = np.array([0.98, -0.49])    # screen displacement (cells) of +1 column
CLASSIC_CELL = 29.5              # px per cell in the originals (0.5 cm at 150 dpi)
# centre of the output plane minus centre of the input grid, in classic px, as a linear fit
# a*rows_in + b*rows_out + c over the 15 originals (worst residual under 2 px)
OFFSET_X = (-4.44, 4.37, -5.1)
OFFSET_Y = (-12.76, -16.74, -29.2)
DASH = (0, (3, 2.5))


@dataclass(frozen=True)
class Layout:
    hg: int
    wg: int
    oh: int
    ow: int
    origin_in: tuple[float, float]    # screen position of grid corner (0, 0)
    origin_out: tuple[float, float]   # screen position of output corner (0, 0)
    width: int
    height: int

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def pt(self, plane: str, r, c) -> np.ndarray:
        """Screen (x, y) of plane corner coordinates (r, c) (arrays allowed)."""
        o = np.array(self.origin_in if plane == "in" else self.origin_out)
        r, c = np.asarray(r, float), np.asarray(c, float)
        return o + UNIT * (r[..., None] * ROW + c[..., None] * COL)

    def plane_coords(self, plane: str, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of `pt`: fractional (r, c) of screen points."""
        o = np.array(self.origin_in if plane == "in" else self.origin_out)
        m = np.linalg.inv(np.array([ROW, COL]).T * UNIT)
        d = np.stack([np.asarray(x, float) - o[0], np.asarray(y, float) - o[1]])
        rc = np.tensordot(m, d, axes=1)
        return rc[0], rc[1]


def layout(trace: Trace) -> Layout:
    hg, wg = trace.grid.shape
    oh, ow = np.shape(trace.output)
    unit = np.array([ROW, COL]).T  # plane (r, c) -> screen cells
    n_in, n_out = (hg + wg) / 2, (oh + ow) / 2
    fit = np.array([OFFSET_X[0] * n_in + OFFSET_X[1] * n_out + OFFSET_X[2],
                    OFFSET_Y[0] * n_in + OFFSET_Y[1] * n_out + OFFSET_Y[2]]) / CLASSIC_CELL
    # offset of the output plane's corner (0, 0) from the input grid's, in screen cells
    shift = unit @ np.array([hg / 2, wg / 2]) + fit - unit @ np.array([oh / 2, ow / 2])
    corners_in = np.array([unit @ np.array([r, c]) for r in (0, hg) for c in (0, wg)])
    out_rel = np.array([unit @ np.array([r, c]) for r in (0, oh) for c in (0, ow)])
    while _overlap(corners_in, out_rel + shift):
        shift = shift + np.array([0.0, -0.25])
    corners_out = out_rel + shift
    allc = np.vstack([corners_in, corners_out]) * UNIT
    lo, hi = allc.min(axis=0), allc.max(axis=0)
    offset = BORDER - lo
    w, h = np.ceil(hi - lo + 2 * BORDER).astype(int)
    o_in = tuple(np.round(offset, 2))
    o_out = tuple(np.round(offset + shift * UNIT, 2))
    return Layout(hg, wg, oh, ow, o_in, o_out, int(w), int(h))


def _overlap(a: np.ndarray, b: np.ndarray, margin: float = 0.3) -> bool:
    """Whether two parallelograms (4 corners each, any order) come within `margin` cells."""
    def hull(p):
        c = p.mean(axis=0)
        return p[np.argsort(np.arctan2(p[:, 1] - c[1], p[:, 0] - c[0]))]

    for poly in (hull(a), hull(b)):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            axis = np.array([-edge[1], edge[0]]) / np.hypot(*edge)
            pa, pb = a @ axis, b @ axis
            if pa.max() + margin <= pb.min() or pb.max() + margin <= pa.min():
                return False  # a separating axis
    return True


def _quads(lay: Layout, plane: str, cells, dy: float) -> np.ndarray:
    cells = np.asarray(cells, float).reshape(-1, 2)
    r, c = cells[:, 0], cells[:, 1]
    q = np.stack([lay.pt(plane, r, c), lay.pt(plane, r, c + 1), lay.pt(plane, r + 1, c + 1),
                  lay.pt(plane, r + 1, c)], axis=1)
    q[..., 1] += dy
    return q


def _edges(lay: Layout, plane: str, cells, dy: float) -> np.ndarray:
    segs = set()
    for r, c in cells:
        segs.update({(r, c, r, c + 1), (r + 1, c, r + 1, c + 1), (r, c, r + 1, c),
                     (r, c + 1, r + 1, c + 1)})
    if not segs:
        return np.zeros((0, 2, 2))
    s = np.array(sorted(segs), float)
    out = np.stack([lay.pt(plane, s[:, 0], s[:, 1]), lay.pt(plane, s[:, 2], s[:, 3])], axis=1)
    out[..., 1] += dy
    return out


def _plane(cv: Canvas, lay: Layout, plane: str, cells, fills, dy, lw, line, dashed=()) -> None:
    if len(cells):
        cv.add(PolyCollection(_quads(lay, plane, cells, dy), facecolors=fills,
                              edgecolors="none", antialiased=False))
    if len(dashed):
        cv.add(LineCollection(_edges(lay, plane, dashed, dy), colors=line, linewidths=lw,
                              linestyles=[DASH], capstyle="butt"))
    if len(cells):
        cv.add(LineCollection(_edges(lay, plane, cells, dy), colors=line, linewidths=lw,
                              capstyle="round"))


def _cell_masks(lay: Layout, plane: str, n_r: int, n_c: int, h: int, w: int):
    """Per cell: (y slice, x slice, bool mask) of its pixels, outline included."""
    m = (LW_THICK / 2 + 1) / UNIT
    out = {}
    for r in range(n_r):
        for c in range(n_c):
            q = _quads(lay, plane, [(r, c)], 0)[0]
            x0, y0 = np.floor(q.min(axis=0) - 3).astype(int)
            x1, y1 = np.ceil(q.max(axis=0) + 3).astype(int)
            x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
            yy, xx = np.mgrid[y0:y1, x0:x1]
            rr, cc = lay.plane_coords(plane, xx + 0.5, yy + 0.5)
            mask = (rr >= r - m) & (rr < r + 1 + m) & (cc >= c - m) & (cc < c + 1 + m)
            out[(r, c)] = (slice(y0, y1), slice(x0, x1), mask)
    return out


LEVELS = 8  # coverage levels of the anti-aliased connector lines


def _line_table(pal: np.ndarray, ink=(0, 0, 0)) -> np.ndarray:
    """table[i, a]: palette index nearest to `ink` at coverage a/(LEVELS-1) over colour i."""
    p = pal.astype(np.int64)
    a = np.arange(LEVELS)[None, :, None]
    k = np.array(ink, np.int64)[None, None, :]
    want = (p[:, None, :] * (LEVELS - 1 - a) + k * a + (LEVELS - 1) // 2) // (LEVELS - 1)
    want = want.reshape(-1, 3)                                        # (N * LEVELS, 3)
    # |want - p|^2 without the constant |want|^2; integers, so exact on every machine
    d = (p * p).sum(1)[None, :] - 2 * (want @ p.T)
    return d.argmin(1).reshape(len(pal), LEVELS).astype(np.uint8)


def _line(f: np.ndarray, p0, p1, table: np.ndarray) -> None:
    """An anti-aliased 1-pixel line (the table's ink) from p0 to p1 (pixel i covers [i, i+1))."""
    (x0, y0), (x1, y1) = p0, p1
    steep = abs(y1 - y0) > abs(x1 - x0)
    a0, a1, b0, b1 = (y0, y1, x0, x1) if steep else (x0, x1, y0, y1)
    if a1 < a0:
        a0, a1, b0, b1 = a1, a0, b1, b0
    m = np.arange(int(np.floor(a0)), int(np.ceil(a1)))
    if len(m) == 0 or a1 == a0:
        return
    t = np.clip((m + 0.5 - a0) / (a1 - a0), 0, 1)
    minor = b0 + t * (b1 - b0) - 0.5
    i = np.floor(minor).astype(int)
    frac = minor - i
    for off, cov in ((0, 1 - frac), (1, frac)):
        lv = np.round(cov * (LEVELS - 1)).astype(int)
        mi = i + off
        ys, xs = (m, mi) if steep else (mi, m)
        ok = (lv > 0) & (xs >= 0) & (xs < f.shape[1]) & (ys >= 0) & (ys < f.shape[0])
        f[ys[ok], xs[ok]] = table[f[ys[ok], xs[ok]], lv[ok]]


def draw(trace: Trace, plans: list[FramePlan], kcolor: tuple[int, int, int],
         theme: Theme = LIGHT) -> Frames:
    lay = layout(trace)
    W, H = lay.size
    # the classic look by default: base02 at 40 %; a chosen or convolve colour more strongly
    alpha = 0.4 if kcolor == _rgb(DEFAULT_COLORS["correlate"]) else 0.6
    if alpha == 0.4:
        kcolor = _rgb(BASE02)
    # on a dark ground a dark overlay would vanish over the padding: lighten it there instead
    pad_tap = mix(theme.ground, kcolor, alpha) if theme is LIGHT else \
        mix(theme.ground, theme.line, 0.35)
    cells = [(r, c) for r in range(lay.hg) for c in range(lay.wg)]
    pads = [rc for rc in cells if not trace.is_input[rc]]
    ins = [rc for rc in cells if trace.is_input[rc]]
    outs = [(r, c) for r in range(lay.oh) for c in range(lay.ow)]
    cv = Canvas(W, 2 * H + 1, theme.ground)
    _plane(cv, lay, "in", ins, [BLUE] * len(ins), 0, LW, theme.line, dashed=pads)
    _plane(cv, lay, "out", outs, [CYAN] * len(outs), 0, LW, theme.line)
    fills = [hexc(mix(BLUE, kcolor, alpha) if trace.is_input[rc] else pad_tap) for rc in cells]
    _plane(cv, lay, "in", cells, fills, H, LW_THICK, theme.line)
    _plane(cv, lay, "out", outs, [hexc(mix(CYAN, kcolor, alpha))] * len(outs), H, LW_THICK,
           theme.line)
    rgb = cv.rgb()
    # swatches so the palette holds the connector lines' ink over each fill
    ink = _rgb(theme.connector)
    under = [theme.ground, BLUE, CYAN, hexc(mix(BLUE, kcolor, alpha)), hexc(pad_tap),
             hexc(mix(CYAN, kcolor, alpha))]
    sw = [mix(u, ink, a) for u in under for a in (0.3, 0.55, 0.8)] + [ink]
    rgb[-1, :len(sw)] = sw
    pal, idx = to_indices(rgb)
    table = _line_table(pal, ink)
    bg, win = idx[:H], idx[H:2 * H]
    in_masks = _cell_masks(lay, "in", lay.hg, lay.wg, H, W)
    out_masks = _cell_masks(lay, "out", lay.oh, lay.ow, H, W)

    frames = []
    for p in plans:
        f = bg.copy()
        for key, masks in [(w, in_masks) for w in p.window] + [(p.out, out_masks)]:
            ys, xs, mask = masks[key]
            f[ys, xs][mask] = win[ys, xs][mask]
        taps = np.array(p.window)
        r0, c0 = taps.min(axis=0)
        r1, c1 = taps.max(axis=0) + 1
        orow, ocol = p.out
        for (a, b), (u, v) in zip([(r0, c0), (r0, c1), (r1, c0), (r1, c1)],
                                  [(orow, ocol), (orow, ocol + 1), (orow + 1, ocol),
                                   (orow + 1, ocol + 1)]):
            _line(f, lay.pt("in", a, b), lay.pt("out", u, v), table)
        frames.append(f)
    return Frames(pal, tuple(frames))


def _rgb(h: str) -> tuple[int, int, int]:
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))
