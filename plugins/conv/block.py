"""One `conv` block: parse, compute, typeset the equation, draw (or fetch) the animation.

Problems go to `env["errors"]` at the block's lines. Animations are cached by content in the
build cache (namespace "figure"); figures drawn here are listed in `env["new_figures"]`
(key -> value), which the engine stores: render workers only read the cache.
"""

from __future__ import annotations

import functools
import hashlib
import re
from importlib import metadata
from pathlib import Path

from . import core, frames, gif, markup, spec as specs
from ._validate import ConvError
from .plugin import _error, _fallback

_HERE = Path(__file__).resolve().parent
_ARG_KEYS = {"x": "input", "k": "kernel", "w": "kernel", "kernel_size": "kernel",
             "padding": "padding", "stride": "stride", "dilation": "dilation",
             "output_padding": "output_padding", "op": "op"}


def _defaults(env: dict) -> tuple[str, int]:
    d = env.get("conv_defaults")
    return (getattr(d, "style", "numerical"), getattr(d, "frame_ms", 1000))


def _conv_error_key(message: str) -> str | None:
    m = re.search(r"`(\w+)`", message)
    return _ARG_KEYS.get(m.group(1)) if m else None


def _author_words(message: str) -> str:
    """The core's argument names as the block spells them."""
    return re.sub(r"`(x|k|w|kernel_size)`", lambda m: f"`{_ARG_KEYS[m.group(1)]}`", message)


def trace_of(spec: specs.ConvSpec):
    """The core's trace of the block's operation (raises ConvError)."""
    def arg(v):
        return list(v) if isinstance(v, tuple) else v
    return core.steps(spec.input, spec.kernel, op=spec.op, padding=arg(spec.padding),
                      stride=arg(spec.stride), dilation=arg(spec.dilation),
                      output_padding=arg(spec.output_padding),
                      kernel_size=arg(spec.kernel_size))


def render_block(md, text: str, first: int, env: dict) -> str:
    """HTML for one block whose body starts at body line `first` (0-based)."""
    style, frame_ms = _defaults(env)
    spec, problems = specs.parse(text, style=style, frame_ms=frame_ms)
    for p in problems:
        _error(env, first + p.line, p.message)
    if spec is None:
        return _fallback(text)
    try:
        trace = trace_of(spec)
    except ConvError as exc:
        key = _conv_error_key(str(exc))
        _error(env, first + spec.line_of(key or "op"), f"the `conv` block's operation is "
               f"refused: {_author_words(str(exc))}")
        return _fallback(text)
    parts: list[str] = []
    for what in spec.show:
        if what == "equation":
            html = _equation(spec, trace, first, env)
        elif what == "table":
            html = markup.table_html(trace.output)
        else:
            html = _animation(spec, trace, first, env)
        if html is None:
            return _fallback(text)
        parts.append(html)
    caption = None
    if spec.caption:
        # inline Markdown and math, but no raw HTML: `<` is written as an entity first. The
        # caption is its own footnote scope: the post's footnote list was already emitted,
        # and sharing it would print it again with duplicate ids (issue 11)
        scope = {**env, "refs": [], "footnotes": {}, "docId": f"conv{first}"}
        caption = md.renderInline(spec.caption.replace("<", "&lt;"), scope).strip()
        if re.search(r"\[\^[^\]\s]+\]", caption):
            env["warnings"].append(_problem(env, first + spec.line_of("caption"),
                                            "a footnote reference `[^...]` in a `conv` caption is "
                                            "not linked (the caption is its own footnote scope); "
                                            "write an inline footnote `^[text]` instead"))
    return markup.wrap_figure(parts, caption)


def _equation(spec, trace, first: int, env: dict) -> str | None:
    from engine.math import TexError

    tex = markup.equation_tex(spec, trace)
    try:
        result = env["formulas"].typeset(tex, display=True, dialect="modern")
    except TexError as exc:  # a bug in markup.py, but report it where the author looks
        _error(env, first - 1, f"the `conv` equation does not typeset: {exc}; TeX was {tex!r}")
        return None
    for warning in result.warnings:
        env["warnings"].append(_problem(env, first - 1, f"TeX in the `conv` equation: {warning}"))
    return f'<div class="math-display">{result.mathml}</div>'


def _problem(env, line, message):
    from engine.markdown import problem

    return problem(env, line, message)


def _animation(spec, trace, first: int, env: dict) -> str | None:
    line = first + spec.line_of("input")
    try:
        frames.check_limits(trace, spec.style)
    except frames.AnimationLimitError as exc:
        _error(env, line, f"the `conv` animation is too large: {exc}")
        return None
    name = spec.gif_name()
    poster = name[:-4] + ".png"
    claims = env.setdefault("conv_files", {})
    canonical = spec.canonical()
    claim_line = first + spec.line_of("file", spec.line_of("input"))
    if name in claims and claims[name][1] != canonical:
        _error(env, claim_line, f"`file` {name!r} is already used by the `conv` block at line "
                                f"{claims[name][0]} of this post; give each block its own name")
        return None
    if name in env["assets"] and name not in claims:
        _error(env, claim_line, f"`file` {name!r} is already generated by another block of this "
                                "post; choose another name")
        return None
    claims[name] = (env["line0"] + claim_line + 1, canonical)
    figure = _figure(spec, trace, env)
    env["assets"][name] = figure["gif"]
    env["assets"][poster] = figure["png"]
    width, height = figure["size"]
    return markup.figure_html(name, poster, width, height, markup.alt_text(spec, trace))


# --------------------------------------------------------------------------- cache


@functools.cache
def code_hash() -> str:
    """SHA-256 of this package's code (plugin, spec, core, renderer)."""
    h = hashlib.sha256()
    for path in sorted(_HERE.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@functools.cache
def library_versions() -> tuple[str, ...]:
    out = []
    for name in ("numpy", "matplotlib", "pillow"):
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} missing")
    return tuple(out)


def figure_key(spec: specs.ConvSpec) -> str:
    from engine.cache import digest

    return digest("figure", spec.canonical(), code_hash(), library_versions())


def _figure(spec, trace, env: dict) -> dict:
    """{'gif': bytes, 'png': bytes, 'size': (w, h), 'frames': n} from the cache or drawn."""
    key = figure_key(spec)
    memo = env.setdefault("new_figures", {})
    found = memo.get(key)
    cache = getattr(env.get("formulas"), "cache", None)
    if found is None and cache is not None:
        found = cache.get("figure", key)
    if found is None:
        found = draw(spec, trace)
        memo[key] = found
    return found


def draw(spec: specs.ConvSpec, trace) -> dict:
    """Draw and encode one animation (the expensive step, which the cache skips)."""
    fr = frames.render(trace, style=spec.style, color=spec.color)
    return {"gif": gif.encode_gif(fr, frame_ms=spec.frame_ms), "png": gif.poster_png(fr),
            "size": fr.size, "frames": len(fr)}
