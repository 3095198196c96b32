"""Rendering fixtures in markdown-it's three-dot format: title, Markdown, expected HTML.

Files under fixtures/markdown/ are named for the dialect they render with (`*.modern.md`,
`*.legacy.md`, `*.auto.md`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from engine import markdown
from engine.content import Post
from engine.formulas import FormulaStore

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
CASES = [
    pytest.param(path, line, body, expected, id=f"{path.stem}:{line}:{title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for line, title, body, expected in read_fixture_file(path)
]


def render(body: str, dialect: str = "auto") -> markdown.Rendered:
    post = Post(source="content/posts/x/index.md", kind="post", title="x", url="x/",
                body=body, body_line=5, digest="0", math_dialect=dialect)
    return markdown.render(post, "auto", FormulaStore())


@pytest.mark.parametrize("path,line,body,expected", CASES)
def test_fixture(path, line, body, expected):
    dialect = path.stem.rsplit(".", 1)[-1]
    result = render(body, dialect)
    assert not result.errors, [e.format() for e in result.errors]
    assert result.html.rstrip() == expected.rstrip()
