"""One `conv` block: parse, compute, typeset the equation, draw (or fetch) the animation.

Problems are reported through the engine's `services` at the block's lines. Animations are
kept in the build cache by content (`services.cached`): a prose edit draws nothing again.
"""

from __future__ import annotations

import re

from . import core, frames, gif, markup, numbers, spec as specs
from ._validate import ConvError
from .plugin import fallback as _fallback

#: The text column of the default theme on a 360 px phone (360 - 2 x 16 px gutters): a
#: numerical figure wider than this also gets a compact (stacked) variant.
NARROW_COLUMN = 328
GUTTER = 20  # the theme's widest gutter: the full figure is served only where it fits
_ARG_KEYS = {"x": "input", "k": "kernel", "w": "kernel", "kernel_size": "kernel",
             "padding": "padding", "stride": "stride", "dilation": "dilation",
             "output_padding": "output_padding", "op": "op"}


def _conv_error_key(message: str) -> str | None:
    m = re.search(r"`(\w+)`", message)
    return _ARG_KEYS.get(m.group(1)) if m else None


def _author_words(message: str) -> str:
    """The core's argument names as the block spells them."""
    return re.sub(r"`(x|k|w|kernel_size)`", lambda m: f"`{_ARG_KEYS[m.group(1)]}`", message)


def exact_of(spec: specs.ConvSpec) -> numbers.Exact:
    return numbers.Exact.of(spec.input_text, spec.kernel_text)


def notation_of(spec: specs.ConvSpec, trace) -> numbers.Notation:
    """How the block's numbers are written (exact, or rounded to `digits` and marked)."""
    return numbers.Notation(trace, exact_of(spec), spec.digits)


def trace_of(spec: specs.ConvSpec):
    """The core's trace of the block's operation on the exact (scaled) operands (raises
    ConvError)."""
    def arg(v):
        return list(v) if isinstance(v, tuple) else v
    ex = exact_of(spec)
    return core.steps(ex.x, ex.k, op=spec.op, padding=arg(spec.padding),
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
    notation = notation_of(spec, trace)
    parts: list[str] = []
    for what in spec.show:
        if what == "equation":
            html = _equation(services, spec, trace, notation, first, env)
        elif what == "table":
            html = markup.table_html(notation)
        else:
            html = _animation(services, spec, trace, notation, first, env)
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
            services.warn(env, first + spec.line_of("caption"),
                          "a footnote reference `[^...]` in a `conv` caption is not linked (the "
                          "caption is its own footnote scope); write an inline footnote "
                          "`^[text]` instead")
    return markup.wrap_figure(parts, caption, markup.caption_note(spec, trace, notation))


def _equation(services, spec, trace, notation, first: int, env: dict) -> str | None:
    typeset = []
    for tex in markup.equation_pieces(spec, trace, notation):  # typeset apart: they may wrap
        mathml = services.typeset(env, first - 1, tex, display=True)
        if mathml is None:
            return None
        typeset.append(mathml)
    return markup.equation_html(typeset)


def _animation(services, spec, trace, notation, first: int, env: dict) -> str | None:
    line = first + spec.line_of("input")
    try:
        frames.check_limits(trace, spec.style, notation)
    except frames.AnimationLimitError as exc:
        services.error(env, line, f"the `conv` animation is too large: {exc}")
        return None
    name = spec.gif_name()
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
    names = {key: variant_name(name, key) for key in figure["files"]}
    for key, data in figure["files"].items():
        if not services.emit(env, claim_line, names[key], data):
            return None
    variants = {key: (names[key], *figure["sizes"][key]) for key in figure["files"]}
    if figure["compact_max"]:
        variants["compact-max"] = ("", figure["compact_max"], 0)
    return markup.figure_html(variants, markup.alt_text(spec, trace), figure["legible"])


def variant_name(name: str, key: str) -> str:
    """'x.gif' and key 'compact-dark-png' -> 'x-compact-dark.png' ('gif' -> 'x.gif')."""
    *words, ext = key.split("-")
    return name[:-4] + "".join(f"-{w}" for w in words) + "." + ext


def draw(spec: specs.ConvSpec, trace) -> dict:
    """Draw and encode one animation in every variant (the expensive step the cache skips).

    {'files': {key: bytes}, 'sizes': {key: [w, h]}, 'frames': n, 'legible': px,
    'compact_max': px}: keys 'gif', 'png', 'dark-gif', 'dark-png' and, for a numerical figure
    wider than a phone's column, the same with 'compact-'; 'compact_max' is the widest
    viewport that gets them (0: none), 'legible' the narrowest width the image shown there may
    shrink to with its smallest digits still 10 px.
    """
    notation = notation_of(spec, trace)
    full = frames.frame_size(trace, spec.style, notation)
    compact = spec.style == "numerical" and full[0] > NARROW_COLUMN \
        and frames.frame_size(trace, spec.style, notation, compact=True)[0] < full[0]
    out: dict = {"files": {}, "sizes": {}, "frames": 0,
                 "compact_max": full[0] + 2 * GUTTER - 1 if compact else 0,
                 "legible": frames.legible_width(trace, spec.style, notation, compact)}
    for prefix in ("", "compact-") if compact else ("",):
        for theme in (frames.LIGHT, frames.DARK):
            fr = frames.render(trace, style=spec.style, color=spec.color, notation=notation,
                               theme=theme, compact=bool(prefix))
            key = prefix + ("dark-" if theme is frames.DARK else "")
            out["files"][key + "gif"] = gif.encode_gif(fr, frame_ms=spec.frame_ms)
            out["files"][key + "png"] = gif.poster_png(fr)
            out["sizes"][key + "gif"] = out["sizes"][key + "png"] = list(fr.size)
            out["frames"] = len(fr)
    return out
