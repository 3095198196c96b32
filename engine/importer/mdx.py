"""Gatsby posts: MDX `import`/`export` lines and comments removed; JSX components, which only
the old site's React code could draw, kept out of the page and reported."""

from __future__ import annotations

import re

from .text import Text, code_ranges

_IMPORT = re.compile(r"^import\s+(?:[^;'\"]*?\s+from\s+)?['\"][^'\"]+['\"];?[ \t]*\n?", re.M | re.S)
_EXPORT = re.compile(r"^export\s+(?:const|let|var|default|function)\b[^\n]*(?:\n(?!\n)[^\n]*)*\n?",
                     re.M)
_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.S)
_PAIRED = re.compile(r"<([A-Z][\w.]*)\b[^<>]*(?<!/)>(.*?)</\1\s*>", re.S)
_SELF = re.compile(r"<([A-Z][\w.]*)\b(?:[^<>]|\{[^{}]*\})*/>", re.S)


def convert(text: Text, ctx) -> None:
    if not ctx.post.mdx:
        return
    text.sub(_IMPORT, lambda m, line: _drop(ctx, line, "MDX `import` removed: "
                                            + m.group(0).split("\n")[0].strip()), protect=code_ranges)
    text.sub(_EXPORT, lambda m, line: _drop(ctx, line, "MDX `export` removed: "
                                            + m.group(0).split("\n")[0].strip()), protect=code_ranges)
    text.sub(_COMMENT, lambda m, line: "", protect=code_ranges)
    text.sub(_PAIRED, lambda m, line: _component(m, ctx, line, m.group(2)), protect=code_ranges)
    text.sub(_SELF, lambda m, line: _component(m, ctx, line, None), protect=code_ranges)


def _drop(ctx, line: int, message: str) -> str:
    ctx.warn(line, message)
    return ""


def _component(m: re.Match, ctx, line: int, inner: str | None) -> str:
    name = m.group(1)
    shown = " ".join(m.group(0).split("\n")[0].split())
    if inner is not None:
        ctx.warn(line, f"JSX component `<{name}>` cannot be converted; its content is kept, the "
                       "component dropped")
        return inner.strip("\n")
    ctx.warn(line, f"JSX component `{shown}` cannot be converted; it is kept in an HTML "
                   "comment (not shown)")
    return "<!-- not converted: " + shown.replace("--", "- -") + " -->"
