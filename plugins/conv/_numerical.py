"""The `numerical` style: flat grids with their values (see frames.py for the frame contents).

One matplotlib canvas holds, stacked top to bottom:
  background  the whole frame: input grid with values, empty output grid, no equation;
  filled      the output grid with its values (copied in as cells are computed);
  window      every input cell in its kernel-window look (shaded, thick outline, values in a
              contrasting ink) and every output cell highlighted;
  sprites     each distinct weight text on each shaded cell kind (pasted where a weight shows);
  equations   one band per frame with that frame's sum of products.
Numbers are written by a `Notation` (numbers.py); colours on the ground come from a `Theme`.
Frames are then built by copying rectangles of palette indices out of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from ._canvas import Canvas, hexc, ink_on, mix, text_width, to_indices
from .frames import BLUE, CYAN, LIGHT, MAX_FRAMES, FramePlan, Frames, Theme
from .numbers import Notation
from .trace import Trace

CELL = 40          # px per cell, at least (a cell widens to hold its longest number)
MAX_CELL = 96      # beyond this, long numbers get a smaller font instead
BORDER = 20        # px around the image
BORDER_COMPACT = 10
LW = 2             # thin grid lines (px)
LW_THICK = 4       # kernel window and current output cell outlines (px)
VALUE_FS = 15      # font size (px) of the values
WEIGHT_FS = 12     # font size of the weights printed in the window (10 px still at 83 %)
EQ_FS = 14         # font size of the equation
EQ_LINE = 20       # line height of the equation
EQ_GAP = 14        # between the grids and the equation
SHADE = 0.75       # opacity of the kernel colour over a window cell
DASH = (0, (4, 3))
MAX_WIDTH = 600    # the image may widen to this so that each sum fits on one line
MAX_SIDE_BY_SIDE = 672  # the default theme's text column (42rem): wider grids are stacked


def _fit(strings, size: float, room: float) -> float:
    wmax = max((text_width(s, size) for s in strings), default=0.0)
    return size if wmax <= room else max(8.0, size * room / wmax)


def wrap(pieces: list[str], size: float, room: float) -> list[str]:
    """Greedy line filling of the equation pieces within `room` pixels."""
    lines: list[str] = []
    cur = ""
    for p in pieces:
        cand = p if not cur else cur + " " + p
        if cur and text_width(cand, size) > room:
            lines.append(cur)
            cur = p
        else:
            cur = cand
    lines.append(cur)
    return lines


def cell_texts(trace: Trace, notation: Notation) -> np.ndarray:
    """What each drawn-grid cell prints: its value; padding prints 0 (−∞ for max pooling)."""
    out = np.empty(trace.grid.shape, object)
    for (r, c), v in np.ndenumerate(trace.grid):
        pad = trace.is_pad[r, c]
        out[r, c] = notation.value(-np.inf if (pad and trace.op == "max_pool") else v)
    return out


@dataclass(frozen=True)
class Layout:
    cell: int
    border: int
    x0: int       # left edge of the input grid
    y0: int       # top edge of the input grid
    hg: int
    wg: int
    oh: int
    ow: int
    out_x0: int
    out_y0: int
    eq_y0: int
    eq_lines: int
    width: int
    height: int
    fs_in: float
    fs_out: float
    fs_w: float

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def min_font(self) -> float:
        """The smallest text drawn, in px (what limits how far the image may shrink)."""
        return min(self.fs_in, self.fs_out, self.fs_w, EQ_FS)

    def in_xy(self, r: int, c: int) -> tuple[int, int]:
        return self.x0 + c * self.cell, self.y0 + r * self.cell

    def out_xy(self, r: int, c: int) -> tuple[int, int]:
        return self.out_x0 + c * self.cell, self.out_y0 + r * self.cell


def layout(trace: Trace, notation: Notation | None = None, compact: bool = False) -> Layout:
    """Side by side (input, a one-cell gap, output), or stacked (the output under the input):
    `compact`, or when side by side would be wider than the theme's text column."""
    notation = notation or Notation(trace)
    hg, wg = trace.grid.shape
    oh, ow = np.shape(trace.output)
    texts = list(cell_texts(trace, notation).ravel())
    outs = list(notation.output_texts().ravel())
    weights = sorted({notation.weight(w) for w in np.ravel(trace.weights)}) \
        if trace.weights is not None else []
    widest = max(text_width(t, VALUE_FS) for t in texts + outs)
    cell = int(min(MAX_CELL, max(CELL, np.ceil(widest) + 16)))
    cell += cell % 2
    fs_in, fs_out = _fit(texts, VALUE_FS, cell - 8), _fit(outs, VALUE_FS, cell - 8)
    fs_w = _fit(weights, WEIGHT_FS, cell - 8) if weights else WEIGHT_FS
    border = BORDER_COMPACT if compact else BORDER
    stacked = compact or (wg + 1 + ow) * cell + 2 * border > MAX_SIDE_BY_SIDE
    if stacked:
        grids_w = max(wg, ow) * cell
        grids_h = (hg + oh) * cell + cell // 2
    else:
        grids_w = (wg + 1 + ow) * cell
        grids_h = max(hg, oh) * cell
    width = grids_w + 2 * border
    lines = 1
    if len(trace.steps) <= MAX_FRAMES:
        eqs = [notation.equation_pieces(i) for i in range(len(trace.steps))]
        if not stacked:  # widen the image (up to MAX_WIDTH) rather than wrap a sum that nearly fits
            longest = max(text_width(" ".join(e), EQ_FS) for e in eqs)
            width = max(width, min(MAX_WIDTH, int(np.ceil(longest)) + 2 * border))
        lines = max(len(wrap(e, EQ_FS, width - 2 * border)) for e in eqs)
    if stacked:
        x0 = (width - wg * cell) // 2
        out_x0 = (width - ow * cell) // 2
        out_y0 = border + hg * cell + cell // 2
    else:
        x0 = (width - grids_w) // 2
        out_x0 = x0 + (wg + 1) * cell
        out_y0 = border + ((hg - oh) * cell) // 2
    eq_y0 = border + grids_h + EQ_GAP
    height = eq_y0 + lines * EQ_LINE + border - 4
    return Layout(cell, border, x0, border, hg, wg, oh, ow, out_x0, out_y0, eq_y0, lines, width,
                  height, fs_in, fs_out, fs_w)


def _edges(cells, x0y0, cell: int) -> np.ndarray:
    """Unique cell edges (as pixel segments) of the given (r, c) cells."""
    segs = set()
    for r, c in cells:
        segs.update({("h", r, c), ("h", r + 1, c), ("v", r, c), ("v", r, c + 1)})
    out = []
    for kind, a, b in sorted(segs):
        x, y = x0y0(a, b)
        if kind == "h":  # horizontal edge at row line a, column b
            out.append(((x, y), (x + cell, y)))
        else:            # vertical edge at row a, column line b
            out.append(((x, y), (x, y + cell)))
    return np.array(out, float).reshape(-1, 2, 2)


def _grid(cv: Canvas, cells, fills, x0y0, dy: int, cell: int, *, lw, edge,
          dashed_cells=()) -> None:
    """Fill cells (one colour each) and draw their outlines, offset down by dy."""
    def at(r, c):
        x, y = x0y0(r, c)
        return x, y + dy

    polys = []
    for r, c in cells:
        x, y = at(r, c)
        polys.append([(x, y), (x + cell, y), (x + cell, y + cell), (x, y + cell)])
    if polys:
        cv.add(PolyCollection(polys, facecolors=fills, edgecolors="none",
                              antialiased=False, snap=False))
    if len(dashed_cells):
        cv.add(LineCollection(_edges(dashed_cells, at, cell), colors=edge, linewidths=lw,
                              linestyles=[DASH], capstyle="butt", snap=False))
    if len(cells):
        cv.add(LineCollection(_edges(cells, at, cell), colors=edge, linewidths=lw,
                              capstyle="projecting", snap=False))


def draw(trace: Trace, plans: list[FramePlan], kcolor: tuple[int, int, int],
         notation: Notation, theme: Theme = LIGHT, compact: bool = False) -> Frames:
    lay = layout(trace, notation, compact)
    W, H = lay.size
    C = lay.cell
    texts = cell_texts(trace, notation)
    outs = notation.output_texts()
    fs_in, fs_out, fs_w = lay.fs_in, lay.fs_out, lay.fs_w

    grid_cells = [(r, c) for r in range(lay.hg) for c in range(lay.wg)]
    pad_cells = [rc for rc in grid_cells if not trace.is_input[rc]]
    in_cells = [rc for rc in grid_cells if trace.is_input[rc]]
    out_cells = [(r, c) for r in range(lay.oh) for c in range(lay.ow)]
    win_in, win_pad = mix(BLUE, kcolor, SHADE), mix(theme.ground, kcolor, SHADE)
    win_out = mix(CYAN, kcolor, SHADE)
    kinds = {True: win_in, False: win_pad}

    gh = lay.eq_y0  # height of the grid panels
    y_fill, y_win, y_spr = H, H + gh, H + 2 * gh
    per_row = max(1, W // C)
    sprite_keys = sorted({(bool(trace.is_input[r, c]), t) for p in plans for (r, c, t) in p.labels})
    spr_rows = -(-len(sprite_keys) // per_row)
    eq_h = lay.eq_lines * EQ_LINE
    y_eq = y_spr + spr_rows * C
    cv = Canvas(W, y_eq + len(plans) * eq_h, theme.ground)
    v_in, v_out = C / 2 + fs_in / 6, C / 2 + fs_out / 3  # baselines, as tuned at 40 px

    # background
    _grid(cv, in_cells, [BLUE] * len(in_cells), lay.in_xy, 0, C, lw=LW, edge=theme.line,
          dashed_cells=pad_cells)
    _grid(cv, out_cells, [theme.empty] * len(out_cells), lay.out_xy, 0, C, lw=LW, edge=theme.line)
    for r, c in grid_cells:
        x, y = lay.in_xy(r, c)
        ink = ink_on(BLUE) if trace.is_input[r, c] else theme.ink
        cv.text(x + C / 2, y + v_in, texts[r, c], fs_in, ink)
    # filled output
    _grid(cv, out_cells, [CYAN] * len(out_cells), lay.out_xy, y_fill, C, lw=LW, edge=theme.line)
    for r, c in out_cells:
        x, y = lay.out_xy(r, c)
        cv.text(x + C / 2, y_fill + y + v_out, outs[r, c], fs_out, ink_on(CYAN))
    # window look of every cell
    fills = [hexc(kinds[bool(trace.is_input[rc])]) for rc in grid_cells]
    _grid(cv, grid_cells, fills, lay.in_xy, y_win, C, lw=LW_THICK, edge=theme.line)
    _grid(cv, out_cells, [hexc(win_out)] * len(out_cells), lay.out_xy, y_win, C, lw=LW_THICK,
          edge=theme.line)
    for (r, c), f in zip(grid_cells, fills):
        x, y = lay.in_xy(r, c)
        cv.text(x + C / 2, y_win + y + v_in, texts[r, c], fs_in, ink_on(f))
    for r, c in out_cells:
        x, y = lay.out_xy(r, c)
        cv.text(x + C / 2, y_win + y + v_out, outs[r, c], fs_out, ink_on(win_out))
    # weight sprites: a shaded cell with only the weight, ink pasted later
    spr_xy = {}
    if sprite_keys:
        polys, cols = [], []
        for i, key in enumerate(sprite_keys):
            x, y = (i % per_row) * C, y_spr + (i // per_row) * C
            spr_xy[key] = (x, y)
            polys.append([(x, y), (x + C, y), (x + C, y + C), (x, y + C)])
            cols.append(hexc(kinds[key[0]]))
            cv.text(x + C - 4, y + C - 5, key[1], fs_w, ink_on(kinds[key[0]]), ha="right")
        cv.add(PolyCollection(polys, facecolors=cols, edgecolors="none",
                              antialiased=False, snap=False))
    # equations
    room = W - 2 * lay.border
    for i, p in enumerate(plans):
        for j, line in enumerate(wrap(notation.equation_pieces(i), EQ_FS, room)):
            cv.text(lay.border, y_eq + i * eq_h + j * EQ_LINE + EQ_FS, line, EQ_FS, theme.ink,
                    ha="left")

    pal, idx = to_indices(cv.rgb())
    bg = idx[:H]
    sprites = {}
    for key, (x, y) in spr_xy.items():
        tile = idx[y:y + C, x:x + C]
        fill = tile[C // 2, 2]
        sprites[key] = (tile, tile != fill)

    frames = []
    m1, m2 = LW // 2, LW_THICK // 2
    for i, p in enumerate(plans):
        f = bg.copy()
        for r, c in p.filled[:-1]:
            x, y = lay.out_xy(r, c)
            f[y - m1:y + C + m1, x - m1:x + C + m1] = \
                idx[y_fill + y - m1:y_fill + y + C + m1, x - m1:x + C + m1]
        for (r, c), src_x0y0 in [(p.out, lay.out_xy)] + [(w, lay.in_xy) for w in p.window]:
            x, y = src_x0y0(r, c)
            f[y - m2:y + C + m2, x - m2:x + C + m2] = \
                idx[y_win + y - m2:y_win + y + C + m2, x - m2:x + C + m2]
        for r, c, t in p.labels:
            tile, mask = sprites[(bool(trace.is_input[r, c]), t)]
            x, y = lay.in_xy(r, c)
            region = f[y:y + C, x:x + C]
            region[mask] = tile[mask]
        f[lay.eq_y0:lay.eq_y0 + eq_h] = idx[y_eq + i * eq_h:y_eq + (i + 1) * eq_h]
        frames.append(f)
    return Frames(pal, tuple(frames))
