"""kramdown extensions: `{:toc}`, attribute lists (`{: .class}`, `{:width="50%"}`), heading ids
`{#id}`, `{::comment}`, `{::nomarkdown}`, abbreviations. Attributes go where HTML can carry
them (an image's width, height, style); the rest are dropped and noted."""

from __future__ import annotations

import re

from .text import Text, code_ranges

# `* TOC` + `{:toc}`, with the attribute list themes put before it (`{: class="toc"}`)
_TOC = re.compile(r"^(?:[ \t]*\{:[^}\n]*\}[ \t]*\n)?(?:[ \t]*(?:[*+-]|1\.)[ \t]+.*\n)?"
                  r"[ \t]*\{:\s*(?:\.no_toc\s*)?toc\s*\}[ \t]*(?:\n|\Z)", re.M)
_NO_TOC = re.compile(r"^\{:\s*\.no_toc\s*\}[ \t]*\n", re.M)
_COMMENT = re.compile(r"\{::comment\}.*?\{:/(?:comment)?\}", re.S)
_NOMARKDOWN = re.compile(r"\{::nomarkdown\}(.*?)\{:/(?:nomarkdown)?\}", re.S)
_OPTIONS = re.compile(r"^\{::options\b[^}]*/\}[ \t]*\n?", re.M)
_IMAGE_IAL = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"([^\"]*)\")?\s*\)\{:?\s*([^}]*)\}")
_IAL = re.compile(r"\{:(?!:)\s*([^}\n]*)\}|\{:\s*\}")
_ALD = re.compile(r"^\{:([\w-]+):\s*[^}]*\}[ \t]*\n?", re.M)
_HEADING_ID = re.compile(r"^(#{1,6}[ \t].*?)[ \t]+\{#([\w:.-]+)\}[ \t]*$", re.M)
_ABBR = re.compile(r"^\*\[[^\]]+\]:.*\n?", re.M)
_PAIR = re.compile(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*'|\S+)""")


_MARKDOWN_ATTR = re.compile(r"^([ \t]*<([a-zA-Z][\w-]*)\b[^>\n]*?)\s+markdown=[\"']?(?:1|block|span)[\"']?"
                            r"([^>\n]*>)[ \t]*\n?", re.M)
# Goldmark's attribute syntax (Hugo): `## Heading {#id .class}`, `{.class}` alone on a line
_GOLDMARK_HEADING = re.compile(r"^(#{1,6}[ \t].*?)[ \t]+(\{[#.][^}\n]*\})[ \t]*$", re.M)
_GOLDMARK_BLOCK = re.compile(r"^\{[#.][\w-][^}\n]*\}[ \t]*\n?", re.M)


def goldmark(text: Text, ctx) -> None:
    """Hugo's Goldmark attributes: dropped (the build makes its own ids), each noted."""
    def heading(m, line):
        ctx.warn(line, f"heading attributes `{m.group(2)}` dropped: the build makes ids from "
                       "the heading's text; links to a custom id may need updating")
        return m.group(1)

    text.sub(_GOLDMARK_HEADING, heading, protect=code_ranges)
    text.sub(_GOLDMARK_BLOCK, lambda m, line: _noted(ctx, line, f"attribute list `{m.group(0).strip()}`")
             .replace("\x01", ""), protect=code_ranges)


def html_blocks(text: Text, ctx) -> None:
    """`<div markdown="1">`: kramdown read Markdown inside; CommonMark does when blank lines
    separate it from the tags, so the attribute goes and the blank lines come."""
    def opening(m, line):
        tag = m.group(2)
        rest = m.string[m.end():]
        close = re.search(rf"^[ \t]*</{tag}>", rest, re.M)
        if close is None:
            return None
        return m.group(1) + m.group(3) + "\n\n"

    text.sub(_MARKDOWN_ATTR, opening, protect=code_ranges)
    text.sub(r"(?<=\S)\n([ \t]*</(?:div|section|article|aside|details|figure|span|p|td|li)>)",
             lambda m, line: "\n\n" + m.group(1) if _after_markdown_block(m) else None,
             protect=code_ranges)


def _after_markdown_block(m: re.Match) -> bool:
    # only closing tags of blocks whose opening lost `markdown="1"` (followed by a blank line)
    tag = re.search(r"</(\w+)>", m.group(1)).group(1)
    before = m.string[:m.start()]
    opened = [o for o in re.finditer(rf"<{tag}\b[^>\n]*>\n\n", before)]
    return bool(opened) and before.rfind(f"</{tag}>") < opened[-1].start()


def convert(text: Text, ctx) -> None:
    html_blocks(text, ctx)

    def toc(m, line):
        ctx.toc = True
        return ""

    text.sub(_TOC, toc, protect=code_ranges)
    text.sub(_NO_TOC, lambda m, line: "", protect=code_ranges)
    text.sub(_COMMENT, lambda m, line: "", protect=code_ranges)
    text.sub(_NOMARKDOWN, lambda m, line: m.group(1).strip("\n"), protect=code_ranges)
    text.sub(_OPTIONS, lambda m, line: "", protect=code_ranges)
    text.sub(_ALD, lambda m, line: _noted(ctx, line, f"attribute definition `{m.group(0).strip()}`"),
             protect=code_ranges)
    text.sub(_IMAGE_IAL, lambda m, line: _image(m, ctx, line), protect=code_ranges)
    text.sub(_HEADING_ID, lambda m, line: _heading(m, ctx, line), protect=code_ranges)
    dropped: list[tuple[int, str]] = []

    def ial(m, line):
        dropped.append((line, m.group(0)))
        return "\x01"

    text.sub(_IAL, ial,
             protect=lambda s: code_ranges(s) + ctx.math_ranges(s))
    text.sub(_ABBR, lambda m, line: _noted(ctx, line, f"abbreviation `{m.group(0).strip()}`"),
             protect=code_ranges)
    # an attribute list alone on its line leaves an empty line inside a block: close it up
    text.sub(r"(?<=\S)\n[ \t]*\x01\n", lambda m, line: "\n", protect=code_ranges)
    text.sub(r"\x01", lambda m, line: "")
    if dropped:  # one line per post: themes put a class on every figure
        (line, first), rest = dropped[0], dropped[1:]
        lines = ", ".join(str(l) for l, _ in rest)
        more = f" (and {len(rest)} more, at line{'s' if len(rest) > 1 else ''} {lines})" if rest else ""
        ctx.warn(line, f"kramdown attribute list `{first}` dropped: Markdown here cannot carry "
                       f"classes or styles{more}")


def _noted(ctx, line: int, what: str) -> str:
    ctx.warn(line, f"kramdown {what} dropped: Markdown here cannot carry it")
    return "\x01"


def _image(m: re.Match, ctx, line: int) -> str:
    alt, src, title, ial = m.groups()
    attrs = dict((k.lower(), v.strip("\"'")) for k, v in _PAIR.findall(ial))
    kept = {k: v for k, v in attrs.items() if k in ("width", "height", "style", "align", "loading")}
    if set(attrs) - set(kept) or re.search(r"[.#]\w", re.sub(_PAIR, "", ial)):
        ctx.warn(line, f"kramdown attributes `{{:{ial}}}` on an image: only "
                       f"{', '.join(sorted(kept)) or 'none'} kept")
    if not kept:
        return f"![{alt}]({src}" + (f' "{title}"' if title else "") + ")"
    extra = "".join(f' {k}="{_html(v)}"' for k, v in sorted(kept.items()))
    title_attr = f' title="{_html(title)}"' if title else ""
    return f'<img src="{_html(src)}" alt="{_html(alt)}"{title_attr}{extra}>'


def _heading(m: re.Match, ctx, line: int) -> str:
    ctx.warn(line, f"heading id `{{#{m.group(2)}}}` dropped: the build makes ids from the "
                   "heading's text; links to `#" + m.group(2) + "` may need updating")
    return m.group(1)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
