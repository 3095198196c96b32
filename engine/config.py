"""Loads `site.toml` into a frozen `Config`, reporting every bad key at once."""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import plugin_host
from .errors import BuildError, BuildFailed, Problem, source_line
from .plugin_host import PluginSet
from .site_settings import KEYS as _READER_KEYS, ReaderSettings, load as _load_reader

DIALECTS = ("auto", "modern", "legacy", "kramdown", "mathjax")
@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str = ""
    author: str = ""
    base_url: str = ""
    lang: str = "en"
    theme: str = "default"
    math_dialect: str = "auto"
    math_macros: tuple[tuple[str, str], ...] = ()
    feed_posts: int = 20
    plugins: PluginSet = field(default_factory=PluginSet)
    reader: ReaderSettings = field(default_factory=ReaderSettings)  # engine/site_settings.py

    @functools.cached_property
    def base_path(self) -> str:
        """The URL path the site is served under: '/' or e.g. '/blog/'."""
        m = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+(/.*)?$", self.base_url)
        return (m.group(1) or "/") if m else "/"


_KEYS = {"title", "description", "author", "base_url", "lang", "theme", "math", "feed_posts",
         "plugins"} | _READER_KEYS
_MATH_KEYS = {"dialect", "macros"}


def load_config(root: Path) -> Config:
    """Read `root/site.toml`. Raises BuildFailed listing every problem found."""
    path = root / "site.toml"
    rel = "site.toml"
    if not path.is_file():
        raise BuildFailed([Problem(
            f"no site settings found at `{path}`; start a site with `python build.py init`, or give the site's folder with `--root DIR`", rel)])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildFailed([Problem(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8",
                                   rel, line)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise BuildFailed([Problem(f"not valid TOML: {exc}; fix the syntax (strings need quotes)",
                                   rel, line, source_line(text, line))]) from None
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        line = _key_line(text, key.split(".")[-1])
        problems.append(Problem(message, rel, line, source_line(text, line)))

    def check_keys(table: dict, allowed: set[str], prefix: str) -> None:
        for key in sorted(set(table) - allowed):
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"did you mean `{prefix}{close[0]}`?" if close else \
                f"accepted keys are {', '.join(f'`{prefix}{k}`' for k in sorted(allowed))}"
            bad(prefix + key, f"unknown setting `{prefix}{key}`; {hint}")

    def string(key: str, default: str, required: bool = False) -> str:
        value = data.get(key, default)
        if key not in data and required:
            problems.append(Problem(f"`{key}` is required; add a line like `{key} = \"My blog\"`", rel))
        elif not isinstance(value, str):
            bad(key, f"`{key}` must be a string in quotes, got {value!r}")
            return default
        return value

    listed = data.get("plugins", [])
    tables = set(listed) if isinstance(listed, list) and all(isinstance(n, str) for n in listed) else set()
    check_keys(data, _KEYS | tables, "")
    title = string("title", "", required=True)
    base_url = string("base_url", "")
    if base_url and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        bad("base_url", f"`base_url` must be an absolute http(s) URL such as "
                        f"\"https://user.github.io/blog/\" or empty, got {base_url!r}")
    elif base_url and not base_url.endswith("/"):
        base_url += "/"
    theme = string("theme", "default")
    if isinstance(theme, str) and not (root / "themes" / theme).is_dir() and theme != "default":
        bad("theme", f"`theme` names a folder under `themes/`, but `themes/{theme}` does not exist")

    math = data.get("math", {})
    dialect = "auto"
    math_macros: tuple = ()
    if not isinstance(math, dict):
        bad("math", "`math` must be a table, e.g. `[math]` then `dialect = \"auto\"`")
    else:
        check_keys(math, _MATH_KEYS, "math.")
        dialect = math.get("dialect", "auto")
        if dialect not in DIALECTS:
            bad("math.dialect", f"`math.dialect` must be one of {', '.join(DIALECTS)}, got {dialect!r}")
            dialect = "auto"
        macros = math.get("macros", {})
        if isinstance(macros, dict) and all(isinstance(v, str) for v in macros.values()):
            math_macros = tuple(sorted(macros.items()))
        else:
            bad("math.macros", "`[math.macros]` maps names to TeX, e.g. `R = '\\mathbb{R}'`")

    plugins = _plugins(root, data, bad)

    feed_posts = data.get("feed_posts", 20)
    if not (isinstance(feed_posts, int) and not isinstance(feed_posts, bool) and feed_posts > 0):
        bad("feed_posts", f"`feed_posts` must be a positive integer, got {feed_posts!r}")
        feed_posts = 20

    reader = _load_reader(data, bad, check_keys)

    if problems:
        raise BuildFailed(problems)
    return Config(root=root, title=title, description=string("description", ""),
                  author=string("author", ""), base_url=base_url, lang=string("lang", "en"),
                  theme=theme, math_dialect=dialect, math_macros=math_macros, feed_posts=feed_posts,
                  plugins=plugins, reader=reader)


def _plugins(root: Path, data: dict, bad) -> PluginSet:
    """The plugins `plugins = [...]` lists, each with its options table (found, not imported)."""
    names = data.get("plugins", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        bad("plugins", f"`plugins` must be a list of names such as [\"name\"], got {names!r}")
        return PluginSet()
    found = []
    for name in dict.fromkeys(names):
        options = data.get(name, {})
        if not isinstance(options, dict):
            bad(name, f"`{name}` must be a table of the plugin's options, e.g. `[{name}]`")
            options = {}
        try:
            found.append(plugin_host.find(root, name, options))
        except plugin_host.PluginError as exc:
            bad("plugins", str(exc))
    return PluginSet(tuple(found))


def _key_line(text: str, key: str) -> int:
    m = re.search(rf"^\s*\"?{re.escape(key)}\"?\s*=", text, re.M)
    if m is None:
        m = re.search(rf"^[ \t]*\[\[?{re.escape(key)}\]", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _toml_error_line(message: str) -> int:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 0


def table_key_line(text: str, table: str, key: str) -> int:
    """The line of `key = ...` inside `[table]` of site.toml, else of `[table]`, else 0."""
    head = re.search(rf"^[ \t]*\[{re.escape(table)}\]", text, re.M)
    if head is None:
        return 0
    end = re.compile(r"^[ \t]*\[", re.M).search(text, head.end())
    stop = end.start() if end else len(text)
    m = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", re.M).search(text, head.end(), stop)
    return text.count("\n", 0, (m or head).start()) + 1


key_line = _key_line

__all__ = ["Config", "load_config", "BuildError", "key_line", "table_key_line"]
