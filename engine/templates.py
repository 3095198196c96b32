"""The Jinja2 environment: strict about undefined names, autoescaping, site theme first.

A `Theme` knows its fingerprint from the template files alone; Jinja2 is imported and the
environment built only when a page actually has to be rendered (a no-op build renders none).
Compiled templates are kept in `.cache/templates/` (Jinja's bytecode cache, each entry checked
against its template's source), so an edit does not compile the theme again: the same trust
as Python's own `__pycache__` folders beside the site's plugins.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .errors import BuildError

ENGINE_THEMES = Path(__file__).resolve().parent.parent / "themes"


def theme_dirs(root: Path, theme: str) -> list[Path]:
    """The site's theme folder (if any) first, then the shipped default theme."""
    dirs = [root / "themes" / theme, ENGINE_THEMES / theme, ENGINE_THEMES / "default"]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


class Theme:
    def __init__(self, root: Path, name: str, compiled: Path | None = None):
        self.root = root
        self.name = name
        self.dirs = theme_dirs(root, name)
        self.compiled = compiled  # where compiled templates are kept, or None

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of every template file the theme can load, for cache keys."""
        h = hashlib.sha256()
        for folder in self.dirs:
            for path in sorted((folder / "templates").rglob("*")):
                if path.is_file():
                    h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                    h.update(path.read_bytes() + b"\0")
        return h.hexdigest()

    @functools.cached_property
    def env(self):
        return environment(self.root, self.name, self.compiled)

    def render(self, name: str, context: dict) -> bytes:
        return render(self.env, name, context).encode("utf-8")

    def reads(self, name: str) -> frozenset[str] | None:
        """The names template `name` may read of a value: every attribute and constant string
        in the expressions of the template and of the ones it extends, includes or imports.
        None when that cannot be known: a template or field chosen by a variable, a value
        shown whole by a filter (`pprint`, `tojson`...) or opened up (`__dict__`), a template
        that does not parse (rendering reports that one)."""
        import jinja2
        from jinja2 import meta, nodes

        found: set[str] = set()
        todo, done = [name], set()
        while todo:
            current = todo.pop()
            if current in done:
                continue
            done.add(current)
            try:
                tree = self.env.parse(self.env.loader.get_source(self.env, current)[0])
            except jinja2.TemplateError:
                return None
            for ref in meta.find_referenced_templates(tree):
                if ref is None:
                    return None
                todo.append(ref)
            for node in tree.find_all((nodes.Getitem, nodes.Filter)):
                if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                    return None
                if isinstance(node, nodes.Filter) and (node.name in _WHOLE or (
                        node.name in _BY_NAME and not all(
                            isinstance(arg, nodes.Const)
                            for arg in [*node.args, *(kw.value for kw in node.kwargs)]))):
                    return None
            attrs = {node.attr for node in tree.find_all(nodes.Getattr)}
            if any(attr.startswith("_") for attr in attrs):
                return None
            found.update(attrs)
            found.update(node.value for node in tree.find_all(nodes.Const)
                         if isinstance(node.value, str))
        return frozenset(found)


_WHOLE = ("pprint", "string", "tojson", "dictsort", "items", "xmlattr")  # show a value whole
_BY_NAME = ("attr", "map", "selectattr", "rejectattr", "groupby", "sort", "sum", "unique",
            "min", "max", "join")  # read attributes named by their arguments


def environment(root: Path, theme: str, compiled: Path | None = None):
    import jinja2

    loader = jinja2.FileSystemLoader([str(d / "templates") for d in theme_dirs(root, theme)])
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined,
                             autoescape=True, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True,
                             bytecode_cache=_bytecode_cache(compiled))
    env.globals["site_root"] = str(root)  # for error paths relative to the site
    return env


def compiled_dir(cache_path: Path | None) -> Path | None:
    """Where compiled templates live beside the build cache (`cache_path`), or None."""
    return cache_path.parent / "templates" if cache_path is not None else None


def _bytecode_cache(folder: Path | None):
    import jinja2

    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only disk: templates are compiled every time
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def render(env, name: str, context: dict) -> str:
    """Render template `name`; an undefined variable or template error becomes a BuildError."""
    import jinja2

    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"template syntax error: {exc.message}",
                         _rel(exc.filename or name, env), exc.lineno or 0) from None
    except jinja2.UndefinedError as exc:
        filename, line = _template_frame(exc, name, env)
        raise BuildError(f"{exc.message}; the engine does not provide it to `{name}`. "
                         "Use only the variables listed in the README's theme section",
                         filename, line) from None
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"template `{exc.name}` not found in the theme folders", name) from None


def _template_frame(exc: BaseException, name: str, env) -> tuple[str, int]:
    """The innermost template file and line of a render-time error."""
    tb = exc.__traceback__
    where = (name, 0)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".html") or code.co_filename.endswith(".xml"):
            where = (_rel(code.co_filename, env), tb.tb_lineno)
        tb = tb.tb_next
    return where


def _rel(filename: str, env) -> str:
    path = Path(filename)
    for base in (Path(env.globals["site_root"]), ENGINE_THEMES.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename
