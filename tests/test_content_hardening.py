"""Content loading against hostile or odd input: what gets in, and what is refused where."""

from __future__ import annotations

import os

import pytest

from engine import assemble, content
from engine.errors import BuildError, BuildFailed


def post(root, slug="a", text="---\ntitle: A\ndate: 2024-01-01\n---\n\nText.\n"):
    folder = root / "content" / "posts" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_bytes(text.encode() if isinstance(text, str) else text)
    return folder


@pytest.fixture
def root(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\n')
    return tmp_path


def test_dot_folders_and_files_in_a_post_are_not_published(root):
    folder = post(root)
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[remote] secret")
    (folder / ".env.d").mkdir()
    (folder / ".env.d" / "token").write_text("secret")
    (folder / "sub" / ".hidden").mkdir(parents=True)
    (folder / "sub" / ".hidden" / "x.txt").write_text("secret")
    (folder / "sub" / "plot.png").write_bytes(b"png")
    assemble.build(root)
    published = sorted(p.relative_to(root / "site" / "a").as_posix()
                       for p in (root / "site" / "a").rglob("*") if p.is_file())
    assert published == ["index.html", "sub/plot.png"]


def test_links_that_stay_inside_the_site_are_followed(root):
    folder = post(root)
    (root / "shared").mkdir()
    (root / "shared" / "logo.svg").write_text("<svg/>")
    os.symlink(root / "shared" / "logo.svg", folder / "logo.svg")
    assemble.build(root)
    assert (root / "site" / "a" / "logo.svg").read_text() == "<svg/>"


def test_a_fifo_is_refused_not_read(root):
    folder = post(root)
    os.mkfifo(folder / "pipe")
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root)
    assert "not a regular file" in failed.value.problems[0].message


def test_crlf_and_bom_are_accepted_and_output_is_lf(root):
    text = "\ufeff---\r\ntitle: Windows\r\ndate: 2024-01-01\r\ntags: [a]\r\n---\r\n\r\nLine one\r\nline two.\r\n"
    post(root, text=text.encode("utf-8"))
    assemble.build(root)
    page = (root / "site" / "a" / "index.html").read_bytes()
    assert b"\r" not in page and b"<p>Line one\nline two.</p>" in page


def test_indented_frontmatter_key_is_reported_at_its_line(root):
    path = post(root, text="---\n  title: A\n  date: 2024-13-01\n---\n\nText.\n") / "index.md"
    with pytest.raises(BuildError) as failed:
        content.load_post(root, path)
    assert failed.value.problem.line == 3


def test_huge_frontmatter_is_refused_with_a_limit(root):
    big = "description: " + "x" * (content.MAX_FRONTMATTER + 10) + "\n"
    path = post(root, text=f"---\ntitle: A\ndate: 2024-01-01\n{big}---\n\nText.\n") / "index.md"
    with pytest.raises(BuildError) as failed:
        content.load_post(root, path)
    assert "over the limit" in str(failed.value)


@pytest.mark.parametrize("value", ["https://evil.example/x/", "//evil.example/x/",
                                   "javascript:alert(1)", "/a/../../b/"])
def test_path_must_stay_a_path_of_this_site(root, value):
    path = post(root, text=f'---\ntitle: A\ndate: 2024-01-01\npath: "{value}"\n---\n\nT.\n') / "index.md"
    if value.startswith("//"):  # no scheme: read as the plain path /evil.example/x/
        assert content.load_post(root, path).url == "evil.example/x/"
        return
    with pytest.raises(BuildError):
        content.load_post(root, path)


@pytest.mark.parametrize("frontmatter, where", [
    ("path: /feed.xml/", "content/posts/a/index.md:4"),
    ("slug: 404.html", "content/posts/a/index.md:4"),
])
def test_urls_that_would_put_a_folder_where_a_file_is_are_errors(root, frontmatter, where):
    post(root, text=f"---\ntitle: A\ndate: 2024-01-01\n{frontmatter}\n---\n\nText.\n")
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root)
    assert any(p.format().startswith(where) for p in failed.value.problems), failed.value.problems


def test_a_page_named_like_a_generated_file_is_an_error(root):
    post(root)
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "feed.xml.md").write_text("---\ntitle: F\n---\n\nx\n")
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root)
    assert failed.value.problems[0].path == "content/pages/feed.xml.md"


def test_a_static_file_cannot_replace_the_feed(root):
    post(root)
    (root / "static").mkdir()
    (root / "static" / "feed.xml").write_text("<feed/>")
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root)
    assert failed.value.problems[0].path == "static/feed.xml"


@pytest.mark.parametrize("line, construct", [
    ("![plot]({{ site.baseurl }}/a.png)", "{{ site.baseurl }}"),
    ('{% include image.html url="a.png" %}', "{% include image.html"),
    ("{: .lead}", "{: .lead}"),
    ('{{< figure src="a.png" >}}', "{{< figure"),
])
def test_template_syntax_of_other_generators_is_a_warning_at_its_line(root, line, construct):
    path = post(root, text=f"---\ntitle: A\ndate: 2024-01-01\n---\n\nText.\n\n{line}\n\n"
                           "`{{ in code }}` is fine.\n") / "index.md"
    warnings = content.load_post(root, path).warnings
    assert len(warnings) == 1 and warnings[0].line == 8 and construct in warnings[0].message


@pytest.mark.parametrize("rel", ["a/index.html", "pagefind/pagefind.js"])
def test_a_static_file_cannot_replace_a_page_or_the_search_index(root, rel):
    post(root)
    (root / "static" / rel).parent.mkdir(parents=True)
    (root / "static" / rel).write_text("mine")
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root)
    assert failed.value.problems[0].format().startswith(
        f"static/{rel}: error: `static/{rel}` would replace the generated `{rel}`")


def test_a_post_saved_between_loading_and_rendering_is_an_error_not_a_mixed_page(
        root, monkeypatch):
    """A build holds posts without their bodies and reads a body back when it renders: a file
    saved in between must not give the old frontmatter with the new text."""
    folder = post(root, text="---\ntitle: Old\ndate: 2024-01-01\n---\n\nOld text.\n")
    published = assemble._published

    def save_meanwhile(*args):
        (folder / "index.md").write_text("---\ntitle: New\ndate: 2024-01-01\n---\n\nNew.\n")
        return published(*args)

    monkeypatch.setattr(assemble, "_published", save_meanwhile)
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root, jobs=1)
    assert [p.message for p in failed.value.problems] == [
        "this file changed while the site was being built; build again"]
    assert failed.value.problems[0].path == "content/posts/a/index.md"
    monkeypatch.undo()
    assemble.build(root)  # and the next build takes the new file
    assert "New." in (root / "site" / "a" / "index.html").read_text()
