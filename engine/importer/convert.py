"""One old post -> the new post's Markdown: the source format's templates (Liquid, shortcodes,
MDX, Pelican), kramdown's extensions, math delimiters, then links and files."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

from ..math import legacy_evidence
from . import kramdown, leftovers, links, liquid, mathconv, mdx, pelicanbody, shortcodes, texcheck
from .model import OldPost, OldSite
from .report import ImportReport
from .text import Text, code_ranges


class Ctx:
    """What converting one post needs and collects: its warnings, files, `toc`."""

    def __init__(self, post: OldPost, site: OldSite, index: links.Index, new_url: str,
                 report: ImportReport):
        self.post, self.site, self.index, self.new_url = post, site, index, new_url
        self.report = report
        self.toc = False
        self.dialect = "modern"
        self.files: dict[str, Path] = {}   # name in the new bundle -> old file
        self._names: dict[Path, str] = {}

    def warn(self, line: int, message: str) -> None:
        self.report.warn(message, self.post.source, line)

    def math_ranges(self, text: str):
        return mathconv.math_ranges(text)

    def relative(self, url: str, line: int = 0) -> str:
        """A link from this post's page to the site-relative `url` (which ends with `/`)."""
        if url in self.index.drafts and not self.post.draft:
            self.warn(line, f"links to a draft (`/{url}`): the build reports a missing page "
                            "until that post is published or built with --drafts")
        rel = posixpath.relpath("/" + url.strip("/"), "/" + self.new_url.strip("/"))
        return "./" if rel == "." else rel + ("/" if url.endswith("/") else "")

    def copy(self, path: Path) -> str:
        """The name `path` gets beside the new post (the same file always gets one name)."""
        path = path.resolve()
        if path in self._names:
            return self._names[path]
        folder = self.post.folder
        if folder is not None and path.is_relative_to(folder.resolve()):
            name = path.relative_to(folder.resolve()).as_posix()
        else:
            name = path.name
        if name.lower() == "index.md" or (name in self.files and self.files[name] != path):
            digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
            stem, dot, ext = name.rpartition(".")
            name = f"{stem}-{digest}.{ext}" if dot else f"{name}-{digest}"
        self.files[name] = path
        self._names[path] = name
        return name

    def variable(self, name: str) -> str | None:
        """A Liquid/Hugo variable the old site would have filled in, or None."""
        name = name.strip()
        if name in ("site.baseurl", "site.url", "site.github.url", "site.base_url",
                    "site.BaseURL", ".Site.BaseURL", "site.github.baseurl"):
            return ""
        if name in ("page.title", ".Title"):
            return str(self.post.meta.get("title", ""))
        if name in ("page.url", ".Permalink", ".RelPermalink"):
            return "/" + self.new_url
        if name in ("page.date", ".Date"):
            return self.date_text("")
        for scope, data in (("page.", self.post.meta), ("site.params.", self.site.config.get("params") or {}),
                            ("site.", self.site.config)):
            if name.startswith(scope):
                value = data
                for key in name[len(scope):].split("."):
                    value = value.get(key) if isinstance(value, dict) else None
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    return str(value)
        return None

    def date_text(self, fmt: str) -> str:
        date = self.post.date
        if date is None:
            return ""
        return date.strftime(fmt.replace("%-", "%")) if "%" in fmt else date.strftime("%d %B %Y")


def body(post: OldPost, site: OldSite, ctx: Ctx) -> str:
    """The converted Markdown of `post`."""
    text = Text(post.body.replace("\r\n", "\n"), post.body_line)
    raw: list[str] = []
    if site.kind == "jekyll":
        raw = liquid.convert(text, ctx)
    elif site.kind == "hugo":
        shortcodes.convert(text, ctx)
    elif site.kind == "gatsby":
        mdx.convert(text, ctx)
    elif site.kind == "pelican":
        raw = liquid.convert(text, ctx, outputs=False)  # the liquid_tags plugin
        pelicanbody.convert(text, ctx)
    if site.kramdown:
        kramdown.convert(text, ctx)
    elif site.kind == "hugo":
        kramdown.goldmark(text, ctx)
    text.sub(_FENCE_INFO, lambda m, line: m.group(1) + m.group(2))
    mathconv.convert(text, ctx, inline_double=site.kramdown or site.kind == "gatsby")
    texcheck.adapt(text, ctx)
    links.rewrite(text, ctx)
    ctx.dialect = math_dialect(text.text, site)
    texcheck.check(text, ctx, ctx.dialect)
    _leftovers(text, ctx)
    _html_math(text, ctx)
    # blank lines and a single space that rewrites left at a paragraph's edge mean nothing
    # (in prose; code keeps its own)
    text.sub(r"\n{3,}", lambda m, line: "\n\n", protect=code_ranges)
    text.sub(r"(?<=\S) \n\n(?! )", lambda m, line: "\n\n", protect=code_ranges)
    text.sub(r"\n\n (?=\S)", lambda m, line: "\n\n", protect=code_ranges)
    liquid.restore(text, raw)
    return text.text.strip("\n") + "\n"


# Prism and Hugo options after a fence's language (`js{1,3-5}`, `js:title=a.js`,
# `go {linenos=true}`) are not a language: the language is kept, the options go.
_FENCE_INFO = re.compile(r"^([ \t]*(?:```+|~~~+)[ \t]*)([\w+#.-]+)(?:\{[^}\n]*\}|:title=\S*|[ \t]+\{[^}\n]*\})"
                         r"(?=[ \t]*$)", re.M)
_HTML_MATH = re.compile(r"\$\$|\\\(|\\\[|(?<![\\$])\$(?=\S)[^$\n]*\S\$")


def _html_math(text: Text, ctx: Ctx) -> None:
    """Formulas inside raw HTML blocks: MathJax typeset them on the old page, but Markdown
    does not look inside HTML, so they would show as TeX. Located, not guessed at."""
    from markdown_it import MarkdownIt

    lines = text.text.split("\n")
    starts = [0]
    for l in lines:
        starts.append(starts[-1] + len(l) + 1)
    for tok in MarkdownIt("commonmark").parse(text.text):
        if tok.type == "html_block" and tok.map and _HTML_MATH.search(tok.content):
            offset = _HTML_MATH.search(tok.content).start()
            line0 = tok.map[0] + tok.content.count("\n", 0, offset)
            ctx.warn(text.line_at(starts[line0]), "a formula inside raw HTML is not typeset "
                     "(Markdown does not look inside HTML blocks): take it out of the HTML or "
                     "leave a blank line around it")


def _leftovers(text: Text, ctx: Ctx) -> None:
    """Template syntax still in the prose (from a construct we did not expect): reported."""
    for line0, construct in leftovers.scan(text.text, outputs=ctx.site.kind == "jekyll"):
        offset = sum(len(l) + 1 for l in text.text.split("\n")[:line0])
        ctx.warn(text.line_at(offset), f"`{construct}` is left as text: the old site's "
                                       "template syntax; rewrite it in Markdown")


def math_dialect(markdown: str, site: OldSite) -> str:
    """`legacy` when the old pipeline ran Markdown over the math and the post relies on it
    (`\\\\\\\\` row breaks, `\\*`), else `modern` (TeX as written)."""
    if site.math_verbatim:
        return "modern"
    for a, b in mathconv.math_ranges(markdown):
        tex = markdown[a:b]
        # `\_` outside \text{} is the other sign of TeX written through Markdown
        if legacy_evidence(tex) or texcheck.unescape_outside_text(tex) != tex.replace("\\*", "*"):
            return "legacy"
    return "modern"
