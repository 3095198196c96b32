"""Jekyll's Liquid, converted where a post means something Markdown can say: image and video
includes, `site.baseurl`, `relative_url`, `{% highlight %}`, `{% raw %}`, `post_url`, `link`;
everything else is kept out of the page (in an HTML comment) and reported at its line."""

from __future__ import annotations

import re

from .text import Text, code_ranges

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}[ \t]*\n?", re.S)
_HIGHLIGHT = re.compile(r"\{%-?\s*highlight\s+([\w+#.-]+)([^%]*?)-?%\}[ \t]*\n?(.*?)\n?[ \t]*"
                        r"\{%-?\s*endhighlight\s*-?%\}", re.S)
_KATEX = re.compile(r"\{%-?\s*(katex|math|latex|tex|equation)(\s+display)?\s*-?%\}(.*?)"
                    r"\{%-?\s*end\1\s*-?%\}", re.S)
_KATEXMM = re.compile(r"\{%-?\s*katexmm\s*-?%\}(.*?)\{%-?\s*endkatexmm\s*-?%\}", re.S)
_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_ARG = re.compile(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"']+)""")
_STASH = "\x00raw{}\x00"
IMAGE_KEYS = ("url", "src", "image", "image_path", "img_path", "file", "filename", "path", "img",
               "source", "name", "link")
_ALT_KEYS = ("alt", "description", "caption", "title", "desc", "text")


def convert(text: Text, ctx, outputs: bool = True) -> list[str]:
    """Rewrite the Liquid in `text` (a Jekyll post body) in place. `{% raw %}` content is
    left as placeholders for `restore()`, so no later rewrite touches it. `outputs=False`
    (Pelican's liquid_tags) leaves `{{ }}` alone: only tags were rendered there."""
    stash: list[str] = []
    if ctx.post.meta.get("render_with_liquid") is False:
        return stash

    def keep(m, line):
        stash.append(m.group(1))
        return _STASH.format(len(stash) - 1)

    text.sub(_RAW, keep)
    text.sub(_COMMENT, lambda m, line: "")
    text.sub(_HIGHLIGHT, lambda m, line: fence(m.group(1), m.group(3), ctx, line, m.group(2)))
    # jekyll-katex's tags: a formula, or `katexmm` around prose with `$` math
    text.sub(_KATEX, lambda m, line: (f"\n$$\n{m.group(3).strip()}\n$$\n" if m.group(2)
                                      else f"${m.group(3).strip()}$"))
    text.sub(_KATEXMM, lambda m, line: m.group(1))
    text.sub(_TAG, lambda m, line: _tag(m, ctx, line))
    if outputs:
        text.sub(_OUTPUT, lambda m, line: _value(m.group(1), ctx, line),
                 protect=lambda s: ctx.math_ranges(s))
    # What is left is Liquid nobody can render: out of the page, into the report.
    text.sub(_TAG, lambda m, line: _unknown(m.group(0), ctx, line, "Liquid tag"),
             protect=code_ranges)
    if outputs:
        text.sub(_OUTPUT, lambda m, line: _unknown(m.group(0), ctx, line, "Liquid output"),
                 protect=lambda s: ctx.math_ranges(s) + code_ranges(s))
    return stash


def restore(text: Text, stash: list[str]) -> None:
    if stash:
        text.sub(r"\x00raw(\d+)\x00", lambda m, line: stash[int(m.group(1))])


def fence(lang: str, code: str, ctx, line: int, options: str = "") -> str:
    """Fenced code, with a fence longer than any backtick run inside."""
    if options.strip() and options.strip() != "linenos":
        ctx.warn(line, f"`highlight` options `{options.strip()}` dropped")
    ticks = "`" * max(3, max((len(t) for t in re.findall(r"`+", code)), default=0) + 1)
    return f"{ticks}{lang}\n{code}\n{ticks}\n"


def args(text: str, ctx, line: int) -> dict[str, str]:
    """`key="value"` pairs of an include; values may themselves hold Liquid output."""
    out = {}
    for key, value in _ARG.findall(text):
        if value[:1] in "\"'":
            value = _OUTPUT.sub(lambda m: _value(m.group(1), ctx, line) or "", value[1:-1])
        elif not re.fullmatch(r"[\d.]+(?:px|%|em)?|true|false", value):
            value = _value(value, ctx, line) or ""  # a variable, e.g. `url=page.image`
        out[key.lower()] = value
    return out


def _tag(m: re.Match, ctx, line: int) -> str | None:
    name, rest = m.group(1), m.group(2).strip()
    if name == "include_relative" or name == "include_code":
        return _relative(rest.split()[0] if rest.split() else "", ctx, line)
    if name == "include":
        parts = rest.split(None, 1)
        if not parts:
            return None
        return include(parts[0], args(parts[1] if len(parts) > 1 else "", ctx, line), ctx, line)
    if name == "post_url":
        return f"post:_posts/{rest}"
    if name == "link":
        return f"file:{rest.lstrip('/')}"
    if name in ("gist", "youtube", "vimeo", "tweet"):
        return embed(name, rest.split(), ctx, line)
    if name == "img":
        return _img(rest, ctx, line)
    if name == "video":
        src = rest.split()[0] if rest.split() else ""
        return f'<video controls src="{_html(src)}"></video>' if src else None
    if name in ("endraw", "raw"):
        ctx.warn(line, f"unbalanced `{{% {name} %}}` removed")
        return ""
    return None


def _relative(name: str, ctx, line: int) -> str | None:
    """`{% include_relative code/x.py %}`: the file's text, as the old site inlined it."""
    folder = ctx.site.root / ctx.post.source
    path = (folder.parent / name).resolve()
    code_dir = ctx.site.config.get("CODE_DIR")
    if not path.is_file() and code_dir:  # Pelican's include_code reads from CODE_DIR
        path = (ctx.site.root / ctx.site.config.get("PATH", "content") / code_dir / name).resolve()
    if not path.is_file() or not path.is_relative_to(ctx.site.root.resolve()):
        return None
    try:
        return path.read_text(encoding="utf-8").rstrip("\n")
    except UnicodeDecodeError:
        return None


def include(name: str, values: dict[str, str], ctx, line: int) -> str | None:
    """An include as Markdown: images and videos by their arguments, a table of contents."""
    low = name.lower()
    if "toc" in low:
        ctx.toc = True
        return ""
    if any(w in low for w in ("mathjax", "katex", "math")):
        ctx.warn(line, f"`{{% include {name} %}}` dropped: the build typesets math itself")
        return ""
    src = next((values[k] for k in IMAGE_KEYS if values.get(k)), "")
    if any(w in low for w in ("youtube", "video", "vimeo")) and (values.get("id") or src):
        return embed("vimeo" if "vimeo" in low else "youtube", [values.get("id") or src], ctx, line)
    if src and (any(w in low for w in ("image", "img", "figure", "picture", "photo", "fig"))
                or re.search(r"\.(png|jpe?g|gif|svg|webp|avif)$", src, re.I)):
        alt = next((values[k] for k in _ALT_KEYS if values.get(k)), "")
        caption = values.get("caption") or values.get("description") or ""
        image = f"![{_md_escape(alt)}]({_dest(src)})"
        width = values.get("width") or values.get("size")
        if width:
            image = f'<img src="{src}" alt="{_html(alt)}" width="{_html(width)}">'
        if caption and caption != alt:
            return f"{image}\n*{caption}*"
        return image
    return None


def embed(name: str, words: list[str], ctx, line: int) -> str:
    ident = words[0].strip("\"'") if words else ""
    if name == "youtube":
        ident = re.sub(r"^.*(?:v=|youtu\.be/|embed/)([\w-]+).*$", r"\1", ident)
        return (f'<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/'
                f'{ident}" title="YouTube video" allowfullscreen></iframe>')
    if name == "vimeo":
        return (f'<iframe width="560" height="315" src="https://player.vimeo.com/video/{ident}" '
                f'title="Vimeo video" allowfullscreen></iframe>')
    url = f"https://gist.github.com/{ident}" if name == "gist" else ident
    ctx.warn(line, f"embedded {name} `{ident}` is shown as a link (the build runs no scripts)")
    return f"[{name}: {ident}]({url})"


def _img(rest: str, ctx, line: int) -> str | None:
    """Octopress/Pelican `{% img [class] src [width [height]] ["title" ["alt"]] %}`."""
    quoted = re.findall(r'"([^"]*)"', rest)
    words = re.sub(r'"[^"]*"', "", rest).split()
    src = next((w for w in words if "/" in w or "." in w), "")
    if not src:
        return None
    after = words[words.index(src) + 1:]
    sizes = [w for w in after if re.fullmatch(r"\d+(?:px|%)?", w)]
    title = quoted[0] if quoted else ""
    alt = quoted[1] if len(quoted) > 1 else title
    if sizes:
        extra = f' width="{sizes[0]}"' + (f' height="{sizes[1]}"' if len(sizes) > 1 else "")
        return f'<img src="{_html(src)}" alt="{_html(alt)}"{extra}>'
    return f"![{_md_escape(alt)}]({_dest(src)}" + (f' "{title}"' if title else "") + ")"


def _value(expr: str, ctx, line: int) -> str | None:
    """A Liquid expression with filters, or None when it names something unknown."""
    parts = [p.strip() for p in re.split(r"\|(?=(?:[^\"']|\"[^\"]*\"|'[^']*')*$)", expr)]
    base, filters = parts[0], parts[1:]
    if re.fullmatch(r"\"[^\"]*\"|'[^']*'", base):
        value = base[1:-1]
    else:
        value = ctx.variable(base)
        if value is None:
            return None
    for f in filters:
        name, _, arg = f.partition(":")
        name, arg = name.strip(), arg.strip().strip("\"'")
        if name in ("relative_url", "absolute_url"):
            value = value if re.match(r"^[a-z]+:|^/", value) else "/" + value
        elif name == "prepend":
            value = (ctx.variable(arg) or "" if "." in arg and not arg.startswith(".") else arg) + value
        elif name == "append":
            value += arg
        elif name in ("escape", "xml_escape", "strip", "uri_escape", "url_encode", "markdownify",
                      "strip_html", "smartify", "escape_once", "default", "downcase", "upcase"):
            value = value.lower() if name == "downcase" else value.upper() if name == "upcase" else value
        elif name == "date" or name.startswith("date_to"):
            value = ctx.date_text(arg)
        else:
            ctx.warn(line, f"Liquid filter `{name}` ignored in `{{{{ {expr.strip()} }}}}`")
    return value


def _unknown(source: str, ctx, line: int, what: str) -> str:
    shown = " ".join(source.split())
    ctx.warn(line, f"{what} `{shown}` cannot be converted; it is kept in an HTML comment "
                   "(not shown): rewrite it in Markdown")
    return "<!-- not converted: " + shown.replace("--", "- -") + " -->"


def _dest(src: str) -> str:
    return f"<{src}>" if re.search(r"[\s()]", src) else src


def _md_escape(text: str) -> str:
    return re.sub(r"([\[\]])", r"\\\1", text)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
