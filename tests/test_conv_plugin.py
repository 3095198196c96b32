"""The `conv` fence in posts and whole builds: located errors, markup, real GIFs decoded, the
seed post's two animations, the gallery, determinism and the figure cache."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from markdown_it.utils import read_fixture_file
from PIL import Image

from engine import assemble, markdown
from engine.cache import Cache
from engine.content import Post
from engine.formulas import FormulaStore
from conftest import conv_plugins
from plugins.conv import block

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "conv"
SEED_VERBATIM = Path(__file__).parent / "fixtures" / "seed_verbatim.md"
SEED = REPO / "content" / "posts" / "convnet-dont-do-conv" / "index.md"
GALLERY = REPO / "content" / "posts" / "conv-gallery" / "index.md"
SEED_GIFS = ("corr_numerical_no_padding_no_strides.gif", "conv_numerical_no_padding_no_strides.gif")


def render(body: str, cache: Cache | None = None, style: str = "numerical") -> markdown.Rendered:
    post = Post(source="content/posts/x/index.md", kind="post", title="x", url="x/",
                body=body, body_line=5, digest="0", math_dialect="modern")
    return markdown.render(post, "modern", FormulaStore(cache), conv_plugins(style=style))


def gif_frames(data: bytes) -> tuple[Image.Image, list[np.ndarray], list[int]]:
    im = Image.open(io.BytesIO(data))
    frames, durations = [], []
    for i in range(im.n_frames):
        im.seek(i)
        frames.append(np.array(im.convert("RGB")))
        durations.append(im.info["duration"])
    im.seek(0)
    return im, frames, durations


# --------------------------------------------------------------------------- in one post


@pytest.mark.parametrize("line,title,body,expected", [
    pytest.param(*case, id=f"{case[0]}:{case[1]}")
    for case in read_fixture_file(FIXTURES / "blocks_bad.md")])
def test_block_problems_stop_the_build_at_their_line(line, title, body, expected):
    result = render(body)
    got = [p.format().splitlines()[0] for p in result.errors]
    want = expected.splitlines()
    assert len(got) == len(want), got
    for g, w in zip(got, want):
        assert g.startswith(w), (g, w)
    for p in result.errors:  # the source line is quoted under the message
        assert p.source == body.splitlines()[p.line - 5]


def test_animation_markup_assets_and_escaping():
    body = ("```conv\ninput: 1 2 3 4\nkernel: 1 1\nshow: [equation, animation, table]\n"
            "caption: 'A *first* <b>look</b> at $x \\star k$'\nalt: 'Quotes \" & <tags>'\n```\n")
    result = render(body)
    assert not result.errors and not result.warnings
    names = set(result.assets)
    gif = next(n for n in names if re.fullmatch(r"conv-[0-9a-f]{12}\.gif", n))
    base = gif[:-4]
    assert names == {f"{base}{v}.{e}" for v in ("", "-dark", "-compact", "-compact-dark")
                     for e in ("gif", "png")}
    html = result.html
    assert html.startswith('<figure class="conv-figure"><div class="math-display conv-equation">'
                           '<span class="conv-eq-piece"><math')
    picture = html[html.index("<picture>"):html.index("</picture>")]
    media = re.findall(r'<source media="([^"]+)" srcset="\./([^"]+)"', picture)
    # first match wins: narrow before wide, still before moving, dark before light
    assert [name for _, name in media] == [
        f"{base}-compact-dark.png", f"{base}-compact.png", f"{base}-compact-dark.gif",
        f"{base}-compact.gif", f"{base}-dark.png", f"{base}.png", f"{base}-dark.gif"]
    assert media[5][0] == "(prefers-reduced-motion: reduce)"
    assert media[6][0] == "(prefers-color-scheme: dark)"
    assert f'<img src="./{gif}" width="' in picture
    assert f'data-feed-src="./{base}.png"' in picture
    assert 'alt="Quotes &quot; &amp; &lt;tags&gt;"' in picture
    assert '<table class="conv-table"><tbody><tr><td>3</td><td>5</td><td>7</td></tr>' in html
    caption = html[html.index("<figcaption>"):html.index("</figcaption>")]
    assert "<em>first</em>" in caption and "&lt;b&gt;look&lt;/b&gt;" in caption
    assert "<math" in caption
    assert '<span class="conv-note">No padding, stride 1.</span>' in caption
    for name in names:  # every variant's size is in the markup
        w, h = Image.open(io.BytesIO(result.assets[name])).size
        assert f'srcset="./{name}" width="{w}" height="{h}"' in picture or \
            f'src="./{name}" width="{w}" height="{h}"' in picture


def test_caption_footnotes_stay_in_the_caption_scope():
    """Issue 11: a captioned block in a post with footnotes printed the post's list twice."""
    body = ("Text[^1] and more.\n\n```conv\ninput: 1 2 3\nkernel: 1 1\nshow: table\n"
            "caption: 'A caption^[inline note] here'\n```\n\n[^1]: The post's note.\n")
    result = render(body)
    assert not result.errors and not result.warnings
    html = result.html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), ids
    assert html.count('class="footnotes-list"') == 2  # the caption's own, and the post's
    caption = html[html.index("<figcaption>"):html.index("</figcaption>")]
    assert "inline note" in caption and "The post's note" not in caption
    assert html.count("The post's note") == 1


def test_a_post_footnote_reference_in_a_caption_is_a_warning():
    body = ("Text[^1].\n\n```conv\ninput: 1 2 3\nkernel: 1 1\nshow: table\n"
            "caption: 'See [^1]'\n```\n\n[^1]: Note.\n")
    result = render(body)
    assert not result.errors
    assert [w.line for w in result.warnings] == [5 + 6]
    assert "inline footnote" in result.warnings[0].message


def test_identical_hash_named_blocks_share_one_file():
    block = "```conv\ninput: 1 2 3\nkernel: 1 1\n```\n"
    result = render(block + "\nText.\n\n" + block)
    assert not result.errors and len(result.assets) == 4  # light and dark, gif and poster


def test_equation_only_renders_no_files():
    result = render("```conv\ninput: 1 2 3\nkernel: 1 1\nshow: equation\n```\n")
    assert not result.errors and result.assets == {}
    assert '<div class="math-display conv-equation"><span class="conv-eq-piece"><math' in \
        result.html and "<img" not in result.html


def test_other_fences_are_untouched():
    result = render("```python\nx = 1\n```\n")
    assert "conv-figure" not in result.html and "highlight" in result.html


# --------------------------------------------------------------------------- the seed post


def test_seed_post_differs_from_the_verbatim_text_only_by_the_two_blocks():
    shipped, verbatim = SEED.read_text(encoding="utf-8"), SEED_VERBATIM.read_text(encoding="utf-8")
    blocks = re.findall(r"```conv\n.*?```\n", shipped, re.S)
    assert len(blocks) == 2
    restored = shipped
    for fence, gif in zip(blocks, SEED_GIFS):
        assert f"file: {gif}\n" in fence
        restored = restored.replace(fence, f'<p align="center">\n  <img src="./{gif}">\n</p>\n')
    assert restored == verbatim


@pytest.fixture(scope="module")
def seed_site(shipped):
    """The session's build of the shipped site (built cold: every figure drawn)."""
    return shipped / "site"


def test_seed_gifs_decode_loop_forever_with_fixed_timing(seed_site):
    folder = seed_site / "ConvNet-dont-do-Conv"
    page = (folder / "index.html").read_text()
    colours = {}
    for gif in SEED_GIFS:
        data = (folder / gif).read_bytes()
        im, frames, durations = gif_frames(data)
        assert im.n_frames == 9 and im.info["loop"] == 0 and set(durations) == {1000}
        w, h = im.size
        assert f'src="./{gif}" width="{w}" height="{h}"' in page
        poster = Image.open(folder / gif.replace(".gif", ".png"))
        assert poster.size == (w, h)
        assert np.array_equal(np.array(poster.convert("RGB")), frames[-1])
        colours[gif] = kernel_colour(frames[0])
    corr, conv = (colours[g] for g in SEED_GIFS)
    assert corr[2] > corr[0] + 100, corr  # blue window
    assert conv[0] > conv[2] + 100, conv  # red window
    assert 'alt="Cross-correlation of a 5×5 input with a 3×3 kernel, no padding, stride 1, ' \
           'giving a 3×3 output"' in page


def test_seed_dark_and_compact_variants(seed_site):
    """Dark GIFs sit on the dark page's ground with light lines and text; compact ones fit a
    360 px phone's column unscaled; every variant has the light one's frames and timing."""
    folder = seed_site / "ConvNet-dont-do-Conv"
    for gif in SEED_GIFS:
        base = gif[:-4]
        _, light, _ = gif_frames((folder / gif).read_bytes())
        im, dark, durations = gif_frames((folder / f"{base}-dark.gif").read_bytes())
        assert len(dark) == len(light) and set(durations) == {1000} and im.info["loop"] == 0
        assert dark[0].shape == light[0].shape
        assert tuple(dark[0][2, 2]) == (0x16, 0x18, 0x1C) and tuple(light[0][2, 2]) == (255,) * 3
        cols, counts = np.unique(dark[0].reshape(-1, 3), axis=0, return_counts=True)
        assert tuple(cols[counts.argmax()]) == (0x16, 0x18, 0x1C)  # the ground, not white
        # the input cells keep their colour in both themes
        assert (np.all(dark[0] == (38, 139, 210), axis=-1).sum()
                == np.all(light[0] == (38, 139, 210), axis=-1).sum())
        _, compact, _ = gif_frames((folder / f"{base}-compact.gif").read_bytes())
        assert len(compact) == 9 and compact[0].shape[1] <= 328 < light[0].shape[1]
        poster = np.array(Image.open(folder / f"{base}-compact-dark.png").convert("RGB"))
        _, compact_dark, _ = gif_frames((folder / f"{base}-compact-dark.gif").read_bytes())
        assert np.array_equal(poster, compact_dark[-1])


def kernel_colour(frame: np.ndarray) -> tuple[int, int, int]:
    """The most common colour that is not white, input blue, base03 or a pale output tint."""
    cols, counts = np.unique(frame.reshape(-1, 3), axis=0, return_counts=True)
    known = {(255, 255, 255), (38, 139, 210), (0, 43, 54)}
    for i in np.argsort(-counts):
        c = tuple(int(v) for v in cols[i])
        if c not in known and min(c) < 200:
            return c
    raise AssertionError("no kernel colour")


def test_two_builds_give_byte_identical_figures(seed_site, tmp_path):
    root = tmp_path / "again"
    shutil.copy(REPO / "site.toml", root.mkdir() or root / "site.toml")
    shutil.copytree(SEED.parent, root / "content" / "posts" / SEED.parent.name)
    assemble.build(root, use_cache=False)
    for name in (*SEED_GIFS, *(g.replace(".gif", ".png") for g in SEED_GIFS)):
        a = (seed_site / "ConvNet-dont-do-Conv" / name).read_bytes()
        b = (root / "site" / "ConvNet-dont-do-Conv" / name).read_bytes()
        assert a == b, name


# --------------------------------------------------------------------------- the cache


def test_figures_are_cached_by_content(site_copy, monkeypatch):
    root = site_copy(".", warm=False)
    # the seed post's two figures are enough (and the `plot` post would run its code)
    for post in ("conv-gallery", "output-size"):
        shutil.rmtree(root / "content" / "posts" / post)
    calls = []
    real = block.draw
    monkeypatch.setattr(block, "draw", lambda spec, trace: calls.append(spec.gif_name())
                        or real(spec, trace))
    post = root / "content" / "posts" / "convnet-dont-do-conv" / "index.md"
    text = post.read_text()
    assemble.build(root)
    first = len(calls)
    assert first >= 2 and set(SEED_GIFS) <= set(calls)
    calls.clear()
    assemble.build(root)  # nothing changed: the post itself is cached
    assert calls == []
    post.write_text(text.replace("Here is a problem", "Here is a small problem"))
    assemble.build(root)  # a prose edit renders the post's Markdown again, but no figure
    assert calls == []
    post.write_text(post.read_text().replace("color: red\n", "color: darkred\n"))
    assemble.build(root)  # one block edited: only that one figure is drawn
    assert calls == [SEED_GIFS[1]]
    data = (root / "site" / "ConvNet-dont-do-Conv" / SEED_GIFS[1]).read_bytes()
    assert kernel_colour(gif_frames(data)[1][0])[0] < 160  # dark red now


def test_a_readonly_cache_hands_new_figures_back_to_the_parent():
    """Workers only read the cache: what they draw comes back in `Rendered.computed`."""
    body = "```conv\ninput: 1 2 3\nkernel: 1 1\n```\n"
    result = render(body, Cache(None, readonly=True))
    assert len(result.computed) == 1
    value = next(iter(result.computed.values()))
    assert set(value) == {"files", "sizes", "frames", "legible", "compact_max"}
    assert value["frames"] == 2 and set(value["files"]) == {"gif", "png", "dark-gif", "dark-png"}
    assert value["files"]["gif"] == result.assets[
        next(n for n in result.assets if n.endswith(".gif") and "-dark" not in n)]


# --------------------------------------------------------------------------- the gallery


CATALOGUE = {  # name: frames (conv-arithmetic.md, section 1)
    "no_padding_no_strides": 4, "arbitrary_padding_no_strides": 36,
    "same_padding_no_strides": 25, "full_padding_no_strides": 49, "no_padding_strides": 4,
    "padding_strides": 9, "padding_strides_odd": 9, "dilation": 9,
    "no_padding_no_strides_transposed": 16, "arbitrary_padding_no_strides_transposed": 25,
    "same_padding_no_strides_transposed": 25, "full_padding_no_strides_transposed": 25,
    "no_padding_strides_transposed": 25, "padding_strides_transposed": 25,
    "padding_strides_odd_transposed": 36,
    "numerical_no_padding_no_strides": 9, "numerical_padding_strides": 9,
    "numerical_average_pooling": 9, "numerical_max_pooling": 9,
}


def test_gallery_reproduces_the_catalogue(seed_site):
    folder = next(p.parent for p in seed_site.rglob("index.html")
                  if (p.parent / "dilation.gif").exists())
    page = (folder / "index.html").read_text()
    assert page.count('<figure class="conv-figure"><div class="math-display conv-equation">') \
        == 23  # the 19 of the catalogue and 4 on exact numbers
    for name, n in CATALOGUE.items():
        im = Image.open(folder / f"{name}.gif")
        assert im.n_frames == n, name
        assert (folder / f"{name}.png").exists()
    numerical = Image.open(folder / "numerical_padding_strides.gif")
    assert numerical.info["duration"] == 1000 and numerical.info["loop"] == 0


# The figures in a browser (GIF, or the poster under reduced motion, light and dark, wide and
# compact): tests/test_conv_visual.py.
