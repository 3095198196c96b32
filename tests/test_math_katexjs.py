"""KaTeX in V8 (engine/katexjs.py) against PyKaTeX, the typesetter it replaced: the same
KaTeX 0.16.22, so the same MathML bytes, the same warnings and the same error messages (with
their positions) for what the engine sends it while rendering the seed posts, the dialect
fixtures, the broken TeX site and 30 benchmark posts.

The one difference is on purpose: nesting. PyKaTeX's QuickJS runs out of stack at about 100
nested `\\frac` and then reports a garbled "size exceeded" (its own prefix-stripping cuts
"Maximum call stack "); V8 goes about ten times deeper and says what happened.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pykatex
import pytest
from markdown_it.utils import read_fixture_file

from engine import content, katexjs, markdown, math
from engine.formulas import FormulaStore

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

# refused TeX, each a different KaTeX complaint; the last ones after a macro prefix
REFUSED = [r"\frac{a", r"\undefinedmacro", r"x^^2", r"\begin{foo} x \end{foo}", r"\left( x",
           r"a } b", r"\sqrt[", r"x_\hat a", r"\def\a{\a}\a", r"\rule{1em}{x}", r"\color{red}{x",
           r"\begin{matrix} a \end{pmatrix}", "a \\\\[ b", r"\text{\frac}", r"\verb"]
STRICT = ["é", r"\text{é} + ü", "\u2003x", r"\\ x"]


def _pykatex(tex: str, display: bool, colour: bool) -> dict:
    """What engine/math.py did with PyKaTeX: strict "error", then "ignore" after a complaint."""
    options = dict(displayMode=display, output="mathml", throwOnError=True,
                   colorIsTextColor=colour)
    try:
        return {"html": pykatex.renderToString(tex, strict="error", **options)}
    except pykatex.ParseError as exc:
        if not str(exc).startswith(katexjs.STRICT):
            return {"error": str(exc)}
        try:
            return {"warning": str(exc),
                    "html": pykatex.renderToString(tex, strict="ignore", **options)}
        except pykatex.ParseError as exc2:
            return {"error": str(exc2)}


def _post(body: str, dialect: str = "auto", source: str = "content/posts/x/index.md"):
    return content.Post(source=source, kind="post", title="x", url="x/", body=body,
                        body_line=1, digest="0", math_dialect=dialect)


def _bodies():
    for path in sorted((ROOT / "content" / "posts").glob("*/index.md")):
        yield content.load_post(ROOT, path)
    for path in sorted((TESTS / "fixtures" / "markdown").glob("*.md")):
        dialect = path.stem.rsplit(".", 1)[-1]
        for _, _, body, _ in read_fixture_file(path):
            yield _post(body, dialect)
    for path in sorted((TESTS / "fixtures" / "math_posts").glob("*.md")):
        yield _post(path.read_text(encoding="utf-8"), path.stem)
    site = TESTS / "sites" / "broken" / "bad_tex"
    for path in sorted((site / "content" / "posts").glob("*/index.md")):
        yield content.load_post(site, path)
    for i in range(1, 31):
        text = corpus.render_post(i)
        yield _post(text[text.index("\n---\n", 4) + 5:])
    for tex in REFUSED + STRICT:  # alone, and after a macro (the error's offset shifts)
        yield _post(f"$${tex}$$\n\n$\\newcommand{{\\R}}{{\\mathbb R}}$ and ${tex}$\n")


@pytest.fixture(scope="module")
def rendered():
    """The batches the engine sends KaTeX while rendering the bodies, a list per post; each
    item (tex, display, colour is text colour)."""
    posts: list[list] = []
    real = katexjs.render

    def record(batch):
        posts[-1].append(batch)
        return real(batch)

    katexjs.render = record
    try:
        for post in _bodies():
            posts.append([])
            markdown.render(post, "auto", FormulaStore())
    finally:
        katexjs.render = real
    return posts


@pytest.fixture(scope="module")
def sent(rendered):
    return list(dict.fromkeys(item for post in rendered for batch in post for item in batch))


def test_each_post_is_one_call_into_katex(rendered):
    """The prefetch foresees every formula, macro prefixes and errors included: none is
    left to a call of its own while the post renders."""
    assert sum(len(post) == 1 for post in rendered) > 80
    assert [post for post in rendered if len(post) > 1] == []


def test_enough_formulas_of_every_kind(sent):
    assert len(sent) > 400
    assert {display for _, display, _ in sent} == {True, False}
    assert {colour for _, _, colour in sent} == {True, False}
    assert any(tex.startswith("\\def") for tex, _, _ in sent)  # macro prefixes
    answers = katexjs.render(sent)
    assert sum("error" in a for a in answers) >= len(REFUSED) * 2
    assert sum("warning" in a for a in answers) >= len(STRICT)
    assert sum(list(a) == ["html"] for a in answers) > 400


def test_same_mathml_warnings_and_errors_as_pykatex(sent):
    answers = katexjs.render(sent)  # one batch, as a post's formulas go
    differ = [(item, new, old) for item, new, old in
              zip(sent, answers, (_pykatex(*item) for item in sent)) if new != old]
    assert differ == []


def test_one_call_per_post_repeats_dropped(monkeypatch):
    calls = []
    real = katexjs.render
    monkeypatch.setattr(katexjs, "render", lambda batch: calls.append(len(batch)) or real(batch))
    body = corpus.render_post(7)
    result = markdown.render(_post(body[body.index("\n---\n", 4) + 5:]), "auto", FormulaStore())
    assert not result.errors and result.html.count("<math") == 14
    assert len(calls) == 1 and 10 <= calls[0] <= 14  # the classics may repeat within a post


def test_a_later_formula_sees_the_macros_of_earlier_ones_in_the_same_call(monkeypatch):
    calls = []
    real = katexjs.render
    monkeypatch.setattr(katexjs, "render", lambda batch: calls.append(batch) or real(batch))
    body = ("$\\newcommand{\\v}[1]{\\mathbf{#1}}$ then $\\v{x}$\n\n"
            "$$\n\\renewcommand{\\v}[1]{\\vec{#1}}\\v{y}\n$$\n\nand $\\v{z} + \\bad$\n")
    result = markdown.render(_post(body, "modern"), "modern", FormulaStore())
    assert len(calls) == 1 and len(calls[0]) == 4
    assert "𝐱" in result.html and "⃗" in result.html and "𝐲" not in result.html
    assert [e.message.split(" at position ")[0] for e in result.errors] == [
        "bad TeX: Undefined control sequence: \\bad"]
    assert result.errors[0].message.split(" at position ")[1].startswith("9:")


def test_nesting_too_deep_for_v8_is_an_error_that_says_so():
    tex = r"\frac{" * 2000 + "1" + "}{2}" * 2000
    with pytest.raises(math.TexError, match="nests too deeply for KaTeX"):
        math.typeset(tex, display=False, dialect="modern")


def test_nesting_too_deep_for_the_mathml_checks_is_an_error_not_a_crash():
    tex = r"\sqrt{" * 600 + "1" + "}" * 600
    assert "error" not in katexjs.render([(tex, False, False)])[0]  # KaTeX in V8 takes it
    with pytest.raises(math.TexError, match="nests too deeply for the MathML checks"):
        math.typeset(tex, display=False, dialect="modern")


_FORK = """
import os, signal, sys
from engine import katexjs
first = katexjs.render([("x", False, False)])  # the parent has a context when it forks
pid = os.fork()
if pid == 0:
    signal.alarm(20)  # a child that hangs dies rather than outlive the test
    sys.exit(0 if katexjs.render([("x", False, False)]) == first else 3)  # a normal teardown
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status), katexjs.render([("x", False, False)]) == first)
"""


def test_a_forked_child_typesets_with_its_own_context_and_exits_cleanly():
    out = subprocess.run([sys.executable, "-c", _FORK], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert (out.returncode, out.stdout.split()) == (0, ["0", "True"]), out.stderr
