"""Finds the plugins `site.toml` lists, hands each its options and the engine's services.

A plugin is a module (or package) with one function:

    def register(md, options, services): ...

`md` is the markdown-it instance, `options` the plugin's own table from `site.toml` (a dict,
empty when absent), `services` a `Services` value (`engine/services.py`): report a problem at
a line, typeset TeX, a content-addressed cache, emit a file beside the post, add to the post's
cache key. Plugins import nothing from the engine, and the engine names no plugin.

Where a name is looked up, first found wins: the site's own `plugins/<name>.py` or
`plugins/<name>/`, the project's `plugins/<name>/`, then an installed package's entry point in
the group `convblog.plugins`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import json
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .cache import digest
from .services import Services, problem
from .version import digest_of_sources, versions

API_VERSION = 1  # part of every declaration's key: a change of the services re-checks plugins

PROJECT_PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
ENTRY_POINTS = "convblog.plugins"


class PluginError(Exception):
    """A plugin that cannot be found or loaded; the message says which and why."""


@dataclass(frozen=True)
class Plugin:
    name: str
    options: str    # the options table as canonical JSON: hashable, stable
    origin: str     # a folder or file, or `entry point <module>`
    code: str       # SHA-256 of the plugin's source files
    key_parts: str = "[]"        # what `services.cache_key` declared, as JSON
    packages: tuple[str, ...] = ()  # what `services.depends_on` declared

    @property
    def table(self) -> dict:
        return json.loads(self.options)


@dataclass(frozen=True)
class PluginSet:
    """The plugins of a site, in `site.toml` order. Hashable: parsers are cached by it."""

    plugins: tuple[Plugin, ...] = ()

    def fingerprint(self) -> tuple:
        """Everything about the plugins that can change a rendered post."""
        return tuple((p.name, p.code, p.options, p.key_parts, versions(p.packages))
                     for p in self.plugins)


def find(root: Path, name: str, options: dict) -> Plugin:
    """Locate plugin `name` without importing it. Raises PluginError."""
    for base in (root / "plugins", PROJECT_PLUGINS):
        for candidate in (base / name, base / f"{name}.py"):
            if (candidate / "__init__.py").is_file() or candidate.is_file():
                return Plugin(name, _options(options), str(candidate), digest_of_sources(candidate, candidate.parent))
    from importlib import metadata  # only when the plugin is not in a folder: it is slow

    for entry in metadata.entry_points(group=ENTRY_POINTS):
        if entry.name == name:
            module = entry.value.split(":")[0]
            spec = importlib.util.find_spec(module.split(".")[0])
            where = Path(spec.origin).parent if spec and spec.origin else None
            code = (digest_of_sources(where, where.parent) if where
                    else hashlib.sha256(entry.value.encode()).hexdigest())
            return Plugin(name, _options(options), f"entry point {entry.value}", code)
    raise PluginError(f"plugin `{name}` not found: looked for `plugins/{name}/` or "
                      f"`plugins/{name}.py` in the site and the project, and for an installed "
                      f"package registering `{name}` in the entry point group `{ENTRY_POINTS}`")


@functools.cache
def module_of(plugin: Plugin) -> ModuleType:
    """Import the plugin's module. Raises PluginError."""
    try:
        if plugin.origin.startswith("entry point "):
            entry = plugin.origin.removeprefix("entry point ")
            module = importlib.import_module(entry.split(":")[0])
        elif Path(plugin.origin).parent == PROJECT_PLUGINS:
            module = importlib.import_module(f"plugins.{plugin.name}")
        else:
            module = _import_file(plugin)
    except Exception as exc:
        raise PluginError(f"plugin `{plugin.name}` ({plugin.origin}) does not import: "
                          f"{type(exc).__name__}: {exc}") from None
    if not callable(getattr(module, "register", None)):
        raise PluginError(f"plugin `{plugin.name}` ({plugin.origin}) has no "
                          "`register(md, options, services)` function")
    return module


def register_all(md, plugins: PluginSet, option_error=None) -> None:
    """Call every plugin's `register(md, options, services)`.

    `option_error(plugin, key, message)` receives problems with a plugin's options; without
    it they are ignored (the options were checked when the build started).
    """
    for plugin in plugins.plugins:
        report = functools.partial(option_error, plugin.name) if option_error else None
        before = dict(md.renderer.rules)
        parsing = {rule.fn for _, ruler in _rulers(md) for rule in ruler.__rules__}
        module_of(plugin).register(md, plugin.table, Services(plugin.name, plugin.code, report))
        for name, rule in md.renderer.rules.items():
            if before.get(name) is not rule:
                md.renderer.rules[name] = _guarded(plugin.name, rule)
        for kind, ruler in _rulers(md):
            for rule in ruler.__rules__:
                if rule.fn not in parsing:
                    rule.fn = _guarded_parse(plugin.name, kind, rule.fn)
            ruler.__cache__ = None  # the chains are compiled again with the guarded rules


def _guarded(plugin: str, rule):
    """A plugin's render rule whose exceptions become an error at the token's line."""

    @functools.wraps(rule)
    def guarded(tokens, idx, options, env):
        try:
            return rule(tokens, idx, options, env)
        except Exception as exc:
            token = tokens[idx]
            line = token.map[0] if token.map else 0
            env["errors"].append(problem(env, line, f"the `{plugin}` plugin failed on this "
                                                    f"block: {type(exc).__name__}: {exc}"))
            return ""

    return guarded


def _rulers(md):
    """markdown-it's parsing rule lists, by the arguments their rules take after `state`."""
    return (("core", md.core.ruler), ("block", md.block.ruler), ("inline", md.inline.ruler),
            ("core", md.inline.ruler2))


def _guarded_parse(plugin: str, kind: str, rule):
    """A plugin's parsing rule whose exceptions become one error at the post (at the block's
    line when markdown-it gives one) instead of ending the build as an internal error."""

    @functools.wraps(rule)
    def guarded(state, *args):
        try:
            return rule(state, *args)
        except Exception as exc:
            env = state.env
            if not isinstance(env, dict) or "errors" not in env:
                raise  # a plugin's own parse, outside a post: its caller decides
            failed = env.setdefault("failed_plugins", set())
            if plugin not in failed:  # once a post: the rule may be tried at every line
                failed.add(plugin)
                line = args[0] if kind == "block" else 0
                env["errors"].append(problem(env, line, f"the `{plugin}` plugin failed while "
                                                        f"reading this post: "
                                                        f"{type(exc).__name__}: {exc}"))
            return False if kind in ("block", "inline") else None

    return guarded


def prepare(plugins: PluginSet, cache, option_error) -> PluginSet:
    """Check every plugin's options and learn what it adds to the post key.

    Each plugin registers once on a scratch parser, unless the cache already holds the verdict
    for its code and options (then nothing is imported: a no-op build stays light).
    `option_error(plugin name, key, message)` receives problems; raises PluginError when a
    plugin does not load.
    """
    ready = []
    for plugin in plugins.plugins:
        key = digest("plugin-declaration", API_VERSION, plugin.name, plugin.code, plugin.options)
        declared = cache.get("plugin-declaration", key)
        if declared is None:
            from markdown_it import MarkdownIt

            failed = []

            def report(option: str, message: str, name: str = plugin.name) -> None:
                failed.append(option)
                option_error(name, option, message)

            services = Services(plugin.name, plugin.code, report)
            module_of(plugin).register(MarkdownIt("commonmark"), plugin.table, services)
            declared = {"parts": json.dumps(services.key_parts, default=str),
                        "packages": list(services.packages)}
            if not failed:
                cache.put("plugin-declaration", key, declared)
        ready.append(dataclasses.replace(plugin, key_parts=declared["parts"],
                                         packages=tuple(declared["packages"])))
    return PluginSet(tuple(ready))


def _import_file(plugin: Plugin) -> ModuleType:
    path = Path(plugin.origin)
    init = path / "__init__.py" if path.is_dir() else path
    name = f"_site_plugin_{plugin.name}"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(path)] if path.is_dir() else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # so the package's relative imports find it
    spec.loader.exec_module(module)
    return module


def _options(table: dict) -> str:
    return json.dumps(table, sort_keys=True, default=str, ensure_ascii=False)
