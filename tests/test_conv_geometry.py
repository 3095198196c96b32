"""The `arithmetic` style keeps the classic figures' proportions (issue 12): frame aspect and
the offset between the planes within 5 % of the originals, measured the same way on both."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.bench_anim import GALLERY
from plugins.conv.core import steps
from plugins.conv.frames import render

CLASSIC = json.loads((Path(__file__).parent / "fixtures" / "conv" / "classic_geometry.json")
                     .read_text())
BLUE, BLUE_DARK = (38, 139, 210), (26, 105, 152)
CYAN, CYAN_DARK = (42, 161, 152), (28, 118, 118)


def measure(rgb: np.ndarray) -> tuple[tuple[int, int], tuple[float, float]]:
    """(width, height), and the centroid of the output cells minus that of the input cells."""
    a = rgb.astype(int)

    def near(*colours):
        return np.any([np.abs(a - np.array(c)).sum(-1) <= 6 for c in colours], axis=0)

    yb, xb = np.nonzero(near(BLUE, BLUE_DARK))
    yc, xc = np.nonzero(near(CYAN, CYAN_DARK))
    return (a.shape[1], a.shape[0]), (xc.mean() - xb.mean(), yc.mean() - yb.mean())


@pytest.mark.parametrize("name", [n for n in CLASSIC if not n.startswith("_")])
def test_arithmetic_geometry_matches_the_classic(name):
    style, kw = GALLERY[name]
    assert style == "arithmetic"
    kw = dict(kw)
    fr = render(steps(kw.pop("x"), kw.pop("k", None), **kw), style="arithmetic")
    (w, h), (dx, dy) = measure(fr.rgb(0))
    (cw, ch), (cdx, cdy) = CLASSIC[name]["size"], CLASSIC[name]["offset"]
    assert abs((h / w) / (ch / cw) - 1) < 0.05, (w, h, cw, ch)
    assert abs(w / cw - 1) < 0.05
    assert np.hypot(dx - cdx, dy - cdy) < 0.05 * np.hypot(cdx, cdy), ((dx, dy), (cdx, cdy))
