"""The benchmark corpus (bench/corpus.py) is deterministic, well formed and valid KaTeX."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from engine import katexjs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import corpus  # noqa: E402

FENCE_RE = re.compile(r"^```.*?^```$", re.S | re.M)
DISPLAY_RE = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)
INLINE_RE = re.compile(r"\$([^$\n]+)\$")
TABLE_DELIM_RE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$", re.M)


def split(text: str):
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5:]


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def parts(body: str):
    """(fences, display formulas, inline formulas) of a post body."""
    fences = FENCE_RE.findall(body)
    no_code = FENCE_RE.sub("", body)
    display = DISPLAY_RE.findall(no_code)
    inline = INLINE_RE.findall(DISPLAY_RE.sub("", no_code))
    return fences, display, inline


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    corpus.generate(root, 3)
    return root


def test_deterministic(small, tmp_path):
    corpus.generate(tmp_path, 3)
    assert files(tmp_path) == files(small)


def test_seed_changes_content(small, tmp_path):
    corpus.generate(tmp_path, 3, seed=1)
    assert files(tmp_path)["content/posts/post-0001/index.md"] != \
        files(small)["content/posts/post-0001/index.md"]


def test_site_root_layout(small):
    assert (small / "site.toml").read_text() == 'title = "Bench"\nbase_url = ""\n'
    posts = sorted(p.parent.name for p in (small / "content" / "posts").glob("*/index.md"))
    assert posts == ["post-0001", "post-0002", "post-0003"]


def test_post_structure(small):
    dates = set()
    for p in sorted((small / "content" / "posts").glob("*/index.md")):
        meta, body = split(p.read_text(encoding="utf-8"))
        assert isinstance(meta["title"], str) and meta["title"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["date"])
        dates.add(meta["date"])
        assert meta["tags"] and set(meta["tags"]) <= set(corpus.TAGS)
        assert meta["description"]
        fences, display, inline = parts(body)
        assert [f.split("\n", 1)[0] for f in fences] == ["```python", "```bash"]
        assert len(display) == 4
        assert 8 <= len(inline) <= 12
        assert len(re.findall(r"\[\^\d\](?!:)", body)) == 3
        assert len(re.findall(r"^\[\^\d\]:", body, re.M)) == 3
        assert len(TABLE_DELIM_RE.findall(body)) == 1
        assert re.search(r"^## ", body, re.M) and re.search(r"^### ", body, re.M)
        assert re.search(r"^- ", body, re.M) and re.search(r"^1\. ", body, re.M)
        assert re.search(r"\]\(https://", body) and re.search(r"(?<!\w)\*\w", body)
        assert re.search(r"(?<!`)`[^`\n]+`(?!`)", body)
        for tex in display:  # display formulas stand alone, blank lines around
            assert f"\n\n$$\n{tex}\n$$\n\n" in body
        words = len(body.split())
        assert 1200 <= words <= 1800, words
    assert len(dates) == 3


def test_formulas_render_with_katex():
    seen = {}
    for i in range(1, 31):
        _, body = split(corpus.render_post(i))
        _, display, inline = parts(body)
        seen.update({(t, True): None for t in display})
        seen.update({(t, False): None for t in inline})
    # No error, not even a strict-mode complaint (the engine's setting), from the build's KaTeX
    answers = katexjs.render([(tex, display_mode, False) for tex, display_mode in seen])
    assert [(item, a) for item, a in zip(seen, answers) if list(a) != ["html"]] == []
    # Formulas vary across posts, but some classics repeat.
    assert len(seen) > 0.5 * 30 * 14


def test_matrices_use_single_backslash_row_breaks():
    texts = [corpus.render_post(i) for i in range(1, 31)]
    assert any("\\begin{bmatrix}" in t for t in texts)
    assert not any("\\\\\\\\" in t for t in texts)


def test_edit_one_changes_exactly_one_file(small, tmp_path):
    corpus.generate(tmp_path, 3)
    before = files(tmp_path)
    path = corpus.edit_one(tmp_path, 2)
    after = files(tmp_path)
    changed = [k for k in before if before[k] != after[k]]
    assert changed == ["content/posts/post-0002/index.md"]
    assert path == corpus.post_path(tmp_path, 2)
    meta_b, body_b = split(before[changed[0]].decode())
    meta_a, body_a = split(after[changed[0]].decode())
    assert meta_a == meta_b and parts(body_a) == parts(body_b)  # prose only
    corpus.edit_one(tmp_path, 2)  # a second edit changes it again
    assert files(tmp_path)[changed[0]] not in (before[changed[0]], after[changed[0]])


def test_generate_refuses_foreign_content(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(FileExistsError):
        corpus.generate(tmp_path, 1)


def test_markdown_it_sees_the_promised_blocks(small):
    """With the dollarmath and footnote plugins the token stream has the promised parts."""
    from collections import Counter

    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = (MarkdownIt("commonmark").enable(["table", "strikethrough"])
          .use(dollarmath_plugin).use(footnote_plugin))
    for p in sorted((small / "content" / "posts").glob("*/index.md")):
        _, body = split(p.read_text(encoding="utf-8"))
        tokens = md.parse(body)
        blocks = Counter(t.type for t in tokens)
        inline = Counter(c.type for t in tokens if t.children for c in t.children)
        assert blocks["math_block"] == 4 and blocks["fence"] == 2 and blocks["table_open"] == 1
        assert blocks["footnote_open"] == 3 and inline["footnote_ref"] == 3
        assert inline["math_inline"] == 10
        assert blocks["bullet_list_open"] == 1 and blocks["ordered_list_open"] == 1
        assert inline["link_open"] >= 3 and inline["em_open"] + inline["strong_open"] >= 1
        assert inline["code_inline"] >= 1 and inline["s_open"] == 1
