"""Markdown -> HTML: one explicit chain of markdown-it plugins, rendered per post.

`render(post, dialect_default, formulas)` returns a `Rendered` value and never raises for a
problem in the post: TeX errors, unknown code languages and the like are collected with their
file line so one build can report all of them.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import codeblocks, mathrender, summary
from .content import Post
from .formulas import MEMO, FormulaStore
from .plugin_host import PluginSet, register_all
from .services import problem
from .rendered import Ref, Rendered, local
from .slug import slug

MAX_NESTING = 50  # block quotes and lists deeper than this are cut by markdown-it: reported
# characters of Markdown rendered as one group at most: a post's tokens take about ten times
# its text in memory, and a group's are all held until it renders
GROUP_TEXT = 1 << 20
_HTML_REF = re.compile(r"""\b(?:src|href|poster)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


@functools.cache
def parser(plugins: PluginSet = PluginSet()) -> MarkdownIt:
    """The markdown-it chain, then the site's plugins in `site.toml` order."""
    md = (
        MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(dollarmath_plugin, allow_labels=False, allow_digits=False, double_inline=True)
        .use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#",
             permalinkBefore=True, permalinkSpace=False,
             slug_func=lambda text: slug(text, "section"))
        .use(mathrender.math_plugin)
    )
    md.core.ruler.after("block", "nesting_guard", _nesting_guard)
    md.add_render_rule("math_inline", _render_math)
    md.add_render_rule("math_inline_double", _render_math)
    md.add_render_rule("math_block", _render_math)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("table_open", lambda *a: '<div class="table-wrap"><table>\n')
    md.add_render_rule("table_close", lambda *a: "</table></div>\n")
    register_all(md, plugins)
    return md


def render(post: Post, site_dialect: str, formulas: FormulaStore,
           plugins: PluginSet = PluginSet(), site_macros=None) -> Rendered:
    """Render `post.body`. Errors and warnings carry the line in `post.source`."""
    return render_many([post], site_dialect, formulas, plugins, site_macros)[0]


def render_many(posts: list[Post], site_dialect: str, formulas: FormulaStore,
                plugins: PluginSet = PluginSet(), site_macros=None) -> list[Rendered]:
    """`render` for each post. Their formulas go to KaTeX in one call: a call costs about as
    much as typesetting ten small formulas, and a post has a handful that are new."""
    md = parser(plugins)
    done: list[Rendered] = []
    group: list[tuple[list[Token], dict]] = []
    wanted: list = []

    def flush() -> None:  # right after their prefetch: it remembers the refusals of its own
        formulas.prefetch(wanted)
        done.extend(_finish(md, tokens, env) for tokens, env in group)
        group.clear()
        wanted.clear()

    for post in posts:
        # the group's tokens are all held until it renders
        if group and sum(len(env["body"]) for _, env in group) + len(post.body) > GROUP_TEXT:
            flush()
        tokens, env = _parse(md, post, site_dialect, formulas, site_macros)
        more = mathrender.wanted(tokens, env)
        if group and len(wanted) + len(more) > MEMO // 2:  # all stay memoised
            flush()
        group.append((tokens, env))
        wanted.extend(more)
    flush()
    return done


def _parse(md: MarkdownIt, post: Post, site_dialect: str, formulas: FormulaStore,
           site_macros) -> tuple[list[Token], dict]:
    env: dict = {"source": post.source, "line0": post.body_line - 1, "body": post.body,
                 "errors": [], "warnings": [], "assets": {}, "formulas": formulas,
                 "refs": [], "computed": formulas.computed, "computed_new": {}}
    mathrender.begin(post.math_dialect, site_dialect, post.body, env,
                     {**dict(site_macros or {}), **dict(getattr(post, "math_macros", None) or {})})
    tokens = md.parse(post.body, env)
    if mathrender.settle(tokens, env):  # `auto` chose a dialect with other delimiters
        tokens = md.parse(post.body, env)
    _locate_inline(tokens)
    mathrender.check_text(tokens, env, problem, _line)
    _collect_refs(tokens, env)
    return tokens, env


def _finish(md: MarkdownIt, tokens: list[Token], env: dict) -> Rendered:
    # the post's code blocks that the build cache (the formulas' one) holds, in one query
    env["code"] = codeblocks.Blocks(env["formulas"].cache, [
        (t.info.strip(), t.content) for t in tokens if t.type == "fence"])
    html = md.renderer.render(tokens, md.options, env)
    text = _plain_text(tokens)
    return Rendered(html=html, dialect=env["dialect"], errors=env["errors"],
                    warnings=env["warnings"], refs=env["refs"], assets=env["assets"],
                    summary=summary.first_paragraph(tokens), words=len(text.split()),
                    computed=env["computed_new"], code=env["code"].new)


def _nesting_guard(state) -> None:
    """markdown-it drops what lies deeper than `maxNesting`; never silently."""
    for tok in state.tokens:
        if tok.nesting == 1 and tok.level >= MAX_NESTING - 1 and "errors" in state.env:
            state.env["errors"].append(problem(
                state.env, tok.map[0] if tok.map else 0,
                f"block quotes or lists nested more than {MAX_NESTING} levels deep; what lies "
                "deeper would be lost: flatten the nesting"))
            return


def _walk(tokens: list[Token]):
    for tok in tokens:
        yield tok
        if tok.children:
            yield from tok.children


def _locate_inline(tokens: list[Token]) -> None:
    """Give inline children a body line: markdown-it maps only block tokens."""
    line = 0
    for tok in tokens:
        if tok.map:
            line = tok.map[0]
        if tok.type != "inline" or not tok.children:
            continue
        content, cursor, counted, newlines = tok.content, 0, 0, 0
        for child in tok.children:
            # a bounded window: text that differs from its source (escapes) must not make the
            # search scan the rest of a long paragraph for every child
            end = cursor + len(child.content) + 4096
            found = content.find(child.content, cursor, end) if child.content else -1
            if found >= 0:
                cursor = found
            # count only the newlines since the last child: linear in the paragraph's length
            newlines += content.count("\n", counted, cursor)
            counted = cursor
            child.meta["line"] = line + newlines


def _line(tok: Token) -> int:
    if tok.map:
        return tok.map[0]
    return tok.meta.get("line", 0) if tok.meta else 0


def _render_math(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return mathrender.render_math(tokens, idx, env, problem, _line)


def _render_fence(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    tok = tokens[idx]
    blocks = env.get("code")  # none when a plugin renders Markdown with an env of its own
    html, problems = (blocks.fence if blocks else codeblocks.fence)(tok.info.strip(), tok.content)
    env["warnings"].extend(problem(env, _line(tok), message) for message in problems)
    return html


def _collect_refs(tokens: list[Token], env: dict) -> None:
    found = []
    for tok in _walk(tokens):
        if tok.type == "link_open":
            found.append(Ref(str(tok.attrGet("href") or ""), _line(tok), True))
        elif tok.type == "image":
            found.append(Ref(str(tok.attrGet("src") or ""), _line(tok), True))
        elif tok.type in ("html_block", "html_inline"):
            for m in _HTML_REF.finditer(tok.content):
                line = _line(tok) + tok.content.count("\n", 0, m.start())
                found.append(Ref(m.group(1) if m.group(1) is not None else m.group(2), line, False))
    env["refs"].extend(ref for ref in found if local(ref.target))


def _plain_text(tokens: list[Token]) -> str:
    return " ".join(t.content for t in _walk(tokens) if t.type in ("text", "code_inline"))
