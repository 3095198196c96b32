"""Animation frame logic (with the null sink) and what the drawn frames show."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.conv import frames
from plugins.conv._canvas import mix
from plugins.conv.core import steps
from plugins.conv.frames import (AnimationLimitError, NullSink, check_limits, frame_plan,
                                 frame_size, parse_color, render)
from plugins.conv.numbers import Notation

SEED_X = [[1, 2, 2, 1, 0], [3, 3, 3, 3, 0], [3, 0, 0, 2, 2], [0, 3, 0, 3, 3], [2, 2, 2, 3, 2]]
SEED_K = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
NUM_X = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
NUM_K = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
ROW_MAJOR_3x3 = [(r, c) for r in range(3) for c in range(3)]


def results(trace):
    n = Notation(trace)
    return [n.result(i)[0] for i in range(len(trace.steps))]


def plans_of(trace, style="numerical"):
    sink = NullSink()
    assert render(trace, style=style, sink=sink) is None
    return sink.plans


@pytest.fixture(scope="module")
def corr():
    return steps(SEED_X, SEED_K, op="correlate")


@pytest.fixture(scope="module")
def conv():
    return steps(SEED_X, SEED_K, op="convolve")


@pytest.fixture(scope="module")
def corr_frames(corr):
    return render(corr)


@pytest.fixture(scope="module")
def conv_frames(conv):
    return render(conv)


# ------------------------------------------------------------------ plans (null sink)


def test_one_frame_per_output_cell_in_row_major_order(corr):
    plans = plans_of(corr)
    assert [p.index for p in plans] == list(range(9))
    assert [p.out for p in plans] == ROW_MAJOR_3x3
    assert [p.filled for p in plans] == [tuple(ROW_MAJOR_3x3[: i + 1]) for i in range(9)]


def test_correlate_prints_weights_as_written(corr):
    plans = plans_of(corr)
    p = plans[0]
    assert p.window == tuple(ROW_MAJOR_3x3)
    assert p.labels == tuple((r, c, str(3 * r + c)) for r, c in ROW_MAJOR_3x3)
    last = plans[-1]  # window at rows 2..4, cols 2..4
    assert last.labels[0] == (2, 2, "0") and last.labels[-1] == (4, 4, "8")
    assert p.equation == "1·0 + 2·1 + 2·2 + 3·3 + 3·4 + 3·5 + 3·6 + 0·7 + 0·8 = 60"
    assert results(corr) == ["60", "56", "52", "39", "61", "66", "54", "78", "82"]


def test_convolve_prints_the_kernel_rotated(conv):
    plans = plans_of(conv)
    assert plans[0].labels == tuple((r, c, str(8 - 3 * r - c)) for r, c in ROW_MAJOR_3x3)
    assert plans[0].equation.endswith("= 76")
    assert results(conv)[-1] == "54"


def test_pooling_prints_no_weights_and_its_own_equation():
    mx = plans_of(steps(NUM_X, kernel_size=3, op="max_pool", stride=1))
    assert len(mx) == 9 and all(p.labels == () for p in mx)
    assert mx[0].equation == "max(3, 3, 2, 0, 0, 1, 3, 1, 2) = 3"
    av = plans_of(steps(NUM_X, kernel_size=3, op="avg_pool", stride=1))
    assert av[0].equation == "(3 + 3 + 2 + 0 + 0 + 1 + 3 + 1 + 2) / 9 ≈ 1.67"  # 15/9
    padded = plans_of(steps(NUM_X, kernel_size=3, op="max_pool", stride=2, padding=1))
    assert padded[0].equation.startswith("max(−∞, −∞, −∞, −∞, 3,")


def test_padding_stride_and_dilation_windows():
    p = plans_of(steps(NUM_X, NUM_K, op="correlate", padding=1, stride=2))
    assert len(p) == 9
    assert p[1].window[0] == (0, 2) and p[3].window[0] == (2, 0)  # stride 2 on the padded grid
    assert results(p[0].step and steps(NUM_X, NUM_K, op="correlate", padding=1, stride=2)) == \
        ["6", "17", "3", "8", "17", "13", "6", "4", "4"]
    d = plans_of(steps(np.arange(49).reshape(7, 7), NUM_K, op="correlate", dilation=2))
    assert len(d) == 9
    assert d[0].window == tuple((r, c) for r in (0, 2, 4) for c in (0, 2, 4))


def test_transpose_frames_cover_its_output():
    t = steps(np.arange(1, 10).reshape(3, 3), NUM_K, op="transpose", stride=2, padding=1,
              output_padding=1)
    p = plans_of(t)
    assert len(p) == t.output.size == 36
    assert p[-1].out == (5, 5)


def test_arithmetic_plans_have_no_text(corr):
    p = plans_of(corr, "arithmetic")
    assert len(p) == 9 and all(q.labels == () and q.equation == "" for q in p)
    assert p[4].window == plans_of(corr)[4].window


def test_float_traces_round_and_say_so():
    """Without the block's exact operands (floats given to the core), a result that is not a
    short decimal is rounded to 2 decimals and marked; integers stay exact."""
    n = Notation(steps([[0.5, 1.25, -2.0]], [[1.0, 1.0]], op="correlate"))
    assert [n.result(i) for i in range(2)] == [("1.75", False), ("−0.75", False)]
    n = Notation(steps([[1, 2, 2]], [[1, 1]], op="correlate"))
    assert n.result(0) == ("3", False)
    n = Notation(steps([[1.0, 2.0, 2.0]], kernel_size=(1, 3), op="avg_pool", stride=1))
    assert n.result(0) == ("1.67", True) and n.equation_pieces(0)[-1] == "≈ 1.67"


# ------------------------------------------------------------------ colours, limits


def test_parse_color():
    assert parse_color(None, "convolve") == (0xDC, 0x32, 0x2F)
    assert parse_color(None, "correlate") != parse_color(None, "convolve")
    assert parse_color("#d33") == (0xDD, 0x33, 0x33)
    assert parse_color("#268BD2") == (38, 139, 210)
    assert parse_color("navy") == (0, 0, 128)
    assert parse_color("tab:red") == (214, 39, 40)
    for bad in ("#12", "#gggggg", "notacolour", "C0", "0.5", 3):
        with pytest.raises(ValueError, match="`color`"):
            parse_color(bad)


def test_limits(corr):
    check_limits(corr)
    check_limits(corr, "arithmetic")
    big = steps(np.zeros((20, 20), int), SEED_K, op="correlate")
    with pytest.raises(AnimationLimitError) as e:
        check_limits(big)
    msg = str(e.value)
    assert "324 frames" in msg and str(frames.MAX_FRAMES) in msg
    assert "stride" in msg and "`show` without `animation`" in msg
    assert isinstance(e.value, ValueError)
    with pytest.raises(AnimationLimitError):
        render(big)


def test_bad_style(corr):
    with pytest.raises(ValueError, match="`style`"):
        frame_plan(corr, "oblique")


# ------------------------------------------------------------------ pixels


def _cell_pixel(frames_, fi, kind, r, c, dx=3, dy=3):
    """A pixel near the top-left corner inside a cell (away from text)."""
    from plugins.conv._numerical import layout

    lay = layout(TRACES[id(frames_)])
    x, y = lay.in_xy(r, c) if kind == "in" else lay.out_xy(r, c)
    return tuple(int(v) for v in frames_.rgb(fi)[y + dy, x + dx])


TRACES: dict[int, object] = {}


def test_frames_shape_and_determinism(corr, corr_frames):
    assert len(corr_frames) == 9
    w, h = corr_frames.size
    assert (w, h) == frame_size(corr) and 380 <= w <= 600
    assert all(f.shape == (h, w) for f in corr_frames.indices)
    assert len(corr_frames.palette) <= 256
    again = render(corr)
    assert np.array_equal(again.palette, corr_frames.palette)
    assert all(np.array_equal(a, b) for a, b in zip(again.indices, corr_frames.indices))


def test_highlight_and_fill_pixels(corr, corr_frames):
    TRACES[id(corr_frames)] = corr
    k = parse_color(None, "correlate")
    shaded_in, out_now = mix("#268BD2", k, 0.75), mix("#2AA198", k, 0.75)
    # frame 4: window over rows 1..3, cols 1..3; output (1, 1) current, 4 cells filled
    assert _cell_pixel(corr_frames, 4, "in", 1, 1, 6, 6) == shaded_in
    assert _cell_pixel(corr_frames, 4, "in", 3, 3, 6, 6) == shaded_in
    assert _cell_pixel(corr_frames, 4, "in", 0, 0, 6, 6) == (38, 139, 210)
    assert _cell_pixel(corr_frames, 4, "in", 4, 4, 6, 6) == (38, 139, 210)
    assert _cell_pixel(corr_frames, 4, "out", 1, 1, 6, 6) == out_now
    assert _cell_pixel(corr_frames, 4, "out", 1, 0) == (42, 161, 152)
    assert _cell_pixel(corr_frames, 4, "out", 1, 2) != (42, 161, 152)   # not computed yet


def test_kernel_colour_differs_between_correlate_and_convolve(corr, conv, corr_frames,
                                                              conv_frames):
    TRACES[id(corr_frames)], TRACES[id(conv_frames)] = corr, conv
    a = _cell_pixel(corr_frames, 0, "in", 0, 0, 6, 6)
    b = _cell_pixel(conv_frames, 0, "in", 0, 0, 6, 6)
    assert a != b
    assert b[0] > b[2] and a[2] > a[0]          # red-ish vs blue-ish
    c = render(corr, color="#00aa00")
    TRACES[id(c)] = corr
    g = _cell_pixel(c, 0, "in", 0, 0, 6, 6)
    assert g[1] > g[0] and g[1] > g[2]


def test_weights_are_printed_in_the_window(corr, corr_frames):
    """The lower-right corner of a window cell holds ink (the weight); outside it does not."""
    from plugins.conv._numerical import CELL, layout

    lay = layout(corr)
    rgb = corr_frames.rgb(0)
    x, y = lay.in_xy(0, 1)                  # weight "1" at (0, 1) in frame 0
    corner = rgb[y + CELL - 16:y + CELL - 4, x + CELL - 14:x + CELL - 3]
    assert len({tuple(p) for p in corner.reshape(-1, 3)}) > 2
    x, y = lay.in_xy(0, 4)                  # outside the window: plain blue there
    corner = rgb[y + CELL - 16:y + CELL - 4, x + CELL - 14:x + CELL - 3]
    assert {tuple(p) for p in corner.reshape(-1, 3)} == {(38, 139, 210)}


def test_sink_receives_rgb_frames(corr):
    sink = frames.ListSink()
    fr = render(corr, sink=sink)
    assert len(sink.frames) == 9 and sink.frames[0].shape == (fr.size[1], fr.size[0], 3)
    assert [p.out for p in sink.plans] == ROW_MAJOR_3x3


@pytest.mark.parametrize("style", ["numerical", "arithmetic"])
@pytest.mark.parametrize("kw", [
    dict(k=NUM_K, op="correlate", padding=2),
    dict(k=NUM_K, op="convolve", padding=1, stride=2),
    dict(k=NUM_K, op="transpose", stride=2, padding=1, output_padding=1),
    dict(k=NUM_K, op="correlate", dilation=2),
    dict(kernel_size=3, op="avg_pool", stride=1),
    dict(kernel_size=2, op="max_pool", padding=1),
])
def test_every_op_renders(kw, style):
    x = np.arange(49).reshape(7, 7) % 4 if kw.get("dilation") else NUM_X
    t = steps(x, **kw)
    fr = render(t, style=style)
    assert len(fr) == t.output.size and fr.size == frame_size(t, style)
    assert len(fr.palette) <= 256


def test_arithmetic_style_is_the_classic_look(corr, conv):
    """Default correlate: base02 at 40 % over the taps (#1A6998) and the output (#1C7676)."""
    from plugins.conv._arithmetic import layout

    lay = layout(corr)
    fr = render(corr, style="arithmetic")

    def centre(plane, r, c, fi, frames_=fr):
        x, y = lay.pt(plane, r + 0.5, c + 0.5)
        return tuple(int(v) for v in frames_.rgb(fi)[int(y), int(x)])

    assert centre("in", 0, 0, 0) == (26, 105, 152)
    assert centre("in", 2, 2, 0) == (26, 105, 152)
    assert centre("in", 3, 3, 0) == (38, 139, 210)
    assert centre("out", 0, 0, 0) == (28, 118, 118)
    assert centre("out", 0, 1, 0) == (42, 161, 152)
    assert centre("in", 4, 4, 8) == (26, 105, 152) and centre("out", 2, 2, 8) == (28, 118, 118)
    red = render(conv, style="arithmetic")
    r = centre("in", 0, 0, 0, red)
    assert r[0] > r[2]
