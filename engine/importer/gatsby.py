"""Reads a Gatsby checkout: the folders `gatsby-source-filesystem` reads Markdown/MDX from
(`content/blog` by default), each post's URL (`path` or `slug` in the frontmatter, else
the file's path as `createFilePath` makes it), `siteUrl` and `pathPrefix`."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from . import meta as fm
from .model import OldPost, OldSite
from .report import ImportReport

_SOURCE = re.compile(r"""path\s*:\s*[`'"](?:\$\{__dirname\}/|\./)?([\w./-]+?)/?[`'"]""")


def read(root: Path, report: ImportReport) -> OldSite:
    config_file = next((root / n for n in ("gatsby-config.js", "gatsby-config.ts",
                                           "gatsby-config.mjs") if (root / n).is_file()), None)
    text = config_file.read_text(encoding="utf-8") if config_file else ""
    site = OldSite("gatsby", root, [], static=[("/", root / "static")], math_verbatim=False)
    url = re.search(r"""siteUrl\s*:\s*[`'"]([^`'"]+)[`'"]""", text)
    prefix = re.search(r"""pathPrefix\s*:\s*[`'"]([^`'"]*)[`'"]""", text)
    site.base_path = "/" + (prefix.group(1).strip("/") + "/" if prefix and prefix.group(1).strip("/") else "")
    title = re.search(r"""siteMetadata\s*:\s*\{[^}]*?\btitle\s*:\s*[`'"]([^`'"]+)[`'"]""", text, re.S)
    site.title = title.group(1) if title else ""
    if url:
        site.site_url = url.group(1).rstrip("/") + site.base_path
    folders = []
    for m in _SOURCE.finditer(text):
        folder = root / m.group(1)
        if folder.is_dir() and any(folder.rglob("*.md*")) and "node_modules" not in m.group(1):
            folders.append(folder)
    if not folders:
        folders = [root / d for d in ("content/blog", "content/posts", "content")
                   if (root / d).is_dir()][:1]
    prefix = _node_prefix(root)
    seen = set()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path in seen or path.suffix.lower() not in (".md", ".mdx", ".markdown") \
                    or not path.is_file() or "node_modules" in path.parts:
                continue
            seen.add(path)
            site.posts.append(_post(root, folder, path, report, prefix))
    return site


def _node_prefix(root: Path) -> str:
    """A folder gatsby-node.js puts before every generated slug (`/blog${value}`), or ''."""
    for name in ("gatsby-node.js", "gatsby-node.ts", "gatsby-node.mjs"):
        path = root / name
        if path.is_file():
            m = re.search(r"`(/[\w-]+)/?\$\{\s*(?:value|slug|filePath|relativePath|"
                          r"node\.fields\.slug)\s*\}`", path.read_text(encoding="utf-8"))
            if m:
                return m.group(1)
    return ""


def _post(root: Path, folder: Path, path: Path, report: ImportReport, prefix: str = "") -> OldPost:
    rel = path.relative_to(root).as_posix()
    meta, body, body_line = fm.split(fm.read(path, rel, report), rel, report)
    frel = PurePosixPath(path.relative_to(folder).as_posix())
    bundle = frel.stem == "index"
    name = frel.parent.name if bundle else frel.stem
    route = meta.get("path") or meta.get("slug") or meta.get("permalink")
    if isinstance(route, str) and route.strip():
        url = "/" + route.strip().lstrip("/")
        if not url.endswith("/") and "." not in url.rsplit("/", 1)[-1]:
            url += "/"
    else:
        parts = frel.parent.parts if bundle else (*frel.parent.parts, frel.stem)
        url = prefix + "/" + "/".join(parts) + "/" if parts else prefix + "/"
    date, date_only = fm.date(meta.get("date"))
    if date is None:
        report.warn("no `date` in the frontmatter; the file's modification time is used", rel)
        import datetime as dt
        date, date_only = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.timezone.utc), True
    return OldPost(rel, meta, body, body_line, name, date, date_only, url, [],
                   fm.truthy(meta.get("draft", False)) or meta.get("published") is False,
                   path.parent if bundle else None, mdx=path.suffix.lower() == ".mdx")
