"""Reads a Jekyll checkout: `_config.yml`, `_posts/` (also nested, `blog/_posts/`), `_drafts/`,
front matter `defaults`, and the permalink Jekyll gave each post."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import yaml

from . import meta as fm
from .model import OldPost, OldSite, files
from .report import ImportReport

_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
MARKDOWN = (".md", ".markdown", ".mkd", ".mkdn", ".mdown", ".mdwn", ".html", ".htm")


def read(root: Path, report: ImportReport) -> OldSite:
    config = _config(root, report)
    permalink = config.get("permalink") or "date"
    collections = config.get("collections")
    if isinstance(collections, dict) and isinstance(collections.get("posts"), dict):
        permalink = collections["posts"].get("permalink", permalink)
    permalink = _STYLES.get(str(permalink), str(permalink))
    zone = _zone(config.get("timezone"))
    site = OldSite("jekyll", root, [], static=[("/", root)],
                   kramdown=str(config.get("markdown", "kramdown")).lower() == "kramdown")
    site.math_verbatim = site.kramdown  # kramdown keeps `$$` math verbatim; GFM does not
    base = "/" + str(config.get("baseurl") or "").strip("/")
    site.base_path = base.rstrip("/") + "/"
    if config.get("url"):
        site.site_url = str(config["url"]).rstrip("/") + site.base_path
    site.config = config
    site.title = str(config.get("title") or "")
    for path in files(root, "jekyll"):
        rel = path.relative_to(root)
        parts = rel.parts
        if "_posts" in parts:
            draft = False
        elif "_drafts" in parts:
            draft = True
        else:
            continue
        if path.suffix.lower() not in MARKDOWN:
            if path.suffix.lower() in (".textile",):
                site.skipped.append((rel.as_posix(), "Textile posts are not converted; "
                                     "convert it to Markdown first"))
            continue
        post = _post(root, path, draft, config, permalink, zone, report)
        if post is not None:
            site.posts.append(post)
    return site


def _config(root: Path, report: ImportReport) -> dict:
    for name in ("_config.yml", "_config.yaml"):
        path = root / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                report.error(f"not valid YAML: {exc}", name, mark.line + 1 if mark else 0)
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _zone(name):
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(str(name))
    except Exception:  # an unknown zone name: keep the dates as written
        return None


def _post(root: Path, path: Path, draft: bool, config: dict, permalink: str, zone,
          report: ImportReport) -> OldPost | None:
    rel = path.relative_to(root).as_posix()
    meta, body, body_line = fm.split(fm.read(path, rel, report), rel, report)
    meta = {**_defaults(config, rel, draft), **meta}
    m = _NAME.match(path.stem)
    name_slug = m.group(4) if m else path.stem
    date, date_only = fm.date(meta.get("date"))
    if date is None and m:
        date, date_only = dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))), True
    if date is None:
        if meta.get("date") is not None:
            report.warn(f"`date: {meta['date']}` is not a date; the file's time is used", rel)
        date = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.timezone.utc)
        date_only = True
        if not draft:
            report.warn("no date in the front matter or the file name; the file's "
                        "modification time is used", rel)
    date = fm.zoned(date, date_only, config.get("timezone"))
    url_date = date.astimezone(zone) if zone and date.tzinfo else date
    categories = fm.names(meta.get("categories", meta.get("category")), spaces=True)
    before = PurePosixPath(rel).parts[:PurePosixPath(rel).parts.index("_posts" if not draft else "_drafts")]
    categories = list(dict.fromkeys([*before, *categories]))
    slug_source = str(meta.get("slug") or name_slug)
    pattern = str(meta.get("permalink") or permalink)
    url = _url(pattern, url_date, slug_source, categories, path.suffix)
    draft = draft or meta.get("published") is False or fm.truthy(meta.get("draft", False))
    aliases = [str(a) for a in _listify(meta.get("redirect_from"))]
    meta.setdefault("categories", categories)
    if not meta.get("title"):  # Jekyll titles a post from its file name
        meta["title"] = " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", name_slug) if w)
    return OldPost(rel, meta, body, body_line, name_slug, date, date_only, url, aliases, draft)


def _defaults(config: dict, rel: str, draft: bool) -> dict:
    """Values of `defaults:` whose scope matches this post (later entries win, as in Jekyll)."""
    out: dict = {}
    for entry in config.get("defaults") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope = entry.get("scope") or {}
        kind = scope.get("type")
        where = str(scope.get("path") or "").strip("/")
        if kind not in (None, "posts", "drafts" if draft else "posts"):
            continue
        if where and not rel.startswith(where.rstrip("*")):
            continue
        out.update(entry["values"])
    return out


def _listify(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def pretty_slug(text: str) -> str:
    """Jekyll's `Utils.slugify(mode: "pretty", cased: true)`: what `:title` puts in a URL
    (letters, digits and `._~!$&'()+,;=@` kept; `_` is not among them)."""
    return re.sub(r"(?:[^\w.~!$&'()+,;=@]|_)+", "-", text).strip("-")


def default_slug(text: str) -> str:
    """Jekyll's `Utils.slugify` (mode "default"): what `:slug` puts in a URL."""
    return re.sub(r"(?:[^\w]|_)+", "-", text).strip("-").lower()


def _url(pattern: str, date: dt.datetime, title: str, categories: list[str], ext: str) -> str:
    values = {
        "year": f"{date.year:04d}", "month": f"{date.month:02d}", "i_month": str(date.month),
        "day": f"{date.day:02d}", "i_day": str(date.day), "short_year": f"{date.year % 100:02d}",
        "hour": f"{date.hour:02d}", "minute": f"{date.minute:02d}", "second": f"{date.second:02d}",
        "y_day": f"{date.timetuple().tm_yday:03d}", "week": f"{date.isocalendar()[1]:02d}",
        "short_day": date.strftime("%a"), "long_day": date.strftime("%A"),
        "short_month": date.strftime("%b"), "long_month": date.strftime("%B"),
        "title": pretty_slug(title), "slug": default_slug(title),
        "name": default_slug(title), "categories": "/".join(c.lower() for c in categories),
        "output_ext": ".html",
    }

    def fill(m: re.Match) -> str:
        key = m.group(1)
        if key not in values:
            return m.group(0)
        return "/".join(quote(part, safe="!$&'()*+,;=@~") for part in values[key].split("/"))

    url = re.sub(r":(output_ext|short_year|i_month|i_day|y_day|short_day|long_day|short_month|"
                 r"long_month|[a-z]+)", fill, pattern)
    return re.sub(r"/{2,}", "/", "/" + url.lstrip("/"))
