"""The `plot` fence: figures drawn by the post's own code (decoded), light and dark, errors at
the post's line (an exception's line mapped into the block, a timeout, a crash, no figure),
the figure cache across a prose edit, byte-identical rebuilds, and a look in Chromium."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file
from PIL import Image

from engine import assemble, markdown, plugin_host
from engine.content import Post
from engine.formulas import FormulaStore
from conftest import REPO, SITES

FIXTURES = Path(__file__).parent / "fixtures" / "plot"
SVG = "{http://www.w3.org/2000/svg}"
FIGURE = re.compile(r'<figure class="plot-figure"><picture>(.*?)</picture>(.*?)</figure>')


def plugins(*names: str, **options) -> plugin_host.PluginSet:
    return plugin_host.PluginSet(tuple(plugin_host.find(REPO, n, options if n == "plot" else {})
                                       for n in names))


def render(body: str, *names: str, **options) -> markdown.Rendered:
    post = Post(source="content/posts/x/index.md", kind="post", title="x", url="x/",
                body=body, body_line=5, digest="0", math_dialect="modern")
    return markdown.render(post, "modern", FormulaStore(None), plugins(*(names or ("plot",)),
                                                                        **options))


def runs(root: Path) -> list[str]:
    """The blocks' runs, in order: each block appends its name to $PLOT_RUNS per variant."""
    counter = root.parent / "runs.txt"
    return counter.read_text().split() if counter.exists() else []


def build(root: Path) -> None:
    """Build `root` with the run counter beside it."""
    os.environ["PLOT_RUNS"] = str(root.parent / "runs.txt")
    try:
        assemble.build(root)
    finally:
        del os.environ["PLOT_RUNS"]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """tests/sites/plot built once, cold."""
    root = tmp_path_factory.mktemp("plot") / "root"
    shutil.copytree(SITES / "plot", root)
    build(root)
    return root


def figures(root: Path) -> list[tuple[str, str, str]]:
    """(light file, dark file or '', figure html) of each `plot` figure of the post."""
    html = (root / "site" / "waves" / "index.html").read_text()
    found = []
    for m in FIGURE.finditer(html):
        src = re.search(r'<img src="\./([^"]+)" data-feed-src="\./([^"]+)"', m.group(1))
        assert src and src.group(1) == src.group(2), m.group(0)
        dark = re.search(r'<source srcset="\./([^"]+)" media="\(prefers-color-scheme: dark\)"',
                         m.group(1))
        found.append((src.group(1), dark.group(1) if dark else "", m.group(0)))
    return found


# --------------------------------------------------------------------------- a whole build


def test_figures_are_drawn_light_and_dark(built):
    post = built / "site" / "waves"
    (svg, svg_dark, svg_html), (png, png_dark, png_html) = figures(built)
    assert re.fullmatch(r"plot-[0-9a-f]{12}\.svg", svg) and svg_dark == svg[:-4] + "-dark.svg"
    assert re.fullmatch(r"plot-[0-9a-f]{12}\.png", png) and png_dark == png[:-4] + "-dark.png"
    assert 'width="640" height="480" alt="A sine and a cosine over one period"' in svg_html
    assert "<figcaption>Sine and <em>cosine</em></figcaption>" in svg_html
    assert 'width="480" height="320" alt="A histogram of 1000 normal samples"' in png_html

    light, dark = (ET.parse(post / name).getroot() for name in (svg, svg_dark))
    assert light.tag == dark.tag == f"{SVG}svg"
    assert light.get("width") == "460.8pt" and light.get("height") == "345.6pt"  # 6.4 x 4.8 in
    assert len(light.findall(f".//{SVG}path")) > 20  # the curves, ticks and glyphs
    assert b"<dc:date>" not in (post / svg).read_bytes()
    assert _fills(post / svg) != _fills(post / svg_dark)

    with Image.open(post / png) as im_light, Image.open(post / png_dark) as im_dark:
        assert im_light.size == im_dark.size == (960, 640)  # 2 x the CSS size, for sharp screens
        assert set(im_light.info) <= {"dpi"}  # no Software or date chunk
        corner_light, corner_dark = im_light.convert("RGBA").getpixel((0, 0)), \
            im_dark.convert("RGBA").getpixel((0, 0))
        assert corner_light == (255, 255, 255, 255)  # opaque: readable in any feed reader
        assert corner_dark[3] == 0  # the dark page shows through
        assert len(im_light.convert("RGB").getcolors(1 << 20)) > 10  # bars, axes, text


def _fills(path: Path) -> set[str]:
    return set(re.findall(r"(?:fill|stroke): ?(#[0-9a-f]{6})", path.read_text()))


def test_each_block_ran_once_per_variant(built):
    assert sorted(runs(built)) == ["hist", "hist", "waves", "waves"]


def test_a_prose_edit_runs_no_code(built, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(built, root)
    post = root / "content" / "posts" / "waves" / "index.md"
    post.write_text(post.read_text().replace("Two figures", "Two fine figures"))
    before = [name for name, _, _ in figures(root)]
    build(root)
    assert runs(root) == []  # a fresh counter: nothing ran
    assert "Two fine figures" in (root / "site" / "waves" / "index.html").read_text()
    assert [name for name, _, _ in figures(root)] == before


def test_building_twice_cold_gives_the_same_bytes(built, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(SITES / "plot", root)
    build(root)
    assert len(runs(root)) == 4
    first, second = _files(built / "site"), _files(root / "site")
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- one post


@pytest.mark.parametrize("line,title,body,expected", [
    pytest.param(*case, id=f"{case[0]}:{case[1][:40]}")
    for case in read_fixture_file(FIXTURES / "blocks_bad.md")])
def test_block_problems_are_reported_at_their_line(line, title, body, expected):
    result = render(body)
    got = sorted([(p.line, p.format("error")) for p in result.errors]
                 + [(p.line, p.format("warning")) for p in result.warnings])
    want = expected.splitlines()
    assert len(got) == len(want), got
    for (_, g), w in zip(got, want):
        assert g.splitlines()[0].startswith(w), (g, w)
    for p in result.errors + result.warnings:  # the source line is quoted under the message
        assert p.source == body.splitlines()[p.line - 5]


def test_a_block_over_its_time_limit_is_stopped_and_reported():
    body = "Text.\n\n```plot\n#| alt: x\nwhile True:\n    pass\n```\n"
    result = render(body, timeout=0.5)
    assert [p.format().splitlines()[0] for p in result.errors] == [
        "content/posts/x/index.md:7: error: the `plot` code did not finish within 0.5 s (the "
        "limit includes starting Python and matplotlib); make it faster, or raise `timeout` in "
        "`[plot]` of site.toml"]
    assert '<pre class="plot-error"><code>#| alt: x\nwhile True:' in result.html


def test_plot_runs_only_when_listed(tmp_path):
    marker = tmp_path / "ran"
    body = f"```plot\nopen({str(marker)!r}, 'w').write('x')\n```\n"
    result = render(body, "conv")
    assert not marker.exists()
    assert result.assets == {} and "<pre" in result.html
    assert [p.message for p in result.warnings] == [
        "unknown code language `plot`; shown without highlighting (see `pygmentize -L lexers`)"]


def test_light_only_and_the_figure_named_fig():
    body = ("```plot\n#| alt: a line\n#| dark: false\n#| width: 300\n"
            "from matplotlib.figure import Figure\nfig = Figure()\n"
            "fig.add_subplot().plot([1, 3, 2])\n```\n")
    result = render(body)
    assert not result.errors and not result.warnings
    (name,) = result.assets
    assert "<source" not in result.html
    assert f'<img src="./{name}" data-feed-src="./{name}" width="300" height="225"' in result.html


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_chromium_shows_the_light_or_dark_figure(built, serve, browser, tmp_path):
    url = serve(built / "site") + "waves/"
    light, dark = zip(*[(a, b) for a, b, _ in figures(built)])
    shown = """() => Array.from(document.querySelectorAll('.plot-figure img'))
        .map(img => [img.currentSrc.split('/').pop(), img.complete && img.naturalWidth > 0])"""
    page = browser.new_page(viewport={"width": 900, "height": 1400})
    try:
        for scheme, want in (("light", light), ("dark", dark)):
            page.emulate_media(color_scheme=scheme)
            page.goto(url)  # loaded again in this scheme
            for img in page.locator(".plot-figure img").all():
                img.scroll_into_view_if_needed()  # the images load lazily
            page.wait_for_function(f"() => ({shown})().every(([, ok]) => ok)", timeout=10000)
            assert page.evaluate(shown) == [[name, True] for name in want]
            page.screenshot(path=str(tmp_path / f"plot-{scheme}.png"), full_page=True)
    finally:
        page.close()
