"""`python build.py import`: each fixture blog is imported into a fresh site, which is then
built; old URLs, copied images, formulas and the absence of template syntax are checked in
the built pages. Imports and builds run once per session."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import build
from engine import assemble
from engine.importer import cli

FIXTURES = Path(__file__).parent / "fixtures" / "import"
KINDS = ("jekyll", "hugo", "gatsby", "pelican")


@pytest.fixture(scope="session")
def imported(tmp_path_factory):
    """kind -> (site root, import output, built site folder)."""
    out = {}
    for kind in KINDS:
        root = tmp_path_factory.mktemp(f"new-{kind}")
        (root / "site.toml").write_text('title = "New blog"\nbase_url = "https://new.example/"\n')
        code = build.main(["import", str(FIXTURES / kind), "--root", str(root), "-q"])
        assert code == 0, kind
        summary = assemble.build(root, use_cache=False, jobs=1)
        out[kind] = (root, summary, root / "site")
    return out


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def redirect_target(site: Path, file: str) -> Path:
    html = (site / file).read_text(encoding="utf-8")
    m = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
    return (site / file).parent / m.group(1) / "index.html"


# (kind, old URL the blog served, new page that must exist there or behind a redirect)
OLD_URLS = [
    ("jekyll", "ml/numpy/2017/01/20/first-post.html", "ml/numpy/2017/01/20/first-post/"),
    ("jekyll", "notes/second/", "notes/second/"),
    ("jekyll", "old-second.html", "notes/second/"),
    ("jekyll", "blog/2019/05/06/nested.html", "blog/2019/05/06/nested/"),
    ("hugo", "2021/06/hello-hugo/", "2021/06/hello-hugo/"),
    ("hugo", "custom/other/", "custom/other/"),
    ("hugo", "old/other/", "custom/other/"),
    ("gatsby", "hello-world/", "hello-world/"),
    ("gatsby", "charts-in-mdx/", "charts-in-mdx/"),
    ("pelican", "2020/first-steps.html", "2020/first-steps/"),
]


@pytest.mark.parametrize("kind,old,new", OLD_URLS)
def test_old_urls_still_answer(imported, kind, old, new):
    site = imported[kind][2]
    assert (site / new / "index.html").is_file()
    if old != new:
        target = redirect_target(site, old if old.endswith(".html") else old + "index.html")
        assert target.resolve() == (site / new / "index.html").resolve()


def test_redirect_page_names_the_canonical_address(imported):
    html = (imported["jekyll"][2] / "old-second.html").read_text()
    assert '<link rel="canonical" href="https://new.example/notes/second/">' in html


def test_every_post_is_imported_and_drafts_stay_drafts(imported):
    counts = {k: len(list((imported[k][0] / "content/posts").glob("*/index.md"))) for k in KINDS}
    assert counts == {"jekyll": 4, "hugo": 3, "gatsby": 2, "pelican": 3}
    built = {k: imported[k][1].posts for k in KINDS}
    assert built == {"jekyll": 3, "hugo": 2, "gatsby": 2, "pelican": 2}
    for kind, folder in (("pelican", "work-in-progress"), ("jekyll", "unfinished"), ("hugo", "wip")):
        assert "\ndraft: true\n" in (imported[kind][0] / f"content/posts/{folder}/index.md").read_text()


@pytest.mark.parametrize("kind,url,files", [
    ("jekyll", "ml/numpy/2017/01/20/first-post/", ["plot.png", "other.png", "data.csv"]),
    ("jekyll", "blog/2019/05/06/nested/", ["plot.png"]),
    ("hugo", "2021/06/hello-hugo/", ["diagram.png", "pic.png"]),
    ("gatsby", "hello-world/", ["salty.png", "logo.png"]),
    ("pelican", "2020/first-steps/", ["chart.png"]),
])
def test_images_are_copied_beside_the_page(imported, kind, url, files):
    site = imported[kind][2]
    html = page(site, url)
    for name in files:
        assert (site / url / name).is_file(), name
        assert f'"{name}"' in html, name


def _visible(html: str) -> str:
    """The page without code, comments and scripts: what a reader sees as text."""
    html = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<!--.*?-->", "", html, flags=re.S)


@pytest.mark.parametrize("kind", KINDS)
def test_no_template_syntax_in_any_page(imported, kind):
    site = imported[kind][2]
    for path in sorted(site.rglob("*.html")):
        text = _visible(path.read_text(encoding="utf-8"))
        for marker in ("{%", "{{", "{:", "[ref]", "import {"):
            assert marker not in text, (path, marker)


def test_formulas_are_typeset(imported):
    counts = {}
    for kind in KINDS:
        site = imported[kind][2]
        counts[kind] = sum(p.read_text(encoding="utf-8").count("<math")
                           for p in site.rglob("*/index.html"))
        assert "$" not in re.sub(r"\\\$|\$\d", "", _visible("".join(
            p.read_text(encoding="utf-8") for p in site.rglob("*/index.html")))), kind
    # jekyll: a^2+b^2, the sum, x_i; hugo: the legacy matrix, e^{iπ}, the integral;
    # gatsby: the matrix, x^2, y; pelican: a+b, the sum
    assert counts == {"jekyll": 3, "hugo": 3, "gatsby": 3, "pelican": 2}


def test_legacy_matrix_keeps_its_rows(imported):
    html = page(imported["hugo"][2], "2021/06/hello-hugo/")
    matrix = re.search(r"<mtable.*?</mtable>", html, re.S).group(0)
    assert matrix.count("<mtr") == 2


def test_links_between_posts_point_to_the_new_pages(imported):
    site = imported["jekyll"][2]
    html = page(site, "notes/second/")
    assert 'href="../../ml/numpy/2017/01/20/first-post/#heading"' in html
    assert (site / "notes/second/../../ml/numpy/2017/01/20/first-post/index.html").is_file()


def test_footnotes_and_toc(imported):
    root, _, site = imported["pelican"]
    html = page(site, "2020/first-steps/")
    note = re.search(r'<li id="fn1" class="footnote-item"><p>(.*?) <a', html)
    assert note and note.group(1) in ("NumPy's term for stretching shapes.",
                                      "NumPy&#39;s term for stretching shapes.")
    assert "toc: true" in (root / "content/posts/first-steps/index.md").read_text()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and "site" not in p.parts[:1]
            and ".cache" not in p.parts}


def test_import_is_idempotent_and_never_overwrites(imported, tmp_path, capsys):
    root = tmp_path / "again"
    shutil.copytree(imported["jekyll"][0], root, ignore=shutil.ignore_patterns("site", ".cache"))
    before = _snapshot(root)
    assert cli.run(FIXTURES / "jekyll", root) == 0
    assert _snapshot(root) == before
    assert "0 files written" in capsys.readouterr().out

    post = root / "content/posts/second/index.md"
    post.write_text(post.read_text() + "\nMy own edit.\n")
    edited = _snapshot(root)
    assert cli.run(FIXTURES / "jekyll", root) == 1
    assert "exists and differs" in capsys.readouterr().err
    assert _snapshot(root) == edited

    assert cli.run(FIXTURES / "jekyll", root, force=True) == 0
    assert _snapshot(root) == before


def test_dry_run_writes_nothing_and_prints_the_report(tmp_path, capsys):
    (tmp_path / "site.toml").write_text('title = "x"\n')
    assert cli.run(FIXTURES / "hugo", tmp_path, dry_run=True) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.toml"]
    captured = capsys.readouterr()
    assert "content/posts/other.md -> content/posts/other/index.md (/custom/other/)" in captured.out
    assert "content/posts/hello/index.md:25: warning: shortcode" in captured.err
    assert "dry run: 3 posts" in captured.out


def test_detects_each_kind_and_refuses_an_unknown_folder(tmp_path, capsys):
    from engine.importer.detect import detect
    assert [detect(FIXTURES / k)[0] for k in KINDS] == list(KINDS)
    assert cli.run(tmp_path, tmp_path) == 1
    assert "no blog found" in capsys.readouterr().err


def test_the_seed_post_as_a_gatsby_blog_imports_as_legacy_and_builds(tmp_path):
    """The Gatsby-era original of the first post: four-backslash row breaks in matrices."""
    old = tmp_path / "old"
    (old / "content/blog/convnet").mkdir(parents=True)
    (old / "gatsby-config.js").write_text(
        "module.exports = { plugins: [{ resolve: `gatsby-source-filesystem`, "
        "options: { path: `${__dirname}/content/blog` } }] }\n")
    shutil.copy(Path(__file__).parent / "fixtures/seed_verbatim.md", old / "content/blog/convnet/index.md")
    new = tmp_path / "new"
    new.mkdir()
    (new / "site.toml").write_text('title = "x"\n')
    assert cli.run(old, new) == 0
    text = (new / "content/posts/convnet/index.md").read_text()
    assert "\nmath: legacy\n" in text and "\npath: /ConvNet-dont-do-Conv/\n" in text
    summary = assemble.build(new, use_cache=False, jobs=1)
    html = page(new / "site", "ConvNet-dont-do-Conv")
    assert summary.formulas_typeset > 0 and html.count("<mtable") >= 2
    assert "math-error" not in html


def test_a_fresh_folder_gets_a_site_toml_and_builds(tmp_path):
    assert cli.run(FIXTURES / "jekyll", tmp_path) == 0
    assert (tmp_path / "site.toml").read_text() == (
        'title = "An old Jekyll blog"\nbase_url = "https://old.example.com/blog/"\n')
    summary = assemble.build(tmp_path, use_cache=False, jobs=1)
    assert summary.posts == 3
    html = (tmp_path / "site/old-second.html").read_text()
    assert 'href="https://old.example.com/blog/notes/second/"' in html
