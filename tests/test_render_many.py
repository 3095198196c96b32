"""markdown.render_many: posts rendered together send their formulas to KaTeX in one call and
come out as each would alone, errors (at their own lines) included."""

from __future__ import annotations

from engine import content, katexjs, markdown
from engine.formulas import FormulaStore

BODIES = [
    "# One\n\nInline $a^2 + b^2$ and\n\n$$\\int_0^1 x\\,dx$$\n",
    "Refused: $\\frac{a$ here.\n\nFine: $e^{i\\pi}$\n",
    "No math at all, only `code`.\n\n```python\nprint(1)\n```\n",
    "Macros: $\\def\\v{\\mathbf{v}} \\v$ then $\\v + 1$, and $a^2 + b^2$ again.\n",
]


def _post(n: int, body: str) -> content.Post:
    return content.Post(source=f"content/posts/p{n}/index.md", kind="post", title="x",
                        url=f"p{n}/", body=body, body_line=3, digest=str(n), math_dialect="modern")


def _counting(monkeypatch) -> list[int]:
    calls: list[int] = []
    render = katexjs.render

    def counted(items):
        calls.append(len(items))
        return render(items)

    monkeypatch.setattr(katexjs, "render", counted)
    return calls


def _same(a, b) -> None:
    assert (a.html, a.errors, a.warnings, a.summary, a.words) == \
        (b.html, b.errors, b.warnings, b.summary, b.words)


def test_posts_rendered_together_match_each_alone_in_one_call(monkeypatch):
    posts = [_post(n, body) for n, body in enumerate(BODIES)]
    alone = [markdown.render(post, "modern", FormulaStore()) for post in posts]
    calls = _counting(monkeypatch)
    together = markdown.render_many(posts, "modern", FormulaStore())
    assert len(calls) == 1  # every formula of the four posts, the refused one included
    for a, b in zip(together, alone):
        _same(a, b)
    refused = together[1].errors
    assert len(refused) == 1 and refused[0].line == 3 and "frac" in refused[0].format()
    assert not together[0].errors and "<math" in together[0].html


def test_a_group_never_outgrows_the_memo(monkeypatch):
    """Formulas typeset beforehand must still be remembered when the post renders: past
    half the memo the posts go in more than one call."""
    monkeypatch.setattr(markdown, "MEMO", 4)  # two formulas a call at most, per post here
    posts = [_post(n, f"$x_{n}$ and $y_{n}$\n") for n in range(3)]
    alone = [markdown.render(post, "modern", FormulaStore()) for post in posts]
    calls = _counting(monkeypatch)
    together = markdown.render_many(posts, "modern", FormulaStore())
    assert calls == [2, 2, 2]  # none typeset twice, one by one, after its prefetch
    for a, b in zip(together, alone):
        _same(a, b)


def test_long_posts_go_in_groups_of_bounded_text(monkeypatch):
    """Tokens are held until their group renders: a group's text is bounded, not only its
    number of posts (eight huge posts must not sit in memory at once)."""
    monkeypatch.setattr(markdown, "GROUP_TEXT", 40)
    posts = [_post(n, f"Some prose here, then $z_{n}^2$.\n") for n in range(4)]  # 33 chars each
    calls = _counting(monkeypatch)
    together = markdown.render_many(posts, "modern", FormulaStore())
    assert calls == [1, 1, 1, 1]
    assert all("<math" in r.html and not r.errors for r in together)
