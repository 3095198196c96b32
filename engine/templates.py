"""The Jinja2 environment: strict about undefined names, autoescaping, site theme first."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

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


def environment(root: Path, theme: str) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(d / "templates") for d in theme_dirs(root, theme)])
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined,
                             autoescape=True, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals["site_root"] = str(root)  # for error paths relative to the site
    return env


def fingerprint(env: jinja2.Environment) -> str:
    """A digest of every template the environment can load, for cache keys."""
    h = hashlib.sha256()
    for name in sorted(env.list_templates()):
        source, filename, _ = env.loader.get_source(env, name)
        h.update(name.encode() + b"\0" + source.encode() + b"\0")
    return h.hexdigest()


def render(env: jinja2.Environment, name: str, context: dict) -> str:
    """Render template `name`; an undefined variable or template error becomes a BuildError."""
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


def _template_frame(exc: BaseException, name: str, env: jinja2.Environment) -> tuple[str, int]:
    """The innermost template file and line of a render-time error."""
    tb = exc.__traceback__
    where = (name, 0)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".html") or code.co_filename.endswith(".xml"):
            where = (_rel(code.co_filename, env), tb.tb_lineno)
        tb = tb.tb_next
    return where


def _rel(filename: str, env: jinja2.Environment) -> str:
    path = Path(filename)
    for base in (Path(env.globals["site_root"]), ENGINE_THEMES.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename
