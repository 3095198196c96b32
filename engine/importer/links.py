"""Links and images: files the post uses are found in the old blog (its bundle, `assets/`,
`images/`, `static/`...) and copied beside the new post; links to the blog's own posts point
to their new URLs; what cannot be found is reported."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..pages import tag_url
from .model import files
from .text import Text, code_ranges
from .urls import normalize

_MD = re.compile(r"(\]\(\s*)(<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)((?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\))")
_REFDEF = re.compile(r"^([ \t]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)", re.M)
_HTML = re.compile(r"""(\b(?:src|href|poster|data-src)\s*=\s*)("[^"]*"|'[^']*')""", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_MARKER = re.compile(r"^(post|file|tag):(.*)$")


class Index:
    """The old blog's posts by old address and by source file, with their new URLs."""

    def __init__(self):
        self.by_url: dict[str, str] = {}
        self.by_source: dict[str, str] = {}   # normalised source path -> new URL
        self.drafts: set[str] = set()

    def add(self, old_urls: list[str], source: str, new_url: str, draft: bool = False) -> None:
        if draft:
            self.drafts.add(new_url)
        for url in old_urls:
            self.by_url.setdefault(normalize(url), new_url)
        self.by_source.setdefault(_source_key(source), new_url)

    def source(self, path: str, loose: bool = False) -> str | None:
        """The new URL of the post whose file `path` names: a path from the blog's root or
        its content folder, with or without extension (`hello`, `posts/other.md`,
        `_posts/2018-03-04-second`)."""
        key = _source_key(path)
        if not key:
            return None
        if key in self.by_source:
            return self.by_source[key]
        if not loose:
            return None
        for known in sorted(self.by_source):
            if known.endswith("/" + key):
                return self.by_source[known]
        return None


def _source_key(path: str) -> str:
    path = unquote(path).strip().strip("/").lower()
    path = re.sub(r"\.(md|markdown|mkd|mkdn|mdown|mdx|html?)$", "", path)
    return re.sub(r"(^|/)_?index$", "", path)


def rewrite(text: Text, ctx) -> None:
    def hidden(s: str):  # code, and HTML comments nobody sees
        return code_ranges(s) + [(m.start(), m.end()) for m in re.finditer(r"<!--.*?-->", s, re.S)]

    text.sub(_MD, lambda m, line: _swap(m, ctx, line, True), protect=hidden)
    text.sub(_REFDEF, lambda m, line: _swap(m, ctx, line, True, group=2), protect=hidden)
    text.sub(_HTML, lambda m, line: _swap(m, ctx, line, False), protect=hidden)


def _swap(m: re.Match, ctx, line: int, markdown: bool, group: int = 2) -> str | None:
    raw = m.group(group)
    quote = raw[0] if raw[:1] in "\"'" else ""
    angle = raw.startswith("<") and markdown
    target = raw[1:-1] if quote or angle else raw
    new = resolve(target, ctx, line)
    if new is None or new == target:
        return None
    if markdown and re.search(r"[\s()<>]", new):
        new = "<" + new + ">"
    elif quote:
        new = quote + new + quote
    return m.group(0)[:m.start(group) - m.start()] + new + m.group(0)[m.end(group) - m.start():]


def resolve(target: str, ctx, line: int) -> str | None:
    """The new target of a link in the post, or None to keep it."""
    target = target.strip()
    marker = _MARKER.match(target)
    if marker:
        return _marker(marker.group(1), marker.group(2), ctx, line)
    if not target or target.startswith(("#", "mailto:", "data:", "javascript:", "tel:")):
        return None
    on_site = _on_old_site(target, ctx.site.site_url)
    if on_site is not None:
        target = ctx.site.base_path.rstrip("/") + on_site
    if _SCHEME.match(target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    path, suffix = unquote(parts.path), ("?" + parts.query if parts.query else "") + \
        ("#" + parts.fragment if parts.fragment else "")
    if not path:
        return None
    # 1. a file of the post's own folder (a page bundle, or beside the Markdown file)
    here = posixpath.dirname(ctx.post.source)
    if not path.startswith("/"):
        local = posixpath.normpath(posixpath.join(here, path))
        found = _file(ctx, local)
        if found:
            return ctx.copy(found) + suffix
        post = ctx.index.source(local)
        if post is not None:
            return ctx.relative(post, line) + suffix
    # 2. an address on the old site, relative to the post's old URL or site-absolute
    site_path = path if path.startswith("/") else posixpath.join(
        "/" + posixpath.dirname(ctx.post.url.strip("/")) if not ctx.post.url.endswith("/")
        else "/" + ctx.post.url.strip("/"), path)
    site_path = posixpath.normpath(site_path)
    base = ctx.site.base_path.rstrip("/")
    if base and path.startswith("/") and site_path.startswith(base + "/"):
        site_path = site_path[len(base):]
    post = ctx.index.by_url.get(normalize(site_path))
    if post is not None:
        return ctx.relative(post, line) + suffix
    for prefix, folder in ctx.site.static:
        if site_path.startswith(prefix):
            candidate = folder / site_path[len(prefix):].lstrip("/")
            if candidate.is_file():
                return ctx.copy(candidate) + suffix
    post = ctx.index.source(site_path)
    if post is not None:
        return ctx.relative(post, line) + suffix
    guess = _by_tail(ctx.site, path) if _looks_like_file(path) else None
    if guess is not None:
        ctx.warn(line, f"`{target}` is not where the link says; the one file of the old blog "
                       f"with that name, `{guess.relative_to(ctx.site.root).as_posix()}`, is used")
        return ctx.copy(guess) + suffix
    # a link into the old site that leads nowhere in the new one
    if ctx.site.site_url:
        old = ctx.site.site_url.rstrip("/") + site_path
        ctx.warn(line, f"`{target}` is not in the old blog's files; it now points at the "
                       f"old site: {old}")
        return old + suffix
    ctx.warn(line, f"`{target}` is not in the old blog's files: add it beside the post "
                   "or fix the link")
    return None


def _marker(kind: str, value: str, ctx, line: int) -> str:
    value, _, frag = value.partition("#")
    suffix = "#" + frag if frag else ""
    if kind == "tag":
        return ctx.relative(tag_url(unquote(value))) + suffix
    if kind == "post":
        post = ctx.index.source(value, loose=True)
        if post is not None:
            return ctx.relative(post, line) + suffix
        found = _file(ctx, value.lstrip("/"))
        if found:
            return ctx.copy(found) + suffix
        ctx.warn(line, f"link to `{value}`: no such post in the old blog; fix the link")
        return "#"
    found = _file(ctx, value.lstrip("/"))
    if found:
        return ctx.copy(found) + suffix
    post = ctx.index.source(value)
    if post is not None:
        return ctx.relative(post, line) + suffix
    ctx.warn(line, f"link to `{value}`: no such file in the old blog; fix the link")
    return "#"


def _by_tail(site, path: str) -> Path | None:
    """The only file of the old blog whose path ends with `path` (`img/a.png` ->
    `assets/img/a.png`), else the only one with its name, for includes and themes that
    prefix a folder; None when there is none or several."""
    names = getattr(site, "_files_by_name", None)
    if names is None:
        names = {}
        for p in files(site.root, site.kind):
            names.setdefault(p.name.lower(), []).append(p)
        site._files_by_name = names
    tail = [part.lower() for part in path.strip("/").split("/") if part not in ("", ".", "..")]
    if not tail:
        return None
    candidates = names.get(tail[-1], [])
    found = [p for p in candidates if [x.lower() for x in p.parts[-len(tail):]] == tail]
    if len(found) == 1:
        return found[0]
    return candidates[0] if not found and len(candidates) == 1 else None


def _file(ctx, rel: str) -> Path | None:
    if rel.startswith("..") or not rel:
        return None
    path = ctx.site.root / rel
    if path.is_file() and path.suffix.lower() not in (".md", ".markdown", ".mdx", ".rst"):
        return path
    return None


def _on_old_site(target: str, site_url: str) -> str | None:
    """`/path` (below the old base path) of an absolute link to the old blog, else None."""
    bare = re.sub(r"^(?:https?:)?//", "", target, flags=re.I)
    site = re.sub(r"^(?:https?:)?//", "", site_url, flags=re.I).rstrip("/")
    if not site or bare == target:
        return None
    if bare.lower() == site.lower() or bare.lower().startswith(site.lower() + "/"):
        return "/" + bare[len(site):].lstrip("/")
    return None


def _looks_like_file(path: str) -> bool:
    return bool(re.search(r"\.[A-Za-z0-9]{2,5}$", path)) and not path.endswith((".html", ".htm"))
