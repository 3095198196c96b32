"""Whole builds of the shipped site: the seed post's content, determinism, the cache and the
staging swap (tests/sites/basic where what is tested does not depend on the site)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import build
from engine import assemble

REPO = Path(__file__).resolve().parent.parent


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_seed_page_has_all_math_footnotes_and_warns_about_missing_gifs(tmp_path, capsys):
    """The seed post exactly as it was published (tests/fixtures/seed_verbatim.md), without its
    GIFs: it still builds, warning about the two images that are missing."""
    root = tmp_path / "verbatim"
    post = root / "content" / "posts" / "convnet-dont-do-conv" / "index.md"
    post.parent.mkdir(parents=True)
    shutil.copy(REPO / "site.toml", root / "site.toml")
    shutil.copy(Path(__file__).parent / "fixtures" / "seed_verbatim.md", post)
    assert build.main(["--root", str(root)]) == 0
    err = capsys.readouterr().err
    page = (root / "site" / "ConvNet-dont-do-Conv" / "index.html").read_text()
    body = page[page.index("<article"):]
    display = re.findall(r'<div class="math-display"><math[^>]*display="block"', body)
    inline = re.findall(r"<math xmlns=\"http://www.w3.org/1998/Math/MathML\">", body)
    assert len(display) == 9 and len(inline) == 12
    assert "math-error" not in body and "#cc0000" not in body
    # \color{red}{*} colours the star only (legacy dialect): the mstyle holds one operator
    assert body.count('<mstyle mathcolor="red"><mo>∗</mo></mstyle>') == 3
    # align* keeps its two rows
    assert body.count("<mtable") >= 7
    for n in range(1, 5):
        assert f'href="#fn{n}"' in body and f'id="fn{n}"' in body and f'href="#fnref{n}"' in body
    gifs = ("corr_numerical_no_padding_no_strides.gif", "conv_numerical_no_padding_no_strides.gif")
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert len(warnings) == 2
    for gif, warning in zip(gifs, warnings):
        assert warning.startswith("content/posts/convnet-dont-do-conv/index.md:")
        assert gif in warning


def test_shipped_seed_post_generates_both_gifs_without_warnings(site_copy, capsys):
    root = site_copy(".")
    assert build.main(["--root", str(root)]) == 0
    assert ": warning: " not in capsys.readouterr().err
    folder = root / "site" / "ConvNet-dont-do-Conv"
    page = (folder / "index.html").read_text()
    for gif in ("corr_numerical_no_padding_no_strides.gif", "conv_numerical_no_padding_no_strides.gif"):
        assert (folder / gif).read_bytes().startswith(b"GIF89a")
        assert (folder / gif.replace(".gif", ".png")).read_bytes().startswith(b"\x89PNG")
        assert f'<img src="./{gif}"' in page
    # the text around the figures is the published one: all math still there
    assert len(re.findall(r'<div class="math-display"><math[^>]*display="block"', page)) == 9


def test_two_clean_builds_are_byte_identical(site_copy, request, tmp_path):
    """The session's cold build (with a cache) and one without any cache, of a copy of the
    sources in another folder: the same bytes. This one is built first, so that it runs while
    another test worker may still be building the session's."""
    assemble.build(site_copy(".", warm=False), tmp_path / "two", use_cache=False)
    shipped = request.getfixturevalue("shipped")
    assert files(shipped / "site") == files(tmp_path / "two")


def test_noop_rebuild_writes_nothing_and_edit_matches_clean_build(site_copy, tmp_path):
    root = site_copy(".")
    first = assemble.build(root)
    assert first.written == first.files
    again = assemble.build(root)
    assert again.written == 0 and again.cache_hits == again.posts + again.pages
    assert again.formulas_typeset == 0
    post = root / "content" / "pages" / "about.md"
    post.write_text(post.read_text() + "\nOne more line with $a+b$.\n")
    edited = assemble.build(root)
    assert 0 < edited.written < first.files
    assert edited.formulas_typeset == 1
    assemble.build(root, tmp_path / "clean")  # a fresh folder (the cache only saves work)
    assert files(root / "site") == files(tmp_path / "clean")


def test_corrupt_cache_is_detected_and_rebuilt(site_copy, shipped, tmp_path):
    root = site_copy(".")
    assemble.build(root)
    db = sqlite3.connect(root / ".cache" / "cache.sqlite")
    with db:
        # pages and their parts; the figures stay, so this does not draw 21 animations again
        db.execute("UPDATE entries SET value = substr(value, 1, length(value) / 2) "
                   "WHERE ns NOT IN ('manifest', 'plugin')")
    db.close()
    summary = assemble.build(root, tmp_path / "out")
    assert summary.cache_hits == 0
    assert files(tmp_path / "out") == files(shipped / "site")  # the same sources, built clean


def test_unreadable_cache_file_is_replaced(site_copy):
    root = site_copy("basic")
    (root / ".cache").mkdir()
    (root / ".cache" / "cache.sqlite").write_bytes(b"not a database" * 100)
    assert assemble.build(root).posts == 2
    assert assemble.build(root).cache_hits == 3  # the new cache works


def test_new_post_scaffold_builds(site_copy, capsys):
    root = site_copy("basic")
    assert build.main(["new", "Strided convolutions, explained", "--root", str(root)]) == 0
    path = root / "content" / "posts" / "strided-convolutions-explained" / "index.md"
    assert path.exists()
    assert build.main(["new", "Strided convolutions, explained", "--root", str(root)]) == 1
    assert build.main(["--root", str(root), "--drafts"]) == 0
    assert (root / "site" / "strided-convolutions-explained" / "index.html").exists()


def test_links_are_relative_and_work_from_a_sub_path(site_copy):
    root = site_copy(".")
    toml = root / "site.toml"
    toml.write_text(toml.read_text().replace('base_url = ""', 'base_url = "https://u.github.io/blog/"'))
    assemble.build(root)
    page = (root / "site" / "ConvNet-dont-do-Conv" / "index.html").read_text()
    assert 'href="../assets/style.css"' in page
    assert 'rel="canonical" href="https://u.github.io/blog/ConvNet-dont-do-Conv/"' in page
    assert "https://u.github.io/blog/ConvNet-dont-do-Conv/" in (root / "site" / "sitemap.xml").read_text()
    not_found = (root / "site" / "404.html").read_text()
    assert 'href="/blog/assets/style.css"' in not_found


def test_removed_post_disappears_from_the_site(site_copy, tmp_path):
    root = site_copy("basic")
    extra = root / "content" / "posts" / "extra" / "index.md"
    extra.parent.mkdir()
    extra.write_text("---\ntitle: Extra\ndate: 2020-01-01\n---\n\nShort.\n")
    (extra.parent / "data.csv").write_text("a,b\n")
    assemble.build(root)
    assert (root / "site" / "extra" / "data.csv").exists()
    extra.unlink()
    (extra.parent / "data.csv").unlink()
    assemble.build(root)
    assert not (root / "site" / "extra").exists()
    assemble.build(root, tmp_path / "clean")  # a fresh folder (the cache only saves work)
    assert files(root / "site") == files(tmp_path / "clean")


def page_template(root: Path, css_class: str) -> Path:
    """A site theme `mine` whose page.html wraps the body in a div of `css_class`."""
    toml = root / "site.toml"
    toml.write_text(toml.read_text() + 'theme = "mine"\n')
    page = root / "themes" / "mine" / "templates" / "page.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text('{% extends "base.html" %}{% block content %}<div class="' + css_class
                    + '">{{ content.body }}</div>{% endblock %}\n')
    return page


def test_a_site_theme_overrides_one_template_and_inherits_the_rest(site_copy):
    root = site_copy("basic")
    page_template(root, "mine")
    assemble.build(root)
    about = (root / "site" / "about" / "index.html").read_text()
    assert '<div class="mine"><p>A page, not a post.' in about
    assert 'href="../assets/style.css"' in about  # base.html still comes from the default theme
    assert "<article" in (root / "site" / "padding" / "index.html").read_text()


def test_compiled_templates_are_kept_and_a_changed_template_is_compiled_again(site_copy):
    root = site_copy("basic")
    page = page_template(root, "one")
    assemble.build(root)
    kept = sorted((root / ".cache" / "templates").iterdir())
    assert kept, "no compiled template was kept"
    # same size and mtime as before: only the source's checksum tells the compiled one stale
    stat = page.stat()
    page.write_text(page.read_text().replace('"one"', '"two"'))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assemble.build(root)
    assert '<div class="two">' in (root / "site" / "about" / "index.html").read_text()


def test_check_builds_everything_and_writes_nothing(site_copy, capsys):
    root = site_copy(".")
    assert build.main(["check", "--root", str(root)]) == 0
    assert not (root / "site").exists()
    post = root / "content" / "pages" / "about.md"
    post.write_text(post.read_text() + "\nBroken $\\frac{a$ math.\n")
    assert build.main(["check", "--root", str(root)]) == 1
    assert "content/pages/about.md:" in capsys.readouterr().err
