"""Highlighted code blocks kept in the build cache: an edit that leaves a post's code alone does
not run Pygments again, and what a block shows (HTML and warnings) is the same either way."""

from __future__ import annotations

import pytest

from engine import assemble, highlight, markdown
from engine.cache import Cache
from engine.content import Post
from engine.formulas import FormulaStore

BODY = """Some text.

```python title="a.py" {2} linenos
def f(x):
    return x + 1
```

```nosuchlang
plain
```
"""


def _render(body: str, cache: Cache | None) -> markdown.Rendered:
    post = Post(source="content/posts/x/index.md", kind="post", title="x", url="x/",
                body=body, body_line=5, digest="0", math_dialect="modern")
    return markdown.render(post, "modern", FormulaStore(cache))


def _no_pygments(monkeypatch) -> list:
    calls: list = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("Pygments ran for a cached block")

    monkeypatch.setattr(highlight, "code_block", refuse)
    return calls


def test_a_cached_block_renders_the_same_without_pygments(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache.sqlite")
    first = _render(BODY, cache)
    assert len(first.code) == 2 and "highlight" in first.html
    cache.put_many("code", first.code)  # what the parent process does with a worker's result
    _no_pygments(monkeypatch)
    again = _render(BODY.replace("Some text.", "Other text."), cache)
    assert again.code == {}
    assert again.html == first.html.replace("Some text.", "Other text.")
    assert [w.message for w in again.warnings] == [w.message for w in first.warnings]
    assert "unknown code language `nosuchlang`" in again.warnings[0].message


@pytest.mark.parametrize("change", [
    ("return x + 1", "return x + 2"),      # the code
    ("```python title", "```py title"),    # the language
    ("{2} linenos", "{1} linenos"),        # an option
])
def test_a_changed_block_is_highlighted_again(tmp_path, monkeypatch, change):
    cache = Cache(tmp_path / "cache.sqlite")
    cache.put_many("code", _render(BODY, cache).code)
    calls = _no_pygments(monkeypatch)
    with pytest.raises(AssertionError):
        _render(BODY.replace(*change), cache)
    assert calls


def test_an_edit_that_keeps_the_code_runs_no_pygments(tmp_path, monkeypatch):
    root = tmp_path / "site"
    (root / "content" / "posts" / "p").mkdir(parents=True)
    (root / "site.toml").write_text('title = "T"\n')
    post = root / "content" / "posts" / "p" / "index.md"
    post.write_text("---\ntitle: P\ndate: 2024-01-02\n---\n" + BODY)
    assemble.build(root, jobs=1)
    page = (root / "site" / "p" / "index.html").read_text()
    _no_pygments(monkeypatch)
    post.write_text(post.read_text().replace("Some text.", "Other text."))
    summary = assemble.build(root, jobs=1)
    assert summary.cache_hits == 0
    assert (root / "site" / "p" / "index.html").read_text() == page.replace("Some text.",
                                                                          "Other text.")
