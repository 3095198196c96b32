"""Visual regression of `conv` figures (issue 12): Chromium screenshots of the seed post's two
figures and four gallery figures at 360, 768 and 1280 px, light and dark, compared with stored
references with a tolerance, so a change that breaks a figure fails.

Reduced motion is emulated so each figure shows its still poster (a GIF would be caught on a
random frame). References are stored at half size with 64 colours to keep them small; the
screenshot goes through the same reduction before the comparison. After a deliberate change,
look at the new screenshots and rewrite the references with
`CONV_VISUAL_WRITE=1 python -m pytest tests/test_conv_visual.py`.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import serving

REFS = Path(__file__).parent / "fixtures" / "conv" / "visual"
WRITE = os.environ.get("CONV_VISUAL_WRITE") == "1"
WIDTHS = (360, 768, 1280)
SCHEMES = ("light", "dark")
PAGES = {  # page -> indices of the .conv-figure elements to compare
    "ConvNet-dont-do-Conv/": (0, 1),
    "conv-gallery/": (0, 8, 15, 17),  # arithmetic, transposed, numerical, pooling with ≈
}
MEAN_TOLERANCE = 4.0      # mean absolute difference per channel, 0-255
PIXEL_TOLERANCE = 0.02    # share of pixels differing by more than 64 in some channel


@pytest.fixture(scope="module")
def show(shipped, browser):
    """`show(url, width, height, scheme, motion)`: one tab of the module loads `url` of the
    session's cold build of the shipped site (it holds both posts) on that screen, with those
    media features ("null": not emulated). A tab per test would cost Chromium a renderer
    process each."""
    with serving(shipped / "site") as base:
        page = browser.new_page()

        def show_(url: str, width: int, height: int = 800, scheme: str = "null",
                  motion: str = "null"):
            page.set_viewport_size({"width": width, "height": height})
            page.emulate_media(color_scheme=scheme, reduced_motion=motion)
            page.goto(base + url)
            return page

        yield show_
        page.close()


def reduce(png: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(png)).convert("RGB")
    im = im.resize((max(1, im.width // 2), max(1, im.height // 2)), Image.Resampling.BOX)
    return im.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    x, y = np.asarray(a.convert("RGB"), int), np.asarray(b.convert("RGB"), int)
    d = np.abs(x - y)
    return float(d.mean()), float((d.max(axis=-1) > 64).mean())


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_figures_look_as_stored(show, width, scheme):
    failures = []
    for url, indices in PAGES.items():
        page = show(url, width, 900, scheme, "reduce")
        page.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        page.wait_for_function("""() => [...document.querySelectorAll('.conv-figure img')]
            .every(i => i.complete && i.naturalWidth > 0)""", timeout=15000)
        # nothing on the page is wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        figures = page.locator(".conv-figure").all()
        for i in indices:
            name = f"{url.strip('/').lower()}-{i}-{width}-{scheme}.png"
            shot = reduce(figures[i].screenshot(animations="disabled"))
            ref = REFS / name
            if WRITE:
                REFS.mkdir(parents=True, exist_ok=True)
                shot.save(ref, optimize=True)
                continue
            assert ref.exists(), f"no reference {ref}; see this module's docstring"
            stored = Image.open(ref)
            if stored.size != shot.size:
                failures.append(f"{name}: size {shot.size}, stored {stored.size}")
                continue
            mean, share = difference(shot, stored)
            if mean > MEAN_TOLERANCE or share > PIXEL_TOLERANCE:
                failures.append(f"{name}: mean difference {mean:.2f}, {share:.1%} of "
                                "pixels far off")
    assert not failures, failures


@pytest.mark.browser
def test_a_broken_figure_would_be_caught():
    """The comparison can fail: the seed's figure against the gallery's is far off."""
    a, b = REFS / "convnet-dont-do-conv-0-1280-light.png", REFS / "conv-gallery-15-1280-light.png"
    if WRITE or not a.exists():
        pytest.skip("references being written")
    x, y = Image.open(a), Image.open(b)
    h, w = min(x.height, y.height), min(x.width, y.width)
    mean, share = difference(x.crop((0, 0, w, h)), y.crop((0, 0, w, h)))
    assert mean > MEAN_TOLERANCE or share > PIXEL_TOLERANCE


@pytest.mark.browser
@pytest.mark.parametrize("url", list(PAGES))
def test_digits_stay_legible_on_a_phone(show, url):
    """At 360 px every numerical figure is shown at least at the width that keeps its smallest
    digits 10 CSS px (`--conv-legible`), and the narrow variant is the one shown."""
    rows = show(url, 360).evaluate("""() => [...document.querySelectorAll('.conv-figure img')]
        .map(i => [i.currentSrc.split('/').pop(), i.getBoundingClientRect().width,
                   parseFloat(getComputedStyle(i).getPropertyValue('--conv-legible')) || 0])""")
    numerical = [r for r in rows if r[2] > 0]
    assert numerical, rows
    for name, shown, legible in numerical:
        assert shown >= legible - 0.5, (name, shown, legible)
    assert all("-compact" in name for name, *_ in numerical if "numerical" in name)


@pytest.mark.browser
@pytest.mark.parametrize("width,scheme,motion,suffix", [
    (1280, "light", "no-preference", ".gif"), (1280, "dark", "no-preference", "-dark.gif"),
    (1280, "light", "reduce", ".png"), (1280, "dark", "reduce", "-dark.png"),
    (360, "light", "no-preference", "-compact.gif"),
    (360, "dark", "reduce", "-compact-dark.png"),
])
def test_the_browser_picks_the_variant_for_the_reader(show, width, scheme, motion, suffix):
    page = show("ConvNet-dont-do-Conv/", width, 800, scheme, motion)
    for img in page.locator(".conv-figure img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_function("""() => [...document.querySelectorAll('.conv-figure img')]
        .every(i => i.complete && i.naturalWidth > 0)""", timeout=15000)
    shown = page.evaluate("""() => [...document.querySelectorAll('.conv-figure img')]
        .map(i => i.currentSrc.split('/').pop())""")
    assert shown == [g[:-4] + suffix for g in ("corr_numerical_no_padding_no_strides.gif",
                                               "conv_numerical_no_padding_no_strides.gif")]
