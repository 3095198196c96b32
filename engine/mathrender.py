"""A post's math from Markdown tokens to MathML: its dialect, its macros, its messages.

engine/markdown.py calls `begin` before parsing (the dialect decides which delimiters are
math), `settle` after it (`auto` looks at the evidence; a different guess means one more
parse), `check_text` once lines are known (TeX delimiters left in the text are warnings),
`prefetch` before rendering (the post's formulas typeset in one call into KaTeX), and
`render_math` from its math render rule. Formulas are typeset in document order, so a
`\\newcommand` reaches every later formula, as in MathJax.
"""

from __future__ import annotations

import copy
import re
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from . import math, mathsyntax
from .macros import MacroBook, MacroError

# which delimiters each dialect reads (engine/mathsyntax.py): a different set means a new parse
_SYNTAX = {"modern": "dollars", "legacy": "escaped", "kramdown": "escaped+env", "mathjax": "all"}
# evidence of MathJax delimiters in the raw text (code and dollar math removed first)
_MATHJAX_EVIDENCE = re.compile(
    r"\\\\?\((?:(?!\n\s*\n).){1,2000}?\\\\?\)|^[ \t]{0,3}\\\\?\[|^[ \t]{0,3}\\begin\{(?:equation|align|"
    r"alignat|gather|multline|eqnarray|flalign|split)\*?\}", re.M | re.S)
# what any such evidence contains, found in the raw text: removing code and dollar math cannot
# make it, so a body without it skips the scan of its prose (most posts)
_MATHJAX_HINT = re.compile(r"\\[(\[]|\\begin\{(?:equation|align|alignat|gather|multline|"
                           r"eqnarray|flalign|split)\*?\}")
# spans are bounded so that a page of unclosed backticks or dollars stays linear
_CODE = re.compile(r"^([ \t]*)(```+|~~~+).*?^\1\2[ \t]*$|(`+)(?:(?!\3).){1,2000}?\3", re.M | re.S)
_DOLLARS = re.compile(r"\$\$.{1,5000}?\$\$|\$[^$\n]{1,2000}\$", re.S)
_LEFT = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{")
_RAW_PAREN = re.compile(r"(?<!\\)\\\((?:(?!\n\s*\n).){1,2000}?(?<!\\)\\\)", re.S)
_DIFFERS = re.compile(r"\\[(\[]|\\begin\{")  # what the delimiter rules may read
_EMPTY = "<semantics><mrow></mrow><annotation"
_TRAIL = re.compile(r"^[.,;:!?…)\]}’”'\"]+")


def _prose(body: str) -> str:
    return _DOLLARS.sub(" ", _CODE.sub(" ", body))


def begin(post_dialect: str, site_dialect: str, body: str, env: dict,
          macros: dict[str, str] | None = None) -> None:
    """Choose the dialect to parse with: the post's, else the site's; `auto` guesses."""
    dialect = post_dialect if post_dialect != "auto" else site_dialect
    env["math_auto"] = dialect == "auto"
    env["macro_book"] = MacroBook(macros)
    if dialect == "auto":
        found = single = None
        prose = _prose(body) if _MATHJAX_HINT.search(body) else ""
        for m in _MATHJAX_EVIDENCE.finditer(prose):
            found = found or m
            if not m.group(0).lstrip().startswith("\\\\"):  # `\(`, not kramdown's `\\(`
                single = m
                break
        m = single or found
        env["mathjax_evidence"] = m.group(0).split("\n")[0][:40] if m else None
        env["mathjax_single"] = single is not None
        dialect = "mathjax" if m else "modern"
    env["dialect"] = dialect
    # what parsing adds to env (footnotes...) must go before a second parse
    env["math_parse_keys"] = set(env) | {"math_parse_keys"}


def settle(tokens: list[Token], env: dict) -> bool:
    """Decide `auto` from the parsed math; True when the post must be parsed again."""
    env["evidence"] = _legacy_evidence(tokens)
    if not env["math_auto"]:
        return False
    guessed = env["dialect"]
    if env["evidence"]:
        dialect, why = "legacy", f"`{env['evidence'][1]}` in a formula"
    elif env.get("mathjax_single"):  # kramdown would have turned `\(` into `(`
        dialect, why = "mathjax", f"`{env['mathjax_evidence']}` in the text"
    elif (kram := _inline_double(tokens)) is not None:
        dialect, why = "kramdown", f"`$${kram}$$` inside a paragraph"
    elif env.get("mathjax_evidence"):
        dialect, why = "mathjax", f"`{env['mathjax_evidence']}` in the text"
    else:
        dialect, why = "modern", "no legacy, kramdown or MathJax evidence"
    env["dialect"], env["dialect_why"] = dialect, why
    if _SYNTAX[dialect] == _SYNTAX[guessed] or not _DIFFERS.search(env["body"]):
        return False
    for key in set(env) - env["math_parse_keys"]:
        del env[key]
    return True


def _walk(tokens: list[Token]):
    for tok in tokens:
        yield tok
        if tok.children:
            yield from tok.children


def _legacy_evidence(tokens: list[Token]) -> tuple[Token, str] | None:
    for tok in _walk(tokens):
        if tok.type.startswith("math_"):
            evidence = math.legacy_evidence(tok.content)
            if evidence:
                return tok, evidence
    return None


def _inline_double(tokens: list[Token]) -> str | None:
    for tok in tokens:
        if tok.type == "inline" and tok.children:
            for i, child in enumerate(tok.children):
                if child.type == "math_inline_double" and child.markup == "$$" \
                        and not _alone(tok.children, i):
                    return child.content[:30]
    return None


def _alone(children: list[Token], idx: int) -> bool:
    """Whether the formula at `idx` is all its paragraph holds (kramdown: display math)."""
    return all(c.type in ("softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
               for i, c in enumerate(children) if i != idx and c.type != "math_nowrap_close")


Problem = Callable[[dict, int, str], object]


def check_text(tokens: list[Token], env: dict, problem: Problem, line_of) -> None:
    """TeX delimiters left in the page's text are warnings at their line, and so is a
    Markdown-escaped formula in a post set to `modern`."""
    dialect = env["dialect"]
    if dialect == "modern" and env["evidence"] and not env["math_auto"]:
        tok, seq = env["evidence"]
        line = _tex_line(tok, env, line_of) + tok.content.count(
            "\n", 0, max(0, tok.content.find(seq) - (1 if tok.type == "math_block" else 0)))
        env["warnings"].append(problem(env, line, (
            f"`{seq}` in a formula reads verbatim in `modern` math (`\\_` is a literal "
            "underscore, `\\\\\\` a row break and a stray backslash); if the post was "
            "written with Markdown escapes in its math, set `math: legacy`")))
    for tok in tokens:
        if tok.type != "inline" or not tok.children:
            continue
        seen = False
        for child in tok.children:
            m = _LEFT.search(child.content) if child.type == "text" else None
            if m:
                env["warnings"].append(problem(env, line_of(child), _left_message(m.group(0), dialect)))
                seen = True
                break
        # a raw `\(` must be in the text itself (removing code and math cannot make one)
        if not seen and _SYNTAX[dialect] != "all" and "\\(" in tok.content:
            m = _RAW_PAREN.search(_prose(tok.content))
            if m:
                line = line_of(tok) + tok.content.count("\n", 0, tok.content.find(m.group(0)))
                env["warnings"].append(problem(env, line, (
                    f"`{_short(m.group(0))}` reads as plain text in `{dialect}` math (Markdown "
                    "turns `\\(` into `(`); set `math: mathjax` in the frontmatter if it is "
                    "math, or write `(` if it is not")))


def _left_message(delim: str, dialect: str) -> str:
    fix = {"$$": "close it with `$$`, or write `\\$\\$` for dollar signs",
           "\\begin{": "put the environment inside `$$ ... $$`, or set `math: mathjax`"}.get(
        delim, "set `math: mathjax` (or `kramdown`) in the frontmatter, or close the formula")
    return f"TeX delimiter `{delim}` left in the text as `{dialect}` math reads it; {fix}"


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


_MATH = ("math_inline", "math_inline_double", "math_block")


def _formula(tokens: list[Token], idx: int, dialect: str) -> tuple[str, bool]:
    """The TeX of the math token at `idx` and whether it is display math."""
    tok = tokens[idx]
    display = tok.type == "math_block" or (
        tok.type == "math_inline_double"
        and not (dialect == "kramdown" and tok.markup == "$$" and not _alone(tokens, idx)))
    return (tok.content.strip() if tok.type == "math_block" else tok.content), display


def wanted(tokens: list[Token], env: dict) -> list[math.Formula]:
    """The post's formulas as `render_math` will ask for them, to be typeset beforehand in
    one call (`FormulaStore.prefetch`).

    The macro book is replayed on a copy, in the renderer's order (block tokens, the children
    of each inline one), so each formula gets the prefix it will have. A formula asked for
    otherwise (a plugin's, one after a macro a plugin's caption defined) misses and is
    typeset on its own: this only saves calls.
    """
    dialect = env["dialect"]
    book: MacroBook = copy.deepcopy(env["macro_book"])
    found: list[math.Formula] = []
    for siblings, idx in _math_places(tokens):
        tex, display = _formula(siblings, idx, dialect)
        prefix = book.prefix
        try:
            body = book.take(math.prepare(tex, dialect))
        except MacroError:  # reported when rendered
            continue
        found.append((body, display, dialect, prefix))
    return found


def _math_places(tokens: list[Token]):
    """(siblings, index) of each math token, in the order the renderer meets them."""
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tok.children:
            yield from ((tok.children, j) for j, child in enumerate(tok.children)
                        if child.type in _MATH)
        elif tok.type in _MATH:
            yield tokens, i


def render_math(tokens: list[Token], idx: int, env: dict, problem: Problem, line_of) -> str:
    tok = tokens[idx]
    dialect = env["dialect"]
    tex, display = _formula(tokens, idx, dialect)
    first = _tex_line(tok, env, line_of)
    book: MacroBook = env["macro_book"]
    prefix = book.prefix
    try:
        body = book.take(math.prepare(tex, dialect))
        result = env["formulas"].typeset(body, display=display, dialect=dialect, prefix=prefix)
    except (math.TexError, MacroError) as exc:
        line = first + (exc.line or 0 if isinstance(exc, math.TexError) else
                        tex.count("\n", 0, exc.offset))
        hint = "" if isinstance(exc, MacroError) else f"; {_hint(str(exc), env)}"
        env["errors"].append(problem(env, line, f"bad TeX: {exc}{hint}"))
        return '<code class="math-error">' + _escape(tex) + "</code>"
    for warning in result.warnings:
        env["warnings"].append(problem(env, first, f"TeX: {warning}"))
    if _EMPTY in result.mathml:
        return ""  # only definitions (`\newcommand`...): MathJax shows nothing either
    if display:
        tag = "div" if tok.type == "math_block" else "span"
        return f'<{tag} class="math-display">{result.mathml}</{tag}>' + ("\n" if tag == "div" else "")
    if tok.meta.get("nowrap"):
        env["nowrap_open"] = True
        return '<span class="math-nowrap">' + result.mathml
    return result.mathml


def _tex_line(tok: Token, env: dict, line_of) -> int:
    """The body line (0-based) the formula's TeX starts on."""
    line = line_of(tok)
    if tok.type != "math_block":
        return line
    if "tex_line" in tok.meta:
        return tok.meta["tex_line"]
    lines = env["body"].split("\n")
    opening = lines[line].strip() if line < len(lines) else ""
    return line if opening not in ("$$", "") else line + 1  # `$$ x $$` on one line


def _hint(message: str, env: dict) -> str:
    dialect = env["dialect"]
    m = re.search(r"Undefined control sequence: (\\[A-Za-z]+)", message)
    if dialect == "modern" and env.get("evidence"):
        return ("this post's math looks Gatsby-era (it contains "
                f"`{env['evidence'][1]}`); add `math: legacy` to the frontmatter")
    if m:
        return (f"define `{m.group(1)}` with `\\newcommand{{{m.group(1)}}}{{...}}` in this or an "
                "earlier formula of the post, or under `[math.macros]` in site.toml; or check "
                "its spelling (KaTeX 0.16 lists what it supports at katex.org/docs/supported)")
    if "No such environment" in message:
        return "KaTeX 0.16 lacks this environment; use `align*`, `gather*` or `array` instead"
    if "Got function" in message and "with no arguments" in message:
        return "put the command and its arguments in braces, e.g. `x_{\\hat a}`"
    if dialect == "legacy":
        return ("fix the TeX; this post is read as legacy math, where Markdown escapes "
                "apply first (write `\\\\\\\\` for a row break), or set `math: modern`")
    if dialect == "modern" and "\\_" in message:
        return "if `\\_` was a Markdown escape for `_`, set `math: legacy`"
    return "fix the TeX (KaTeX 0.16 syntax, katex.org/docs/supported)"


def render_close(tokens: list[Token], idx: int, env: dict) -> str:
    return "</span>" if env.pop("nowrap_open", False) else ""


def _keep_punctuation(state) -> None:
    """Core rule: an inline formula and the punctuation right after it share a line."""
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children:
            continue
        children = tok.children
        i = 0
        while i < len(children) - 1:
            math_tok, nxt = children[i], children[i + 1]
            m = _TRAIL.match(nxt.content) if nxt.type == "text" else None
            if math_tok.type in ("math_inline", "math_inline_double") and m:
                math_tok.meta["nowrap"] = True
                punct = Token("text", "", 0, content=m.group(0))
                close = Token("math_nowrap_close", "", 0)
                nxt.content = nxt.content[m.end():]
                children[i + 1:i + 1] = [punct, close]
                if not nxt.content:
                    del children[i + 3]
                i += 2
            i += 1


def math_plugin(md: MarkdownIt) -> None:
    """The delimiters of every dialect and the punctuation rule."""
    md.use(mathsyntax.delimiters_plugin)
    md.core.ruler.after("inline", "math_nowrap", _keep_punctuation)
    md.add_render_rule("math_nowrap_close", lambda self, tokens, idx, options, env:
                       render_close(tokens, idx, env))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
