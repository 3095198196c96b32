"""The `numerical` style: flat grids with their values (see frames.py for the frame contents).

One matplotlib canvas holds, stacked top to bottom:
  background  the whole frame: input grid with values, empty output grid, no equation;
  filled      the output grid with its values (copied in as cells are computed);
  window      every input cell in its kernel-window look (shaded, thick outline, values in a
              contrasting ink) and every output cell highlighted;
  sprites     each distinct weight text on each shaded cell kind (pasted where a weight shows);
  equations   one band per frame with that frame's sum of products.
Frames are then built by copying rectangles of palette indices out of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from ._canvas import Canvas, hexc, ink_on, mix, text_width, to_indices
from .frames import (BASE03, BLACK, BLUE, CYAN, MAX_FRAMES, WHITE, FramePlan, Frames,
                     equation_pieces, fmt)
from .trace import Trace

CELL = 40          # px per cell
BORDER = 20        # px around the image
LW = 2             # thin grid lines (px)
LW_THICK = 4       # kernel window and current output cell outlines (px)
VALUE_FS = 15      # font size (px) of the values
WEIGHT_FS = 10     # font size of the weights printed in the window
EQ_FS = 14         # font size of the equation
EQ_LINE = 20       # line height of the equation
EQ_GAP = 14        # between the grids and the equation
SHADE = 0.75       # opacity of the kernel colour over a window cell
EMPTY = "#E4F3F1"  # output cell not computed yet
DASH = (0, (4, 3))
MAX_WIDTH = 600    # the image may widen to this so that each sum fits on one line


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


def cell_texts(trace: Trace) -> np.ndarray:
    """What each drawn-grid cell prints: its value; padding prints 0 (-∞ for max pooling)."""
    out = np.empty(trace.grid.shape, object)
    for (r, c), v in np.ndenumerate(trace.grid):
        pad = trace.is_pad[r, c]
        out[r, c] = fmt(-np.inf) if (pad and trace.op == "max_pool") else fmt(v)
    return out


@dataclass(frozen=True)
class Layout:
    x0: int       # left edge of the input grid
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

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def in_xy(self, r: int, c: int) -> tuple[int, int]:
        return self.x0 + c * CELL, BORDER + r * CELL

    def out_xy(self, r: int, c: int) -> tuple[int, int]:
        return self.out_x0 + c * CELL, self.out_y0 + r * CELL


def layout(trace: Trace) -> Layout:
    hg, wg = trace.grid.shape
    oh, ow = np.shape(trace.output)
    grids_w = (wg + 1 + ow) * CELL
    width = grids_w + 2 * BORDER
    lines = 1
    if len(trace.steps) <= MAX_FRAMES:
        eqs = [equation_pieces(trace, s) for s in trace.steps]
        # widen the image (up to MAX_WIDTH) rather than wrap a sum that nearly fits
        longest = max(text_width(" ".join(e), EQ_FS) for e in eqs)
        width = max(width, min(MAX_WIDTH, int(np.ceil(longest)) + 2 * BORDER))
        lines = max(len(wrap(e, EQ_FS, width - 2 * BORDER)) for e in eqs)
    x0 = (width - grids_w) // 2
    out_x0 = x0 + (wg + 1) * CELL
    out_y0 = BORDER + ((hg - oh) * CELL) // 2
    grids_bottom = BORDER + max(hg, oh) * CELL
    eq_y0 = grids_bottom + EQ_GAP
    height = eq_y0 + lines * EQ_LINE + BORDER - 4
    return Layout(x0, hg, wg, oh, ow, out_x0, out_y0, eq_y0, lines, width, height)


def _edges(cells, x0y0) -> np.ndarray:
    """Unique cell edges (as pixel segments) of the given (r, c) cells."""
    segs = set()
    for r, c in cells:
        segs.update({("h", r, c), ("h", r + 1, c), ("v", r, c), ("v", r, c + 1)})
    out = []
    for kind, a, b in sorted(segs):
        x, y = x0y0(a, b) if kind == "h" else x0y0(a, b)
        if kind == "h":  # horizontal edge at row line a, column b
            out.append(((x, y), (x + CELL, y)))
        else:            # vertical edge at row a, column line b
            out.append(((x, y), (x, y + CELL)))
    return np.array(out, float).reshape(-1, 2, 2)


def _grid(cv: Canvas, cells, fills, x0y0, dy: int, *, lw, edge, dashed_cells=()) -> None:
    """Fill cells (one colour each) and draw their outlines, offset down by dy."""
    def at(r, c):
        x, y = x0y0(r, c)
        return x, y + dy

    polys = []
    for r, c in cells:
        x, y = at(r, c)
        polys.append([(x, y), (x + CELL, y), (x + CELL, y + CELL), (x, y + CELL)])
    if polys:
        cv.add(PolyCollection(polys, facecolors=fills, edgecolors="none",
                                            antialiased=False, snap=False))
    if len(dashed_cells):
        cv.add(LineCollection(_edges(dashed_cells, at), colors=edge, linewidths=lw,
                                            linestyles=[DASH], capstyle="butt", snap=False))
    if len(cells):
        cv.add(LineCollection(_edges(cells, at), colors=edge, linewidths=lw,
                                            capstyle="projecting", snap=False))


def draw(trace: Trace, plans: list[FramePlan], kcolor: tuple[int, int, int]) -> Frames:
    lay = layout(trace)
    W, H = lay.size
    texts = cell_texts(trace)
    fs_in = _fit(texts.ravel(), VALUE_FS, CELL - 8)
    outs = np.vectorize(fmt, otypes=[object])(np.asarray(trace.output))
    fs_out = _fit(outs.ravel(), VALUE_FS, CELL - 8)
    weights = sorted({t for p in plans for (_, _, t) in p.labels})
    fs_w = _fit(weights, WEIGHT_FS, CELL - 8)

    grid_cells = [(r, c) for r in range(lay.hg) for c in range(lay.wg)]
    pad_cells = [rc for rc in grid_cells if not trace.is_input[rc]]
    in_cells = [rc for rc in grid_cells if trace.is_input[rc]]
    out_cells = [(r, c) for r in range(lay.oh) for c in range(lay.ow)]
    win_in, win_pad = mix(BLUE, kcolor, SHADE), mix(WHITE, kcolor, SHADE)
    win_out = mix(CYAN, kcolor, SHADE)
    kinds = {True: win_in, False: win_pad}

    gh = lay.eq_y0  # height of the grid panels
    y_fill, y_win, y_spr = H, H + gh, H + 2 * gh
    per_row = max(1, W // CELL)
    sprite_keys = sorted({(bool(trace.is_input[r, c]), t) for p in plans for (r, c, t) in p.labels})
    spr_rows = -(-len(sprite_keys) // per_row)
    eq_h = lay.eq_lines * EQ_LINE
    y_eq = y_spr + spr_rows * CELL
    cv = Canvas(W, y_eq + len(plans) * eq_h)

    # background
    _grid(cv, in_cells, [BLUE] * len(in_cells), lay.in_xy, 0, lw=LW, edge=BASE03,
          dashed_cells=pad_cells)
    _grid(cv, out_cells, [EMPTY] * len(out_cells), lay.out_xy, 0, lw=LW, edge=BASE03)
    for r, c in grid_cells:
        x, y = lay.in_xy(r, c)
        cv.text(x + CELL / 2, y + CELL / 2 + 2.5, texts[r, c], fs_in, BLACK)
    # filled output
    _grid(cv, out_cells, [CYAN] * len(out_cells), lay.out_xy, y_fill, lw=LW, edge=BASE03)
    for r, c in out_cells:
        x, y = lay.out_xy(r, c)
        cv.text(x + CELL / 2, y_fill + y + CELL / 2 + 5, outs[r, c], fs_out, ink_on(CYAN))
    # window look of every cell
    fills = [hexc(kinds[bool(trace.is_input[rc])]) for rc in grid_cells]
    _grid(cv, grid_cells, fills, lay.in_xy, y_win, lw=LW_THICK, edge=BASE03)
    _grid(cv, out_cells, [hexc(win_out)] * len(out_cells), lay.out_xy, y_win, lw=LW_THICK,
          edge=BASE03)
    for (r, c), f in zip(grid_cells, fills):
        x, y = lay.in_xy(r, c)
        cv.text(x + CELL / 2, y_win + y + CELL / 2 + 2.5, texts[r, c], fs_in, ink_on(f))
    for r, c in out_cells:
        x, y = lay.out_xy(r, c)
        cv.text(x + CELL / 2, y_win + y + CELL / 2 + 5, outs[r, c], fs_out, ink_on(win_out))
    # weight sprites: a shaded cell with only the weight, ink pasted later
    spr_xy = {}
    if sprite_keys:
        polys, cols = [], []
        for i, key in enumerate(sprite_keys):
            x, y = (i % per_row) * CELL, y_spr + (i // per_row) * CELL
            spr_xy[key] = (x, y)
            polys.append([(x, y), (x + CELL, y), (x + CELL, y + CELL), (x, y + CELL)])
            cols.append(hexc(kinds[key[0]]))
            cv.text(x + CELL - 4, y + CELL - 5, key[1], fs_w, ink_on(kinds[key[0]]), ha="right")
        cv.add(PolyCollection(polys, facecolors=cols, edgecolors="none",
                                            antialiased=False, snap=False))
    # equations
    room = W - 2 * BORDER
    for i, p in enumerate(plans):
        for j, line in enumerate(wrap(equation_pieces(trace, p.step), EQ_FS, room)):
            cv.text(BORDER, y_eq + i * eq_h + j * EQ_LINE + EQ_FS, line, EQ_FS, BLACK, ha="left")

    pal, idx = to_indices(cv.rgb())
    bg = idx[:H]
    sprites = {}
    for key, (x, y) in spr_xy.items():
        tile = idx[y:y + CELL, x:x + CELL]
        fill = tile[CELL // 2, 2]
        sprites[key] = (tile, tile != fill)

    frames = []
    m1, m2 = LW // 2, LW_THICK // 2
    for i, p in enumerate(plans):
        f = bg.copy()
        for r, c in p.filled[:-1]:
            x, y = lay.out_xy(r, c)
            f[y - m1:y + CELL + m1, x - m1:x + CELL + m1] = \
                idx[y_fill + y - m1:y_fill + y + CELL + m1, x - m1:x + CELL + m1]
        for (r, c), src_x0y0 in [(p.out, lay.out_xy)] + [(w, lay.in_xy) for w in p.window]:
            x, y = src_x0y0(r, c)
            f[y - m2:y + CELL + m2, x - m2:x + CELL + m2] = \
                idx[y_win + y - m2:y_win + y + CELL + m2, x - m2:x + CELL + m2]
        for r, c, t in p.labels:
            tile, mask = sprites[(bool(trace.is_input[r, c]), t)]
            x, y = lay.in_xy(r, c)
            region = f[y:y + CELL, x:x + CELL]
            region[mask] = tile[mask]
        f[lay.eq_y0:lay.eq_y0 + eq_h] = idx[y_eq + i * eq_h:y_eq + (i + 1) * eq_h]
        frames.append(f)
    return Frames(pal, tuple(frames))
