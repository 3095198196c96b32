"""Hugo shortcodes: `figure`, `highlight`, `youtube`, `vimeo`, `ref`/`relref`, `toc`, math
(`katex`, `math`), `details` and notice boxes converted; anything else is kept out of the page
(its inner Markdown stays) and reported at its line."""

from __future__ import annotations

import re
import shlex

from . import liquid
from .text import Text

_ESCAPED = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
_PAIRED = re.compile(r"\{\{([<%])-?\s*([\w./-]+)((?:[^>%}]|\"[^\"]*\")*?)\s*-?[>%]\}\}(.*?)"
                     r"\{\{[<%]-?\s*/\s*\2\s*-?[>%]\}\}", re.S)
_SINGLE = re.compile(r"\{\{([<%])-?\s*([\w./-]+)((?:[^>%}]|\"[^\"]*\")*?)\s*/?\s*-?[>%]\}\}", re.S)
_NOTICES = ("notice", "hint", "admonition", "alert", "callout", "note", "warning", "tip",
            "info", "caution", "important", "danger", "aside")
_MATH = ("katex", "math", "mathjax", "latex", "tex")


def convert(text: Text, ctx) -> None:
    stash: list[str] = []

    def keep(m, line):
        stash.append("{{" + m.group(1) + m.group(2) + m.group(3) + "}}")
        return f"\x00sc{len(stash) - 1}\x00"

    text.sub(_ESCAPED, keep)
    text.sub(_PAIRED, lambda m, line: _paired(m, ctx, line))
    text.sub(_SINGLE, lambda m, line: _single(m, ctx, line))
    text.sub(r"\x00sc(\d+)\x00", lambda m, line: stash[int(m.group(1))])


def params(raw: str) -> tuple[list[str], dict[str, str]]:
    """Positional and named shortcode parameters (`a "b c" key="v"`)."""
    try:
        words = shlex.split(raw.replace("`", '"'))
    except ValueError:
        words = raw.split()
    positional, named = [], {}
    for word in words:
        key, eq, value = word.partition("=")
        if eq and re.fullmatch(r"[\w-]+", key):
            named[key.lower()] = value
        else:
            positional.append(word)
    return positional, named


def _paired(m: re.Match, ctx, line: int) -> str | None:
    name, inner = m.group(2).lower(), m.group(4)
    pos, named = params(m.group(3))
    if name == "highlight":
        return liquid.fence(pos[0] if pos else named.get("lang", ""), inner.strip("\n"), ctx, line)
    if name in _MATH:
        tex = inner.strip()
        display = "display" in pos or named.get("display") in ("true", "block") or "\n" in tex \
            or m.group(0).startswith("{{<") and _alone(m)
        return f"\n$$\n{tex}\n$$\n" if display else f"${tex}$"
    if name in ("rawhtml", "raw", "html", "unsafe", "safehtml", "noop", "markdown", "md"):
        return inner.strip("\n")  # the inner HTML or Markdown is what the page showed
    if name == "details":
        summary = named.get("summary") or (pos[0] if pos else "Details")
        return f"<details>\n<summary>{summary}</summary>\n\n{inner.strip()}\n\n</details>"
    if name in _NOTICES:
        label = (pos[0] if pos else name).capitalize()
        title = named.get("title")
        head = f"**{title or label}:** " if (title or label) else ""
        body = (head + inner.strip()).splitlines()
        return "\n".join("> " + l if l.strip() else ">" for l in body)
    if name in ("figure", "youtube", "vimeo", "toc", "ref", "relref", "gist", "tweet"):
        return (_single(m, ctx, line) or "") + inner
    ctx.warn(line, f"shortcode `{name}` cannot be converted; its content is kept, the "
                   "shortcode itself is dropped")
    return inner.strip("\n")


def _alone(m: re.Match) -> bool:
    s = m.string
    before = s[:m.start()].rsplit("\n", 1)[-1]
    after = s[m.end():].split("\n", 1)[0]
    return not before.strip() and not after.strip()


def _single(m: re.Match, ctx, line: int) -> str | None:
    name = m.group(2).lower()
    pos, named = params(m.group(3))
    if name.startswith("/"):
        ctx.warn(line, f"closing shortcode `{name}` without its opening one removed")
        return ""
    if name == "toc":
        ctx.toc = True
        return ""
    if name in ("ref", "relref"):
        target = pos[0] if pos else named.get("path", "")
        path, _, frag = target.partition("#")
        return f"post:{path}" + (f"#{frag}" if frag else "")
    if name == "figure":
        values = {"src": named.get("src", ""), "alt": named.get("alt") or named.get("title", ""),
                  "caption": named.get("caption") or named.get("title", ""),
                  "width": named.get("width", "")}
        if named.get("link") and not values["src"]:
            values["src"] = named["link"]
        return liquid.include("figure", values, ctx, line) or ""
    if name == "video" and named.get("type") in ("youtube", "vimeo") and named.get("id"):
        return liquid.embed(named["type"], [named["id"]], ctx, line)
    if name in ("youtube", "vimeo", "gist", "tweet", "x", "instagram"):
        ident = named.get("id") or (" ".join(pos) if name == "gist" else pos[0] if pos else "")
        if name == "gist":
            ident = "/".join(pos[:2]) if len(pos) >= 2 else ident
        return liquid.embed(name if name in ("youtube", "vimeo", "gist") else "tweet",
                            [ident], ctx, line)
    if name == "param":
        value = ctx.variable("site.params." + (pos[0] if pos else ""))
        if value is not None:
            return value
    if name in _MATH:
        return None
    source = next((v for k, v in named.items() if k in liquid.IMAGE_KEYS), "")
    if re.search(r"\.(png|jpe?g|gif|svg|webp|avif)$", source, re.I):
        # a theme's own image shortcode: what it shows is the image
        ctx.warn(line, f"shortcode `{name}` shown as a plain image")
        return liquid.include("figure", {"src": source, "alt": named.get("alt") or
                                         named.get("title", ""), "caption": named.get("caption", ""),
                                         "width": named.get("width", "")}, ctx, line) or ""
    shown = " ".join(m.group(0).split())
    ctx.warn(line, f"shortcode `{shown}` cannot be converted; it is kept in an HTML comment "
                   "(not shown): rewrite it in Markdown")
    return "<!-- not converted: " + shown.replace("--", "- -") + " -->"
