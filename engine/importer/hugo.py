"""Reads a Hugo checkout: its configuration (TOML, YAML or JSON; `config/_default/`), the
posts of its main sections (leaf files and page bundles), `permalinks`, `url`, `slug`,
`aliases`, and whether Goldmark passed math through untouched."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path, PurePosixPath

import yaml

from . import meta as fm
from .model import OldPost, OldSite
from .report import ImportReport

_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml",
          "config.yml", "config.json")
_POST_SECTIONS = ("posts", "post", "blog", "articles", "article", "notes")
MARKDOWN = (".md", ".markdown", ".mdown", ".html")


def read(root: Path, report: ImportReport) -> OldSite:
    config = _config(root, report)
    site = OldSite("hugo", root, [], config=config)
    base = str(_get(config, "baseURL") or "")
    m = re.match(r"^(?:https?:)?//[^/]+(/.*)?$", base)
    site.base_path = ((m.group(1) or "/") if m else "/").rstrip("/") + "/"
    site.site_url = base if m else ""
    static = _get(config, "staticDir") or "static"
    for folder in (static if isinstance(static, list) else [static]):
        site.static.append(("/", root / folder))
    goldmark = _get(config, "markup", "goldmark", "extensions", "passthrough", "enable")
    site.math_verbatim = bool(goldmark)
    site.title = str(_get(config, "title") or "")
    content = root / str(_get(config, "contentDir") or "content")
    sections = _sections(content, config)
    permalinks = _permalinks(config)
    lower = not _get(config, "disablePathToLower")
    for path in sorted(content.rglob("*")) if content.is_dir() else ():
        rel = path.relative_to(content)
        if not path.is_file() or path.suffix.lower() not in MARKDOWN or path.stem == "_index":
            continue
        if rel.parts[0] not in sections:
            where = ", ".join(sorted(sections)) or "none found"
            site.skipped.append((path.relative_to(root).as_posix(),
                                 f"not in the blog's post sections ({where}): a page, not a "
                                 "post; copy it to content/pages/ by hand"))
            continue
        post = _post(root, content, path, permalinks, lower, report, config)
        if post is not None:
            site.posts.append(post)
    return site


def _config(root: Path, report: ImportReport) -> dict:
    data: dict = {}
    for folder in (root / "config" / "_default", root):
        for name in _NAMES:
            path = folder / name
            if path.is_file():
                data = {**_load(path, root, report), **data}
        if folder.name == "_default" and folder.is_dir():
            for path in sorted(folder.glob("*.toml")) + sorted(folder.glob("*.y*ml")):
                if path.stem not in ("hugo", "config"):
                    data.setdefault(path.stem, _load(path, root, report))
    return data


def _load(path: Path, root: Path, report: ImportReport) -> dict:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text) or {}
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as exc:
        report.error(f"cannot read the configuration: {exc}", path.relative_to(root).as_posix())
        return {}


def _get(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = next((v for k, v in data.items() if str(k).lower() == key.lower()), None)
    return data


def _sections(content: Path, config: dict) -> set[str]:
    main = _get(config, "params", "mainSections") or _get(config, "params", "mainsections")
    if isinstance(main, list) and main:
        return {str(s) for s in main}
    found = {p.name for p in content.iterdir() if p.is_dir()} if content.is_dir() else set()
    named = found & set(_POST_SECTIONS)
    if named:
        return named
    counts = {s: sum(1 for _ in (content / s).rglob("*.md")) for s in found}
    return {max(sorted(counts), key=counts.get)} if counts else set()


def _permalinks(config: dict) -> dict[str, str]:
    raw = _get(config, "permalinks") or {}
    if isinstance(raw.get("page"), dict):
        raw = raw["page"]
    return {str(k): str(v) for k, v in raw.items() if isinstance(v, str)}


def make_path(text: str, lower: bool) -> str:
    """Hugo's `urlize`: spaces to `-`, punctuation other than `._-~#+` dropped."""
    text = re.sub(r"\s+", "-", text.strip())
    text = re.sub(r"[^\w./_~#+-]", "", text)
    return text.lower() if lower else text


def _post(root: Path, content: Path, path: Path, permalinks: dict, lower: bool,
          report: ImportReport, config: dict) -> OldPost | None:
    rel = path.relative_to(root).as_posix()
    meta, body, body_line = fm.split(fm.read(path, rel, report), rel, report)
    crel = PurePosixPath(path.relative_to(content).as_posix())
    bundle = path.stem == "index"
    filename = crel.parent.name if bundle else crel.stem
    date, date_only = fm.date(meta.get("date") or meta.get("publishDate") or meta.get("pubdate"))
    if date is None:
        report.warn("no `date` in the frontmatter; the file's modification time is used", rel)
        import datetime as dt
        date, date_only = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.timezone.utc), True
    date = fm.zoned(date, date_only, _get(config, "timeZone"))
    section = crel.parts[0]
    title = str(meta.get("title") or filename)
    slug = str(meta.get("slug") or "") or filename
    if meta.get("url"):
        url = "/" + str(meta["url"]).lstrip("/")
    elif section in permalinks:
        url = _pattern(permalinks[section], date, section, crel, title, meta, filename, lower)
    else:
        parent = crel.parent.parent if bundle else crel.parent
        url = "/" + make_path("/".join([*parent.parts, make_path(slug, False)]), lower) + "/"
    aliases = meta.get("aliases") or []
    aliases = [str(a) for a in (aliases if isinstance(aliases, list) else [aliases])]
    return OldPost(rel, meta, body, body_line, filename, date, date_only, url, aliases,
                   fm.truthy(meta.get("draft", False)), path.parent if bundle else None)


def _pattern(pattern: str, date, section: str, crel: PurePosixPath, title: str, meta: dict,
             filename: str, lower: bool) -> str:
    slug = str(meta.get("slug") or "")
    values = {
        "year": f"{date.year:04d}", "month": f"{date.month:02d}", "day": f"{date.day:02d}",
        "monthname": date.strftime("%B").lower(), "weekday": str(date.isoweekday() % 7),
        "weekdayname": date.strftime("%A").lower(), "yearday": str(date.timetuple().tm_yday),
        "section": section, "sections": "/".join(crel.parent.parts[:-1] if crel.stem == "index"
                                                  else crel.parent.parts),
        "title": make_path(title, lower), "slug": make_path(slug or title, lower),
        "slugorfilename": make_path(slug, lower) if slug else filename,
        "slugorcontentbasename": make_path(slug, lower) if slug else filename,
        "filename": filename, "contentbasename": filename,
    }
    url = re.sub(r":(slugorcontentbasename|slugorfilename|contentbasename|monthname|"
                 r"weekdayname|weekday|yearday|sections|section|filename|title|slug|year|"
                 r"month|day)", lambda m: values[m.group(1)], pattern)
    return re.sub(r"/{2,}", "/", "/" + url.lstrip("/"))
