"""Old permalinks as each generator made them, and what the importer turns them into."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.importer import hugo, jekyll, urls
from engine.importer.pelican import headers

DATE = dt.datetime(2017, 1, 5, 9, 30)


@pytest.mark.parametrize("style,expected", [
    ("date", "/ml/2017/01/05/My-Post.html"),
    ("pretty", "/ml/2017/01/05/My-Post/"),
    ("ordinal", "/ml/2017/005/My-Post.html"),
    ("none", "/ml/My-Post.html"),
    ("/:year/:i_month/:i_day/:slug/", "/2017/1/5/my-post/"),
    ("/blog/:title:output_ext", "/blog/My-Post.html"),
])
def test_jekyll_permalinks(style, expected):
    pattern = jekyll._STYLES.get(style, style)
    assert jekyll._url(pattern, DATE, "My Post", ["ML"], ".md") == expected


def test_jekyll_category_with_a_space_is_escaped_then_slugged_with_a_redirect():
    old = jekyll._url(jekyll._STYLES["date"], DATE, "a", ["Machine Learning"], ".md")
    assert old == "/machine%20learning/2017/01/05/a.html"
    assert urls.new_path(old, "a") == ("/machine-learning/2017/01/05/a/", True)
    assert urls.redirect_file(old) == "machine learning/2017/01/05/a.html"


@pytest.mark.parametrize("pattern,expected", [
    ("/:year/:month/:slug/", "/2017/01/the-slug/"),
    ("/:section/:filename/", "/posts/hello/"),
    ("/:year/:title/", "/2017/hello-world/"),
    ("/:slugorfilename/", "/the-slug/"),
])
def test_hugo_permalinks(pattern, expected):
    from pathlib import PurePosixPath
    crel = PurePosixPath("posts/hello/index.md")
    meta = {"slug": "the-slug"}
    assert hugo._pattern(pattern, DATE, "posts", crel, "Hello World", meta, "hello", True) == expected


@pytest.mark.parametrize("old,expected", [
    ("/2017/01/a.html", ("/2017/01/a/", True)),
    ("/2017/01/a/", ("/2017/01/a/", False)),
    ("/2017/01/a", ("/2017/01/a/", False)),
    ("/notes/index.html", ("/notes/", False)),
    ("/tags/x/", ("/fallback/", True)),
    ("/", ("/fallback/", True)),
])
def test_new_path(old, expected):
    assert urls.new_path(old, "fallback") == expected


def test_redirect_page_points_relative_and_canonical():
    page = urls.redirect_page("2017/01/a.html", "2017/01/a/", "")
    assert 'content="0; url=a/"' in page and 'rel="canonical" href="a/"' in page
    page = urls.redirect_page("old/x/index.html", "new/x/", "https://b.example/")
    assert 'url=../../new/x/' in page and 'href="https://b.example/new/x/"' in page


def test_pelican_headers_with_continuation_lines():
    meta, body, line = headers("Title: A\nTags: x, y\nSummary: one\n    two\n\nBody\n")
    assert meta == {"title": "A", "tags": "x, y", "summary": "one two"}
    assert body == "Body\n" and line == 6


def test_hugo_config_split_over_config_default(tmp_path):
    from engine.importer.report import ImportReport
    (tmp_path / "config/_default").mkdir(parents=True)
    (tmp_path / "config/_default/hugo.yaml").write_text("baseURL: https://h.example/blog/\ntitle: H\n")
    (tmp_path / "config/_default/permalinks.toml").write_text('post = "/:year/:slug/"\n')
    (tmp_path / "config/_default/params.toml").write_text('mainSections = ["post"]\n')
    (tmp_path / "content/post").mkdir(parents=True)
    (tmp_path / "content/post/a.md").write_text("---\ntitle: A b\ndate: 2020-05-06\n---\nx\n")
    (tmp_path / "content/notes").mkdir()
    (tmp_path / "content/notes/n.md").write_text("---\ntitle: N\n---\n")
    site = hugo.read(tmp_path, ImportReport())
    assert [(p.source, p.url) for p in site.posts] == [("content/post/a.md", "/2020/a-b/")]
    assert site.base_path == "/blog/" and site.site_url == "https://h.example/blog/"
    assert site.title == "H"


def test_jekyll_slug_modes():
    assert jekyll.pretty_slug("My_Post v1.2 (draft)!") == "My-Post-v1.2-(draft)!"
    assert jekyll.default_slug("My_Post v1.2 (draft)!") == "my-post-v1-2-draft"


def test_gatsby_slug_prefix_from_gatsby_node(tmp_path):
    from engine.importer import gatsby
    from engine.importer.report import ImportReport
    (tmp_path / "gatsby-config.js").write_text("module.exports = {}\n")
    (tmp_path / "gatsby-node.js").write_text(
        "const value = createFilePath({ node, getNode })\n"
        "createNodeField({ name: `slug`, node, value: `/blog${value}` })\n")
    (tmp_path / "content/blog/2019/hello").mkdir(parents=True)
    (tmp_path / "content/blog/2019/hello/index.md").write_text("---\ntitle: H\ndate: 2019-01-01\n---\n")
    (tmp_path / "content/blog/loose.md").write_text("---\ntitle: L\ndate: 2019-01-02\n---\n")
    site = gatsby.read(tmp_path, ImportReport())
    assert [p.url for p in site.posts] == ["/blog/2019/hello/", "/blog/loose/"]
