"""Draw the frames of a `conv` animation from a `Trace`.

    plan   = frame_plan(trace, "numerical")        # pure logic: what each frame shows
    frames = render(trace, style="numerical")      # -> Frames (shared palette + index arrays)
    render(trace, sink=NullSink())                 # plans only, no pixels (tests)
    render(trace, notation=n, theme=DARK, compact=True)   # the block's numbers, dark, narrow

`notation` (numbers.py) writes every number; without one, integers are exact and floats are
rounded to 2 decimals and marked. `theme` is LIGHT (white ground) or DARK (the dark page's
ground, light lines and text; the cell colours stay). `compact` stacks the output under the
input (numerical style only), for narrow screens.

Two styles:

- `numerical` (default): flat grids. The padded input on the left (input cells blue, padding
  white with a dashed outline, every value printed), the output on the right, vertically centred.
  Each frame shades the kernel window in the kernel colour, prints each weight small in the
  lower-right of its cell, highlights the current output cell, shows the outputs computed so
  far, and writes the sum being computed under the grids (`1·0 + 2·1 + ... = 60`).
- `arithmetic`: the oblique tiles of the classic figures (see `_arithmetic.py`).

How it is fast: matplotlib (Agg, object API, bundled DejaVu Sans) draws every layer a style
needs *once*, stacked in one canvas: the background, the "window" look of every cell, the
filled output, weight sprites and the per-frame equation bands. That canvas is mapped once to
one palette of at most 255 colours, and each frame is composed by copying rectangles of palette
indices. Every frame thus shares the palette, and the GIF encoder never quantizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .numbers import Notation
from .trace import Step, Trace

STYLES = ("numerical", "arithmetic")

#: Most frames one animation may have (one frame per output cell): a 15 x 15 output.
MAX_FRAMES = 225
#: Most pixels one frame may have (width x height).
MAX_PIXELS = 1_000_000

# Solarized, as measured in the classic figures (conv-arithmetic.md, section 2).
WHITE = "#FFFFFF"
BLUE = "#268BD2"  # input cells
CYAN = "#2AA198"  # output cells
BASE03 = "#002B36"  # grid lines, dashed padding outlines
BASE02 = "#073642"  # the classic 40 % overlay
BLACK = "#000000"

#: Kernel-window colour when the block gives no `color`.
DEFAULT_COLORS = {
    "correlate": "#0B3D91",
    "transpose": "#0B3D91",
    "max_pool": "#0B3D91",
    "avg_pool": "#0B3D91",
    "convolve": "#DC322F",
}


@dataclass(frozen=True)
class Theme:
    """The colours that sit on the page's ground; cell fills are the same in every theme."""

    name: str
    ground: str      # background and padding cells
    ink: str         # text on the ground
    line: str        # grid lines and dashed outlines
    empty: str       # output cell not computed yet
    connector: str   # the arithmetic style's four thin lines


LIGHT = Theme("light", WHITE, BLACK, BASE03, "#E4F3F1", BLACK)
# the ground is the default theme's dark page background, so the figure sits on the page
DARK = Theme("dark", "#16181C", "#E3E3DF", "#93A1A1", "#1F3A38", "#E3E3DF")


class AnimationLimitError(ValueError):
    """The animation would be too large to build; the message gives the numbers and a hint."""


# --------------------------------------------------------------------------- plans and sinks


@dataclass(frozen=True)
class FramePlan:
    """What one frame shows, independent of pixels.

    index:    frame number (0-based), row-major over the output.
    step:     the trace's Step drawn.
    out:      (row, col) of the highlighted output cell.
    window:   grid (row, col) cells shaded as the kernel window (the taps).
    labels:   (row, col, text) weight printed small in a grid cell (empty for pooling and for
              the arithmetic style).
    filled:   output cells showing their value (computed so far, current included).
    equation: the computation written out, e.g. "1·0 + 2·1 + ... = 60" ("" for arithmetic).
    """

    index: int
    step: Step = field(repr=False)
    out: tuple[int, int]
    window: tuple[tuple[int, int], ...]
    labels: tuple[tuple[int, int, str], ...]
    filled: tuple[tuple[int, int], ...]
    equation: str


class FrameSink(Protocol):
    """Receives frames in order. `wants_pixels = False` lets `render` skip all drawing."""

    wants_pixels: bool

    def add(self, plan: FramePlan, frame: np.ndarray | None) -> None:
        """`frame` is (H, W, 3) uint8 RGB, or None when `wants_pixels` is False."""


class NullSink:
    """Records the frame plans without drawing anything (for tests)."""

    wants_pixels = False

    def __init__(self) -> None:
        self.plans: list[FramePlan] = []

    def add(self, plan: FramePlan, frame: np.ndarray | None) -> None:
        self.plans.append(plan)


class ListSink:
    """Collects RGB frames (and their plans)."""

    wants_pixels = True

    def __init__(self) -> None:
        self.plans: list[FramePlan] = []
        self.frames: list[np.ndarray] = []

    def add(self, plan: FramePlan, frame: np.ndarray | None) -> None:
        self.plans.append(plan)
        self.frames.append(frame)


@dataclass(frozen=True)
class Frames:
    """An animation's frames: one shared palette and one index array per frame.

    palette: (N, 3) uint8, N <= 256.   indices: (H, W) uint8 per frame.
    Iterating yields RGB (H, W, 3) uint8 arrays; `size` is (width, height) in pixels.
    """

    palette: np.ndarray
    indices: tuple[np.ndarray, ...]

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.indices[0].shape
        return (w, h)

    def rgb(self, i: int) -> np.ndarray:
        return self.palette[self.indices[i]]

    def __len__(self) -> int:
        return len(self.indices)

    def __iter__(self):
        return (self.rgb(i) for i in range(len(self.indices)))


# --------------------------------------------------------------------------- plans


def frame_plan(trace: Trace, style: str = "numerical",
               notation: Notation | None = None) -> list[FramePlan]:
    """One plan per output cell, row-major: what each frame shows."""
    _check_style(style)
    notation = notation or Notation(trace)
    plans = []
    filled: list[tuple[int, int]] = []
    numerical = style == "numerical"
    for i, st in enumerate(trace.steps):
        out = (int(st.out[0]), int(st.out[1]))
        filled.append(out)
        window = tuple((int(r), int(c)) for r, c in st.taps)
        labels: tuple = ()
        if numerical and st.weights is not None:
            labels = tuple((r, c, notation.weight(w)) for (r, c), w in zip(window, st.weights))
        eq = " ".join(notation.equation_pieces(i)) if numerical else ""
        plans.append(FramePlan(i, st, out, window, labels, tuple(filled) if numerical else (), eq))
    return plans


# --------------------------------------------------------------------------- colours, limits


def parse_color(color: str | None, op: str = "correlate") -> tuple[int, int, int]:
    """`color` as (r, g, b) 0-255: a hex colour (#rgb, #rrggbb) or a matplotlib colour name.

    None gives the operation's default (red for convolve, a dark blue otherwise).
    """
    from matplotlib import colors as mcolors

    if color is None:
        color = DEFAULT_COLORS.get(op, DEFAULT_COLORS["correlate"])
    accepted = ("a hex colour such as '#DC322F' or '#d33', or a matplotlib colour name such as "
                "'red', 'navy' or 'tab:blue'")
    if not isinstance(color, str):
        raise ValueError(f"`color`: got {color!r}; expected {accepted}")
    s = color.strip()
    names = {**mcolors.CSS4_COLORS, **mcolors.TABLEAU_COLORS, **mcolors.XKCD_COLORS}
    if s.startswith("#"):
        h = s[1:]
        if len(h) not in (3, 6) or any(ch not in "0123456789abcdefABCDEF" for ch in h):
            raise ValueError(f"`color`: got {color!r}; expected {accepted}")
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
    key = s.lower()
    if key not in names:
        raise ValueError(f"`color`: got {color!r}; expected {accepted}")
    r, g, b = mcolors.to_rgb(names[key])
    return (round(r * 255), round(g * 255), round(b * 255))


def frame_size(trace: Trace, style: str = "numerical", notation: Notation | None = None,
               compact: bool = False) -> tuple[int, int]:
    """(width, height) in pixels of every frame of the animation, without drawing it."""
    _check_style(style)
    if style == "numerical":
        from ._numerical import layout

        return layout(trace, notation or Notation(trace), compact).size
    from ._arithmetic import layout as olayout

    return olayout(trace).size


def legible_width(trace: Trace, style: str = "numerical", notation: Notation | None = None,
                  compact: bool = False, smallest: float = 10.0) -> int:
    """The narrowest width (px) the image may be shown at with every digit still `smallest`
    px: its width for the smallest text drawn (0 for the arithmetic style, which has none)."""
    if style != "numerical":
        return 0
    from ._numerical import layout

    lay = layout(trace, notation or Notation(trace), compact)
    return int(np.ceil(lay.width * min(1.0, smallest / lay.min_font)))


def check_limits(trace: Trace, style: str = "numerical",
                 notation: Notation | None = None) -> None:
    """Raise AnimationLimitError if the animation exceeds MAX_FRAMES or MAX_PIXELS."""
    n = len(trace.steps)
    w, h = frame_size(trace, style, notation)
    problems = []
    if n > MAX_FRAMES:
        oh, ow = np.shape(trace.output)
        problems.append(f"{n} frames (a {oh}x{ow} output; the limit is {MAX_FRAMES})")
    if w * h > MAX_PIXELS:
        problems.append(f"{w} x {h} = {w * h} pixels per frame (the limit is {MAX_PIXELS})")
    if problems:
        raise AnimationLimitError(
            "the animation would have " + " and ".join(problems)
            + "; use a smaller `input`, a larger `stride`, or `show` without `animation`")


def _check_style(style: str) -> None:
    if style not in STYLES:
        raise ValueError(f"`style`: got {style!r}; expected one of {', '.join(STYLES)}")


# --------------------------------------------------------------------------- rendering


def render(trace: Trace, *, style: str = "numerical", color: str | None = None,
           sink: FrameSink | None = None, notation: Notation | None = None,
           theme: Theme = LIGHT, compact: bool = False) -> Frames | None:
    """Draw every frame of `trace`. Returns the Frames, or None for a sink that wants no pixels.

    With a sink, each frame is also passed to `sink.add(plan, rgb)` in order.
    """
    notation = notation or Notation(trace)
    plans = frame_plan(trace, style, notation)
    rgb = parse_color(color, trace.op)
    if sink is not None and not getattr(sink, "wants_pixels", True):
        for p in plans:
            sink.add(p, None)
        return None
    check_limits(trace, style, notation)
    if style == "numerical":
        from ._numerical import draw

        frames = draw(trace, plans, rgb, notation, theme, compact)
    else:
        from ._arithmetic import draw

        frames = draw(trace, plans, rgb, theme)
    if sink is not None:
        for i, p in enumerate(plans):
            sink.add(p, frames.rgb(i))
    return frames
