"""Reading frontmatter (YAML `---`, TOML `+++`, JSON `{`) and normalising its values: dates,
tag lists, draft flags, descriptions."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib

import yaml

from .report import ImportReport

_YAML = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)


def read(path, rel: str, report: ImportReport) -> str:
    """A source file's text: UTF-8, else (older blogs) Windows-1252, said in the report."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        report.warn("not UTF-8: read as Windows-1252 (the new post is written as UTF-8); "
                    "check its accented characters", rel, line)
        return raw.decode("cp1252", errors="replace")


def split(text: str, rel: str, report: ImportReport) -> tuple[dict, str, int]:
    """(frontmatter, body, body's first line). A file without frontmatter has `{}`."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    for regex, parse in ((_YAML, _yaml), (_TOML, tomllib.loads)):
        m = regex.match(text)
        if m:
            try:
                meta = parse(m.group(1) or "") or {}
            except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark else 2
                report.warn(f"frontmatter is not valid ({str(exc).splitlines()[0]}); read line by "
                            "line as `key: value` instead: check the result", rel, line)
                meta = lenient(m.group(1) or "")
            if not isinstance(meta, dict):
                report.warn("frontmatter is not `key: value` lines; ignored", rel, 2)
                meta = {}
            return meta, text[m.end():], text.count("\n", 0, m.end()) + 1
    if text.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text)
            return meta, text[end:].lstrip("\n"), text.count("\n", 0, end) + 2
        except ValueError:
            pass
    return {}, text, 1


def lenient(block: str) -> dict:
    """`key: value` lines (YAML or TOML `=`) the way a reader would take them, for
    frontmatter that a stricter parser refuses (tabs, unquoted colons)."""
    meta: dict = {}
    for line in block.split("\n"):
        m = re.match(r"^([A-Za-z_][\w-]*)[ \t]*[:=][ \t]*(.*?)[ \t]*$", line)
        if not m:
            continue
        value = m.group(2)
        if value.startswith("[") and value.endswith("]"):
            meta[m.group(1)] = [v.strip().strip("\"'") for v in value[1:-1].split(",") if v.strip()]
        elif value.lower() in ("true", "false"):
            meta[m.group(1)] = value.lower() == "true"
        else:
            meta[m.group(1)] = value.strip("\"'")
    return meta


def _yaml(block: str):
    return yaml.load(block, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
            "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y",
            "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S %Z")


def date(value) -> tuple[dt.datetime | None, bool]:
    """(datetime, date only?) from a frontmatter value, or (None, False) if unreadable."""
    if isinstance(value, dt.datetime):
        return value, False
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), True
    if not isinstance(value, str) or not value.strip():
        return None, False
    text = " ".join(value.strip().split())
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed, len(text) <= 10
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
            return parsed, "%H" not in fmt
        except ValueError:
            continue
    try:
        from dateutil import parser  # matplotlib's dependency: names of months, odd zones
        parsed = parser.parse(text, default=dt.datetime(2000, 1, 1))
        return parsed, not re.search(r"\d:\d", text)
    except (ImportError, ValueError, OverflowError):
        return None, False


def zoned(value: dt.datetime | None, date_only: bool, zone_name) -> dt.datetime | None:
    """A time of day without a zone, read in the old site's time zone (the build would
    take it as UTC)."""
    if value is None or date_only or value.tzinfo is not None or not zone_name:
        return value
    try:
        from zoneinfo import ZoneInfo
        return value.replace(tzinfo=ZoneInfo(str(zone_name)))
    except Exception:  # an unknown zone name: keep the time as written
        return value


def date_text(value: dt.datetime, date_only: bool) -> str:
    """ISO 8601 the build reads: `2017-01-20`, or with time and zone when known."""
    if date_only:
        return value.date().isoformat()
    return value.isoformat(timespec="seconds")


def names(value, spaces: bool) -> list[str]:
    """Tags or categories: a list, or text separated by commas (or by spaces, Jekyll's way)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value if v is not None and not isinstance(v, (dict, list))]
    else:
        text = str(value)
        if "," in text or ";" in text:
            items = re.split(r"[,;]", text)
        elif spaces:
            items = text.split()
        else:
            items = [text]
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


def description(meta: dict) -> str:
    """The first of description / excerpt / summary / subtitle, as one line of plain text."""
    for key in ("description", "excerpt", "summary", "Summary", "subtitle"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            text = re.sub(r"<[^>]+>|\{%.*?%\}|\{\{.*?\}\}", "", value)
            return " ".join(text.split())
    return ""
