"""Checks every link and image a post makes to a file of this site, once all files are known.

Markdown links and images to a missing file are errors. References in raw HTML are warnings:
imported posts (Gatsby, Jekyll) carry HTML whose files may be generated or added later.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from .config import Config
from .content import Post
from .errors import Problem, Report, source_line
from .rendered import PostInfo, local


def check(posts: list[Post], infos: list[PostInfo], outputs: dict, config: Config,
          report: Report) -> None:
    files = set(outputs)
    texts: dict[str, str] = {}
    for post, info in zip(posts, infos):
        for ref in info.refs:
            target = _resolve(ref.target, post.url, config.base_path)
            if target is None or _exists(target, files):
                continue
            if post.source not in texts:
                texts[post.source] = (config.root / post.source).read_text(encoding="utf-8")
            line = post.body_line + ref.line
            where = f"`{ref.target}` points to `site/{target}`, which the build does not produce"
            if ref.strict:
                report.error(Problem(f"{where}; put the file beside `{post.source}` "
                                     "or fix the link", post.source, line,
                                     source_line(texts[post.source], line)))
            else:
                report.warn(Problem(f"{where} (raw HTML); add the file beside "
                                    f"`{post.source}` or generate it with a plugin block",
                                    post.source, line, source_line(texts[post.source], line)))


def _resolve(target: str, page_url: str, base_path: str) -> str | None:
    """The site-relative file a reference points to, or None when it is not ours to check."""
    if not local(target):
        return None
    path = unquote(urlsplit(target.strip()).path)
    if not path:
        return None
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None
        joined = path[len(base_path):]
    else:
        joined = posixpath.join(page_url, path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal.startswith(".."):
        return normal
    return "" if normal == "." else normal + ("/" if path.endswith("/") else "")


def _exists(target: str, files: set[str]) -> bool:
    if target in ("", "/"):
        return "index.html" in files
    if target.endswith("/"):
        return target + "index.html" in files
    return target in files or target + "/index.html" in files
