"""Reads a Pelican checkout: literal settings of `pelicanconf.py` (never executed), articles
under `PATH` with `Key: value` headers (or YAML), their URL from `ARTICLE_URL`, dates from
the headers or `FILENAME_METADATA`."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from ..slug import slug as make_slug
from . import meta as fm
from .model import OldPost, OldSite
from .report import ImportReport

_HEADER = re.compile(r"^([A-Za-z][\w-]*):[ \t]*(.*)$")


def settings(path: Path) -> dict:
    """Top-level `NAME = literal` assignments; anything computed is left out."""
    out: dict = {}
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError):
        return out
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


def read(root: Path, report: ImportReport) -> OldSite:
    config = settings(root / "pelicanconf.py")
    if (root / "publishconf.py").is_file():
        config = {**config, **{k: v for k, v in settings(root / "publishconf.py").items()
                               if k in ("SITEURL",)}}
    content = root / str(config.get("PATH", "content"))
    config.setdefault("PATH", str(config.get("PATH", "content")).strip("/"))
    site = OldSite("pelican", root, [], static=[("/", content)], config=config)
    siteurl = str(config.get("SITEURL") or "")
    m = re.match(r"^https?://[^/]+(/.*)?$", siteurl)
    site.base_path = ((m.group(1) or "") if m else "").rstrip("/") + "/"
    site.site_url = siteurl.rstrip("/") + "/" if m else ""
    site.title = str(config.get("SITENAME") or "")
    pages = [str(p) for p in config.get("PAGE_PATHS", ["pages"])]
    article_paths = [str(p) for p in config.get("ARTICLE_PATHS", [""])]
    pattern = str(config.get("ARTICLE_URL", "{slug}.html"))
    for path in sorted(content.rglob("*")) if content.is_dir() else ():
        rel = path.relative_to(content).as_posix()
        # Markdown under a static path is still an article (STATIC_EXCLUDE_SOURCES)
        if not path.is_file():
            continue
        if any(rel.startswith(p.strip("/") + "/") for p in pages if p):
            if path.suffix.lower() in (".md", ".markdown", ".mkd", ".mdown", ".rst"):
                site.skipped.append((path.relative_to(root).as_posix(),
                                     "a page, not an article: copy it to content/pages/ by hand"))
            continue
        if not any(rel.startswith(p.strip("/")) for p in article_paths):
            continue
        suffix = path.suffix.lower()
        if suffix in (".rst", ".ipynb"):
            site.skipped.append((path.relative_to(root).as_posix(),
                                 f"{suffix[1:]} is not Markdown: convert it first (e.g. pandoc)"))
            continue
        if suffix not in (".md", ".markdown", ".mkd", ".mdown"):
            continue
        site.posts.append(_post(root, content, path, config, pattern, report))
    return site


def headers(text: str) -> tuple[dict, str, int]:
    """Python-Markdown's `meta` extension: `Key: value` lines (continued by indented lines)
    up to the first blank line."""
    meta: dict = {}
    lines = text.split("\n")
    key = None
    i = 0
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            key = m.group(1).lower()
            meta[key] = m.group(2).strip()
        elif key and line.startswith(("    ", "\t")) and line.strip():
            meta[key] += " " + line.strip()
        else:
            break
    else:
        i = len(lines)
    if lines[i:i + 1] == [""]:
        i += 1
    return meta, "\n".join(lines[i:]), i + 1


def _post(root: Path, content: Path, path: Path, config: dict, pattern: str,
          report: ImportReport) -> OldPost:
    rel = path.relative_to(root).as_posix()
    text = fm.read(path, rel, report).replace("\r\n", "\n").removeprefix("\ufeff")
    if text.startswith("---"):
        meta, body, body_line = fm.split(text, rel, report)
        meta = {str(k).lower(): v for k, v in meta.items()}
    else:
        meta, body, body_line = headers(text)
    stem = path.stem
    date, date_only = fm.date(meta.get("date"))
    named = re.search(str(config.get("FILENAME_METADATA", r"(?P<date>\d{4}-\d{2}-\d{2}).*")), stem)
    if date is None and named and "date" in named.groupdict():
        date, date_only = fm.date(named.group("date"))
    if date is None:
        report.warn("no `Date:` header and none in the file name; the file's modification "
                    "time is used (Pelican's DEFAULT_DATE = 'fs')", rel)
        date, date_only = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.timezone.utc), True
    title = str(meta.get("title") or stem)
    if named and named.groupdict().get("slug"):
        meta.setdefault("slug", named.group("slug"))
    slug = str(meta.get("slug") or make_slug(title if config.get("SLUGIFY_SOURCE", "title") == "title"
                                             else stem, "post"))
    folder = path.parent.relative_to(content).as_posix()
    category = str(meta.get("category") or (folder.split("/")[0] if folder != "." and
                                            config.get("USE_FOLDER_AS_CATEGORY", True) else ""))
    if category:  # the default category ("misc") says nothing: not made a tag
        meta["category"] = category
    category = category or str(config.get("DEFAULT_CATEGORY", "misc"))
    date = fm.zoned(date, date_only, config.get("TIMEZONE"))
    author = str(meta.get("author") or meta.get("authors") or config.get("AUTHOR") or "")
    values = {"slug": slug, "date": date, "category": make_slug(category, "misc"),
              "author": make_slug(author.split(",")[0], "author"), "lang": str(meta.get("lang") or
                                                                             config.get("DEFAULT_LANG", "en"))}
    try:
        url = "/" + str(meta.get("url") or pattern.format(**values)).lstrip("/")
    except (KeyError, IndexError, ValueError):
        report.warn(f"`ARTICLE_URL` {pattern!r} cannot be filled in; the post gets /{slug}/", rel)
        url = f"/{slug}/"
    status = str(meta.get("status", "published")).lower()
    return OldPost(rel, meta, body, body_line, slug, date, date_only, url, [],
                   status == "draft")
