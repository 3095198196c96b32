"""One `conv` block: parse, compute, typeset the equation, draw (or fetch) the animation.

Problems are reported through the engine's `services` at the block's lines. Animations are
kept in the build cache by content (`services.cached`): a prose edit draws nothing again.
"""

from __future__ import annotations

import re

from . import core, frames, gif, markup, spec as specs
from ._validate import ConvError
from .plugin import fallback as _fallback

_ARG_KEYS = {"x": "input", "k": "kernel", "w": "kernel", "kernel_size": "kernel",
             "padding": "padding", "stride": "stride", "dilation": "dilation",
             "output_padding": "output_padding", "op": "op"}


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


def render_block(md, services, defaults: dict, text: str, first: int, env: dict) -> str:
    """HTML for one block whose body starts at body line `first` (0-based)."""
    spec, problems = specs.parse(text, style=defaults["style"], frame_ms=defaults["frame_ms"])
    for p in problems:
        services.error(env, first + p.line, p.message)
    if spec is None:
        return _fallback(text)
    try:
        trace = trace_of(spec)
    except ConvError as exc:
        key = _conv_error_key(str(exc))
        services.error(env, first + spec.line_of(key or "op"), f"the `conv` block's operation "
                       f"is refused: {_author_words(str(exc))}")
        return _fallback(text)
    parts: list[str] = []
    for what in spec.show:
        if what == "equation":
            html = _equation(services, spec, trace, first, env)
        elif what == "table":
            html = markup.table_html(trace.output)
        else:
            html = _animation(services, spec, trace, first, env)
        if html is None:
            return _fallback(text)
        parts.append(html)
    caption = None
    if spec.caption:
        # inline Markdown and math, but no raw HTML: `<` is written as an entity first
        caption = md.renderInline(spec.caption.replace("<", "&lt;"),
                                  {**env, "refs": []}).strip()
    return markup.wrap_figure(parts, caption)


def _equation(services, spec, trace, first: int, env: dict) -> str | None:
    mathml = services.typeset(env, first - 1, markup.equation_tex(spec, trace), display=True)
    return None if mathml is None else f'<div class="math-display">{mathml}</div>'


def _animation(services, spec, trace, first: int, env: dict) -> str | None:
    line = first + spec.line_of("input")
    try:
        frames.check_limits(trace, spec.style)
    except frames.AnimationLimitError as exc:
        services.error(env, line, f"the `conv` animation is too large: {exc}")
        return None
    name = spec.gif_name()
    poster = name[:-4] + ".png"
    claims = env.setdefault("conv_files", {})
    canonical = spec.canonical()
    claim_line = first + spec.line_of("file", spec.line_of("input"))
    if name in claims and claims[name][1] != canonical:
        services.error(env, claim_line, f"`file` {name!r} is already used by the `conv` block "
                                        f"at line {claims[name][0]} of this post; give each "
                                        "block its own name")
        return None
    claims[name] = (services.file_line(env, claim_line), canonical)
    figure = services.cached(env, ("figure", canonical), lambda: draw(spec, trace))
    if not (services.emit(env, claim_line, name, figure["gif"])
            and services.emit(env, claim_line, poster, figure["png"])):
        return None
    width, height = figure["size"]
    return markup.figure_html(name, poster, width, height, markup.alt_text(spec, trace))


def draw(spec: specs.ConvSpec, trace) -> dict:
    """Draw and encode one animation (the expensive step, which the cache skips)."""
    fr = frames.render(trace, style=spec.style, color=spec.color)
    return {"gif": gif.encode_gif(fr, frame_ms=spec.frame_ms), "png": gif.poster_png(fr),
            "size": fr.size, "frames": len(fr)}
