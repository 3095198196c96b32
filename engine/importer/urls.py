"""Old permalinks -> the `path` the build accepts, and redirect pages where one cannot be kept."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

from ..slug import slug

_SEGMENT = re.compile(r"^[^\\?#<>\"\s\x00-\x1f]+$")
_RESERVED = ("assets", "tags")


def normalize(url: str) -> str:
    """A key under which old addresses compare equal: no slashes at the ends, no `index.html`,
    no `.html`, decoded, lower case."""
    path = unquote(url.split("#", 1)[0].split("?", 1)[0]).strip().strip("/")
    path = re.sub(r"(^|/)index\.html?$", "", path)
    path = re.sub(r"\.html?$", "", path)
    return path.lower()


def new_path(old: str, fallback: str) -> tuple[str, bool]:
    """(`path` for the frontmatter, whether the old address needs a redirect page).

    Pages are written as `<path>/index.html`, so `/2017/01/a.html` becomes `/2017/01/a/` with
    a redirect at the old file; a segment the build cannot carry is slugged.
    """
    path = unquote(old.split("#", 1)[0].split("?", 1)[0]).strip()
    parts = [p for p in path.split("/") if p]
    redirect = False
    if parts and re.fullmatch(r"index\.html?", parts[-1]):
        parts.pop()
    elif parts and "." in parts[-1] and not path.endswith("/"):
        stem, _, _ = parts[-1].rpartition(".")
        parts[-1] = stem or parts[-1]
        redirect = True
    clean = []
    for part in parts:
        if part in (".", "..") or not _SEGMENT.match(part):
            part = slug(part, "x")
            redirect = True
        clean.append(part)
    if not clean or clean[0] in _RESERVED:
        return f"/{fallback}/", True
    return "/" + "/".join(clean) + "/", redirect


def redirect_file(old: str) -> str | None:
    """The file under `static/` that answers at the old address, or None if it cannot."""
    path = unquote(old.split("#", 1)[0].split("?", 1)[0]).strip()
    parts = [p for p in path.split("/") if p and p not in (".", "..")]
    if not parts or "\x00" in path:
        return None
    if path.endswith("/") or "." not in parts[-1]:
        parts.append("index.html")
    return "/".join(parts)


def redirect_page(file: str, new_url: str, base_url: str) -> str:
    """A meta-refresh page at `file` (site-relative) sending readers to `new_url`."""
    target = posixpath.relpath(new_url or ".", posixpath.dirname(file) or ".") + "/"
    canonical = base_url + new_url if base_url else target
    t, c = html.escape(target), html.escape(canonical)
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>Moved</title>\n<link rel=\"canonical\" href=\"{c}\">\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n"
            "<meta name=\"robots\" content=\"noindex\">\n</head>\n"
            f"<body><p>This page has moved to <a href=\"{t}\">{t}</a>.</p></body>\n</html>\n")
