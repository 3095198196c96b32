"""What readers get: navigation, metadata, feeds, images, search and language, on
tests/sites/reader (four posts built once per session) and small variations of it."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import SITES
from engine import assemble, feeds, summary
from engine.markdown import parser


@pytest.fixture(scope="session")
def reader(tmp_path_factory) -> tuple[Path, assemble.Summary]:
    root = tmp_path_factory.mktemp("reader") / "root"
    shutil.copytree(SITES / "reader", root)
    return root, assemble.build(root)


def page(reader, url: str) -> str:
    return (reader[0] / "site" / url / "index.html").read_text(encoding="utf-8")


def links(html: str, cls: str = "") -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


# ------------------------------------------------------------------ tags


def test_c_cpp_and_csharp_get_three_tag_pages_each_with_its_post(reader):
    for slug, title in (("c", "Arrays in C"), ("cpp", "Vectors in C++"),
                        ("csharp", "Lists in C#")):
        html = page(reader, f"tags/{slug}")
        assert title in html
        assert html.count('class="post-item"') == 1


def test_tags_differing_in_case_share_one_page_and_the_minority_spelling_is_warned(reader):
    html = page(reader, "tags/numpy")
    assert "4 posts" in html  # numpy (1 post) and NumPy (3 posts), two a page
    assert html.count('class="post-item"') + page(reader, "tags/numpy/page/2").count(
        'class="post-item"') == 4
    assert '<span class="tag-name">NumPy</span>' in html
    warnings = [w for w in reader[1].warnings if "tag `numpy`" in w.message]
    assert len(warnings) == 1
    assert (warnings[0].path, warnings[0].line) == ("content/posts/c-lang/index.md", 4)
    assert "NumPy" in warnings[0].message


def test_tags_index_lists_every_tag_with_its_count(reader):
    html = page(reader, "tags")
    counts = dict(re.findall(r'<a href="\.\./tags/[^"]+">([^<]+)</a> <span class="count">(\d+)',
                             html))
    assert counts == {"C": "1", "C++": "1", "c#": "1", "NumPy": "4"}


# ------------------------------------------------------------------ navigation


def test_menu_from_site_toml_on_every_page_with_the_current_page_marked(reader):
    for url in ("", "c-lang", "tags", "about", "page/2"):
        html = page(reader, url)
        nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
        names = re.findall(r">([^<]+)</a></li>", nav)
        assert names == ["About", "Tags", "Search", "Source"]
        assert 'href="https://example.org/source"' in nav
    assert '<a href="../about/" aria-current="page">About</a>' in page(reader, "about")


def test_index_is_paginated_with_links_both_ways(reader):
    first, second = page(reader, ""), page(reader, "page/2")
    titles = lambda html: re.findall(r'class="post-item-title"><a href="[^"]+">([^<]+)', html)
    assert titles(first) == ["Lists in C#", "Vectors in C++"]
    assert titles(second) == ["Arrays in C", "An animation"]
    assert 'rel="next" href="page/2/"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="../../"' in second and 'rel="next"' not in second


def test_archive_groups_posts_by_year_newest_first(reader):
    html = page(reader, "archive")
    years = re.findall(r'<h2 id="year-(\d+)">', html)
    assert years == ["2024", "2023"]
    assert html.index("Lists in C#") < html.index("Arrays in C") < html.index("An animation")


def test_previous_next_related_and_series_on_a_post(reader):
    html = page(reader, "cpp")
    assert re.search(r'class="prev" rel="prev" href="\.\./c-lang/"', html)
    assert re.search(r'class="next" rel="next" href="\.\./csharp/"', html)
    related = html[html.index('class="related"'):]
    related = related[:related.index("</aside>")]
    # csharp shares NumPy and is nearest in date; anim and c-lang share NumPy too
    assert re.findall(r'href="\.\./([^"]+)/"', related)[0] == "csharp"
    assert len(re.findall(r"<li>", related)) == 2
    series = html[html.index('class="series"'):html.index("</aside>")]
    assert "Part 2 of 2 in the series" in series and "<strong>Basics</strong>" in series
    assert re.findall(r"<li>(.*?)</li>", series) == [
        '<a href="../c-lang/">Arrays in C</a>', '<span aria-current="page">Vectors in C++</span>']


def test_table_of_contents_nests_the_headings(reader):
    html = page(reader, "cpp")
    toc = html[html.index('<nav class="toc"'):]
    toc = toc[:toc.index("</nav>")]
    assert re.findall(r'href="#([^"]+)"', toc) == ["growth", "amortised-cost", "copying"]
    assert re.search(r'href="#growth">Growth</a>\s*<ol>\s*<li><a href="#amortised-cost">', toc)
    # a post with a single heading has no table of contents to show
    assert '<nav class="toc"' not in page(reader, "c-lang")


# ------------------------------------------------------------------ metadata and feeds


def test_open_graph_twitter_and_json_ld(reader):
    html = page(reader, "cpp")
    assert '<link rel="canonical" href="https://example.org/blog/cpp/">' in html
    assert '<meta property="og:image" content="https://example.org/blog/cpp/plot.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "BlogPosting" and data["headline"] == "Vectors in C++"
    assert data["dateModified"].startswith("2024-06-01") and data["keywords"] == ["C++", "NumPy"]
    # a post without images gets the site's image
    assert 'content="https://example.org/blog/assets/favicon.svg"' in page(reader, "csharp")


def test_excerpts_never_show_tex(reader):
    html = page(reader, "")
    summaries = re.findall(r'class="post-summary">([^<]*)', html + page(reader, "page/2"))
    assert "Vectors grow; … of them." in summaries
    assert "Pointers and arrays: … is not about C at all, but n is." in summaries
    assert not any("\\" in s or "^" in s for s in summaries)


def test_sitemap_has_tag_pages_and_lastmod_from_updated(reader):
    root = ET.parse(reader[0] / "site" / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {u.find("s:loc", ns).text: getattr(u.find("s:lastmod", ns), "text", None)
               for u in root.findall("s:url", ns)}
    base = "https://example.org/blog/"
    assert entries[base + "cpp/"] == "2024-06-01"
    assert entries[base + "tags/cpp/"] == "2024-06-01"
    assert entries[base + "tags/c/"] == "2024-01-10"
    assert base + "tags/" in entries and base + "page/2/" in entries
    assert base + "search/" not in entries


def test_user_robots_txt_is_kept_and_gets_the_sitemap_line(reader):
    text = (reader[0] / "site" / "robots.txt").read_text()
    assert text.startswith("User-agent: BadBot\nDisallow: /\n")
    assert text.endswith("Sitemap: https://example.org/blog/sitemap.xml\n")


def test_json_feed_beside_atom(reader):
    feed = json.loads((reader[0] / "site" / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in feed["items"]] == ["Lists in C#", "Vectors in C++", "Arrays in C",
                                                   "An animation"]
    assert feed["items"][1]["date_modified"].startswith("2024-06-01")
    assert feed["feed_url"] == "https://example.org/blog/feed.json"
    ET.parse(reader[0] / "site" / "feed.xml")  # well-formed


def test_feeds_use_data_feed_src_and_drop_picture_sources(reader):
    anim = [i for i in json.loads((reader[0] / "site" / "feed.json").read_text())["items"]
            if i["title"] == "An animation"][0]["content_html"]
    # JSON Feed has no base URL: links are made absolute
    assert '<img src="https://example.org/blog/anim/still.png" width="4"' in anim
    assert "data-feed-src" not in anim and "<source" not in anim
    # a GIF with its PNG still beside it
    assert '<img src="https://example.org/blog/anim/old.png" alt="old">' in anim
    atom = (reader[0] / "site" / "feed.xml").read_text()
    assert "still.png" in atom and "anim.gif" not in atom
    # the page itself keeps the animation and its reduced-motion source
    html = page(reader, "anim")
    assert 'src="./anim.gif"' in html and "<source" in html


@pytest.mark.parametrize("html, files, expected", [
    ('<img src="a.gif" data-feed-src="b.png" alt="x">', set(), '<img src="b.png" alt="x">'),
    ('<picture><source srcset="s.png"><img src="a.gif"></picture>', set(),
     '<picture><img src="a.gif"></picture>'),
    ('<img src="./a.gif">', {"a.png"}, '<img src="./a.png">'),
    ('<img src="./a.gif">', set(), '<img src="./a.gif">'),
    ('<source srcset="s.png">', set(), '<source srcset="s.png">'),  # only inside <picture>
    ('<img src="a.png" srcset="a-480w.webp 480w" sizes="42rem" alt="">', set(),
     '<img src="a.png" alt="">'),
])
def test_feed_html_rule(html, files, expected):
    assert feeds.for_feeds(html, files) == expected


# ------------------------------------------------------------------ images, code, templates


def test_markdown_images_get_size_lazy_loading_and_a_caption(reader):
    html = page(reader, "cpp")
    assert ('<figure class="image"><img src="plot.png" alt="A 3 by 2 plot" width="3" '
            'height="2" title="The plot\'s caption" loading="lazy" decoding="async">'
            "<figcaption>The plot's caption</figcaption></figure>") in html


def test_large_images_get_smaller_webp_copies_in_srcset(reader):
    from PIL import Image

    html = page(reader, "cpp")
    srcset = re.search(r'<img src="wide.png"[^>]* srcset="([^"]+)"', html).group(1)
    assert srcset == ("wide-480w.webp 480w, wide-960w.webp 960w, wide-1440w.webp 1440w, "
                      "wide.png 1600w")
    for width in (480, 960, 1440):
        with Image.open(reader[0] / "site" / "cpp" / f"wide-{width}w.webp") as image:
            assert image.format == "WEBP" and image.size == (width, width // 2)
    # a small image gets no copies
    assert 'src="plot.png" alt="A 3 by 2 plot" width="3" height="2" title' in html
    assert not list((reader[0] / "site" / "cpp").glob("plot-*"))


def test_code_block_title_and_highlighted_line(reader):
    html = page(reader, "cpp")
    assert '<div class="code-title">copy.py</div>' in html
    assert html.count('<span class="hll">') == 1
    assert re.search(r'<span class="hll"><span class="n">b</span>', html)
    assert '<script src="../assets/copy.js"' in html
    assert "copy.js" not in page(reader, "c-lang")  # only posts with code load a script


def test_templates_get_extra_frontmatter_and_params(reader):
    html = page(reader, "about")
    assert '<p class="subtitle">Who writes here</p>' in html
    assert '<p class="github">https://github.com/example/blog</p>' in html


# ------------------------------------------------------------------ search and rebuilds


def test_search_index_is_built_and_rebuilds_are_byte_identical(reader, tmp_path):
    built = reader[0] / "site"
    index = sorted(p.relative_to(built).as_posix() for p in (built / "pagefind").rglob("*")
                   if p.is_file())
    assert "pagefind/pagefind-ui.js" in index and "pagefind/pagefind-entry.json" in index
    assert any(p.startswith("pagefind/fragment/") for p in index)
    other = tmp_path / "again"
    shutil.copytree(SITES / "reader", other)
    assemble.build(other, use_cache=False)
    files = lambda d: {p.relative_to(d).as_posix(): p.read_bytes() for p in d.rglob("*")
                       if p.is_file()}
    assert files(built) == files(other / "site")


def test_noop_rebuild_writes_nothing_and_does_not_reindex(reader, monkeypatch):
    from engine import search

    def fail(*args):
        raise AssertionError("Pagefind ran on a no-op build")

    monkeypatch.setattr(search, "index_groups", fail)
    again = assemble.build(reader[0])
    assert again.written == 0


def test_french_dates_and_labels(tmp_path):
    root = tmp_path / "fr"
    shutil.copytree(SITES / "reader", root)
    toml = root / "site.toml"
    toml.write_text(toml.read_text().replace('author = "Tester"', 'author = "Tester"\nlang = "fr"'))
    assemble.build(root, use_cache=False)
    html = (root / "site" / "cpp" / "index.html").read_text()
    assert '<html lang="fr">' in html
    assert "10 février 2024" in html and "Mis à jour" in html and "Billet précédent" in html
    assert '"inLanguage": "fr"' in html


# ------------------------------------------------------------------ units


@pytest.mark.parametrize("source, expected", [
    ("Plain $n$ and $a + b = c$ stay.", "Plain n and a + b = c stay."),
    ("Euler: $e^{i\\pi} + 1 = 0$.", "Euler: …."),
    ("Only $$\\frac{1}{2}$$ here", "Only … here"),
])
def test_summary_without_tex(source, expected):
    tokens = parser().parse(source, {})
    assert summary.first_paragraph(tokens) == expected


def test_a_search_bundle_lost_from_the_site_is_indexed_again(tmp_path, monkeypatch):
    """The cache keeps only the index files' digests: a file gone from the site is made by
    indexing its bundle again, byte for byte as before."""
    from engine import search

    root = tmp_path / "root"
    shutil.copytree(SITES / "reader", root)
    assemble.build(root)
    before = {p.name: p.read_bytes() for p in (root / "site" / "pagefind").rglob("*")
              if p.is_file()}
    shutil.rmtree(root / "site" / "pagefind")
    indexed = []
    real = search.index_groups
    monkeypatch.setattr(search, "index_groups",
                        lambda *args: indexed.append(1) or real(*args))
    assemble.build(root)
    assert indexed == [1]
    after = {p.name: p.read_bytes() for p in (root / "site" / "pagefind").rglob("*")
             if p.is_file()}
    assert after == before


def test_an_image_key_naming_no_file_is_a_warning_at_its_line(tmp_path):
    post = tmp_path / "content" / "posts" / "a" / "index.md"
    post.parent.mkdir(parents=True)
    (tmp_path / "site.toml").write_text('title = "T"\nsearch = false\n')
    post.write_text("---\ntitle: A\ndate: 2024-01-01\nimage: card.png\n---\n\nText.\n")
    warnings = assemble.build(tmp_path, use_cache=False).warnings
    assert [(w.path, w.line) for w in warnings] == [("content/posts/a/index.md", 4)]
    assert "`card.png`" in warnings[0].message


@pytest.mark.parametrize("title, folder", [
    ("Привет мир", "privet-mir"), ("你好", "ni-hao"), ("C++ & C#", "cpp-and-csharp"),
])
def test_new_posts_get_readable_folders_from_the_one_slug_function(title, folder, tmp_path):
    from engine import scaffold

    path = scaffold.new_post(tmp_path, title)
    assert path.parent.name == folder


def test_search_indexes_words_and_headings_without_formulas_or_markup():
    from engine import search

    body = ('<p>Some <em>text</em> <math><mi>x</mi><annotation>x^2</annotation></math> &amp; '
            'more.</p>\n<h2 id="growth"><a class="header-anchor" href="#growth">#</a>Growth '
            '<code>O(n)</code></h2>\n<p>Doubling.</p>')
    assert search.searchable(body) == ('<p>Some text &amp; more.</p><h2 id="growth">Growth '
                                       'O(n)</h2><p>Doubling.</p>')


@pytest.mark.parametrize("count, size, bundles", [
    (1, 16, 1), (256, 16, 16), (257, 32, 9), (1000, 32, 32), (1024, 32, 32), (1025, 64, 17),
    (4096, 64, 64), (10_000, 128, 79), (100_000, 128, 782),
])
def test_search_bundles_grow_as_the_square_root_of_the_site(count, size, bundles):
    """An edit indexes one bundle, the search page loads them all: both about √N."""
    from types import SimpleNamespace

    from engine import search

    assert search.shard_size(count) == size
    groups = search.bundles([SimpleNamespace(kind="post")] * count)
    assert len(groups) == bundles and max(map(len, groups)) == min(size, count)
    assert sorted(i for group in groups for i in group) == list(range(count))


def test_an_edit_indexes_only_its_own_search_bundle(tmp_path, monkeypatch):
    from engine import search

    monkeypatch.setattr(search, "SHARD", 2)
    root = tmp_path / "root"
    shutil.copytree(SITES / "reader", root)
    assemble.build(root)
    indexed = []
    real = search.index_groups

    def spy(binary, groups, language):
        def seen():
            for group in groups:
                group = list(group)
                indexed.append([url for url, _ in group])
                yield group
        return real(binary, seen(), language)

    monkeypatch.setattr(search, "index_groups", spy)
    post = root / "content" / "posts" / "cpp" / "index.md"
    post.write_text(post.read_text() + "\nA new word: zeugma.\n")
    assemble.build(root)
    # bundles: [about, anim], [c-lang, cpp], [csharp]: only the second is indexed again
    assert indexed == [["/c-lang/", "/cpp/"]]
    assert (root / "site" / "pagefind-2" / "pagefind-entry.json").is_file()
    assert not (root / "site" / "pagefind-1" / "pagefind-ui.js").exists()


def test_a_reindexed_bundle_restores_an_unchanged_file_the_site_lost(tmp_path, monkeypatch):
    """An edit indexes its bundle again; the files that came out the same are taken from the
    previous site, so one missing from it is made again, byte for byte."""
    from engine import search

    monkeypatch.setattr(search, "SHARD", 2)
    root = tmp_path / "root"
    shutil.copytree(SITES / "reader", root)
    assemble.build(root)
    bundle = root / "site" / "pagefind-1"
    before = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    post = root / "content" / "posts" / "cpp" / "index.md"
    post.write_text(post.read_text() + "\nA new word: zeugma.\n")
    # the other post's fragment, which the edit leaves as it is
    kept = [p for p in (bundle / "fragment").iterdir() if b"c-lang" in gzip.decompress(
        p.read_bytes())[:4096]]
    assert len(kept) == 1
    kept[0].unlink()
    edited = assemble.build(root)
    after = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert after[kept[0].relative_to(bundle)] == before[kept[0].relative_to(bundle)]
    assert 0 < edited.written < edited.files


def test_tag_pages_are_paginated_like_the_index_and_count_every_post(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\nsearch = false\npaginate = 2\n')
    for n in range(1, 6):
        post = tmp_path / "content" / "posts" / f"p{n}" / "index.md"
        post.parent.mkdir(parents=True)
        post.write_text(f"---\ntitle: Post {n}\ndate: 2024-01-0{n}\ntags: [fft]\n---\n\nText.\n")
    assemble.build(tmp_path)
    site = tmp_path / "site" / "tags" / "fft"
    first, second, third = (site / "index.html", site / "page/2/index.html",
                            site / "page/3/index.html")
    shown = [re.findall(r'class="post-item".*?>(Post \d)<', p.read_text(), re.S)
             for p in (first, second, third)]
    assert shown == [["Post 5", "Post 4"], ["Post 3", "Post 2"], ["Post 1"]]
    html = second.read_text()
    assert "5 posts" in html
    assert 'href="../../../../tags/fft/"' in html and 'href="../../../../tags/fft/page/3/"' in html
    # one post fewer on the last page: the first page's count changes with it
    shutil.rmtree(tmp_path / "content" / "posts" / "p1")
    assemble.build(tmp_path)
    assert "4 posts" in first.read_text() and not third.exists()
