"""What a `conv` block shows besides pixels: the operation as TeX matrices, the generated alt
text and caption note, the figure markup (light and dark GIFs, a compact variant for narrow
screens, still posters for reduced motion and feeds) and the result table.

    equation_pieces(spec, trace, notation)  # TeX pieces, each starting at a relation
    equation_tex(spec, trace)     # '\\begin{bmatrix}...\\end{bmatrix} \\mathbin{...} ... = ...'
    alt_text(spec, trace)         # 'Cross-correlation of a 5×5 input with a 3×3 kernel, ...'
    figure_html(variants, alt)
"""

from __future__ import annotations

from html import escape

import numpy as np

from ._validate import padding_pairs
from .frames import parse_color
from .numbers import DEFAULT_DIGITS, Notation, tex, typed
from .spec import ConvSpec
from .trace import Trace

_NAMES = {
    "correlate": "Cross-correlation",
    "convolve": "Convolution (kernel flipped)",
    "transpose": "Transposed convolution",
    "max_pool": "Max pooling",
    "avg_pool": "Average pooling",
}


# --------------------------------------------------------------------------- TeX


def matrix_tex(texts: np.ndarray, color: str | None = None) -> str:
    """Texts (1-D: a row) as a bmatrix; every entry coloured when `color` is given."""
    rows = np.atleast_2d(np.asarray(texts, dtype=object))
    def entry(v) -> str:
        return tex(typed(str(v)))

    cell = (lambda v: f"{{\\color{{{color}}}{entry(v)}}}") if color else entry
    body = r" \\ ".join(" & ".join(cell(v) for v in row) for row in rows.tolist())
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def _pair(value) -> str:
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(str(v) for v in value) + ")"
    return str(value)


def _params(spec: ConvSpec) -> list[str]:
    """Non-default parameters as TeX, e.g. ['p=1', 's=2']."""
    out = []
    if spec.padding not in ("valid", 0):
        pad = spec.padding
        out.append(rf"p=\text{{{pad}}}" if isinstance(pad, str) else f"p={_pair(pad)}")
    if spec.stride != 1 or spec.op in ("max_pool", "avg_pool"):
        out.append(f"s={_pair(spec.stride)}")
    if spec.dilation != 1:
        out.append(f"d={_pair(spec.dilation)}")
    if spec.output_padding != 0:
        out.append(f"a={_pair(spec.output_padding)}")
    return out


def kernel_color(spec: ConvSpec) -> str:
    """TeX colour of the kernel: the block's `color` as hex, else red for convolve, blue."""
    if spec.color:
        return "#%02X%02X%02X" % parse_color(spec.color, spec.op)
    return "red" if spec.op == "convolve" else "blue"


def equation_pieces(spec: ConvSpec, trace: Trace, notation: Notation | None = None
                    ) -> list[str]:
    """The operation written out, as pieces that a narrow screen may wrap between (before an
    operator or a relation): input, operator and kernel (flipped, for convolve), `= result` (`\\approx` when a value is
    rounded), then the non-default parameters in parentheses.

    Correlation is `\\star` in blue, convolution `*` in red (with the equivalent correlation
    with the red flipped kernel), the transposed convolution `\\operatorname{conv}^\\top`,
    pooling `\\operatorname{maxpool}` / `\\operatorname{avgpool}` (parameters as a subscript
    of the named operators).
    """
    notation = notation or _notation(spec, trace)
    color = kernel_color(spec)
    x = matrix_tex(spec.input_text)
    texts = notation.output_texts()
    out = matrix_tex(texts if spec.input.ndim == 2 else texts.reshape(-1))
    rel = r"\approx" if notation.any_rounded else "="
    params = r",\; ".join(_params(spec))
    if spec.op in ("max_pool", "avg_pool"):
        size = r"\times ".join(str(k) for k in spec.kernel_size)
        sub = size + (r",\; " + params if params else "")
        name = "maxpool" if spec.op == "max_pool" else "avgpool"
        return [rf"\operatorname{{{name}}}_{{{sub}}}\left( {x} \right)", f"{rel} {out}"]
    if spec.op == "transpose":
        sub = f"_{{{params}}}" if params else ""
        k = matrix_tex(spec.kernel_text, color)
        return [rf"\operatorname{{conv}}^{{\top}}{sub}\left( {x},\; {k} \right)", f"{rel} {out}"]

    def op(symbol: str, c: str) -> str:
        # a piece of its own: an operator that starts a formula is spaced as an ordinary
        # symbol, so its space after is explicit (the space before is the flex gap)
        return rf"{{\color{{{c}}}{symbol}}}\:"

    star = r"\star"
    after = [f"({params})"] if params else []
    if spec.op == "correlate":
        return [x, f"{op(star, color)} {matrix_tex(spec.kernel_text, color)}",
                f"{rel} {out}"] + after
    kt = spec.kernel_text
    flipped = kt[::-1, ::-1] if kt.ndim == 2 else kt[::-1]
    corr = "blue" if color == "red" else color
    return [x, f"{op('*', color)} {matrix_tex(kt)}", f"= {x}",
            f"{op(star, corr)} {matrix_tex(flipped, color)}", f"{rel} {out}"] + after


def equation_tex(spec: ConvSpec, trace: Trace, notation: Notation | None = None) -> str:
    """The pieces as one formula (parameters set off by a quad)."""
    pieces = equation_pieces(spec, trace, notation)
    if pieces[-1].startswith("("):
        return " ".join(pieces[:-1]) + r" \qquad " + pieces[-1]
    return " ".join(pieces)


def _notation(spec: ConvSpec, trace: Trace) -> Notation:
    from .numbers import Exact

    return Notation(trace, Exact.of(spec.input_text, spec.kernel_text), spec.digits)


# --------------------------------------------------------------------------- alt text


def _shape(arr_shape) -> str:
    if len(arr_shape) == 1:
        return f"length-{arr_shape[0]}"
    return "×".join(str(n) for n in arr_shape)


def _sides(pads, one_d: bool) -> str:
    names = ("left", "right") if one_d else ("top", "bottom", "left", "right")
    flat = [n for pair in pads for n in pair]
    return ", ".join(f"{n} {side}" for n, side in zip(flat, names))


def padding_words(spec: ConvSpec, trace: Trace) -> str:
    """The padding applied, e.g. 'no padding', 'padding 1', 'same padding (0 top, 1 bottom,
    0 left, 1 right)' when `same` had to pad an even kernel unevenly."""
    pad = spec.padding
    if pad in ("valid", 0):
        return "no padding"
    one_d = spec.input.ndim == 1
    if isinstance(pad, str):
        kernel = tuple(trace.kernel_size[1:] if one_d else trace.kernel_size)
        n = len(kernel)
        dil = trace.dilation[1:] if one_d else trace.dilation
        pairs = padding_pairs(pad, n, kernel, (1,) * n, tuple(dil))
        flat = {v for pair in pairs for v in pair}
        if len(flat) == 1:
            return f"{pad} padding ({flat.pop()} on every side)"
        return f"{pad} padding ({_sides(pairs, one_d)})"
    if isinstance(pad, int):
        return f"padding {pad}"
    if len(pad) == 4:
        return "padding {} top, {} bottom, {} left, {} right".format(*pad)
    if len(pad) == 2 and one_d:
        return f"padding {pad[0]} left, {pad[1]} right"
    return f"padding {pad[0]} rows, {pad[1]} columns"


def _settings(spec: ConvSpec, trace: Trace) -> list[str]:
    stride = spec.stride if not isinstance(spec.stride, tuple) else _pair(spec.stride)
    parts = [padding_words(spec, trace), f"stride {stride}"]
    if spec.dilation != 1:
        parts.append(f"dilation {_pair(spec.dilation)}")
    if spec.output_padding != 0:
        parts.append(f"output padding {_pair(spec.output_padding)}")
    return parts


def alt_text(spec: ConvSpec, trace: Trace) -> str:
    """What the animation computes, in one sentence (the author's `alt` wins)."""
    if spec.alt:
        return spec.alt
    one_d = spec.input.ndim == 1
    out_shape = trace.output.shape[1:] if one_d else trace.output.shape
    if spec.op in ("max_pool", "avg_pool"):
        operand = f"a {_shape(spec.kernel_size)} window"
    else:
        operand = f"a {_shape(spec.kernel.shape)} kernel"
    parts = [f"{_NAMES[spec.op]} of a {_shape(spec.input.shape)} input with {operand}",
             *_settings(spec, trace)]
    return ", ".join(parts) + f", giving a {_shape(out_shape)} output"


def caption_note(spec: ConvSpec, trace: Trace, notation: Notation) -> str:
    """The settings applied and, if any value is rounded, how: plain text for the caption."""
    words = ", ".join(_settings(spec, trace))
    note = words[0].upper() + words[1:] + "."
    if notation.any_rounded:
        digits = spec.digits if spec.digits is not None else DEFAULT_DIGITS
        note += f" Values marked ≈ are rounded to {digits} decimal{'s' if digits != 1 else ''}."
    return note


# --------------------------------------------------------------------------- HTML


def figure_html(variants: dict[str, tuple[str, int, int]], alt: str,
                legible: int | None = None) -> str:
    """The animation in a <picture>: dark and compact variants by media query, still posters
    for reduced motion, the light poster named in `data-feed-src` for feeds.

    `variants` maps 'gif', 'png', 'dark-gif', 'dark-png' and optionally 'compact-gif',
    'compact-png', 'compact-dark-gif', 'compact-dark-png' to (file name, width, height);
    'compact-max' holds (media width, 0, 0). `legible` is the narrowest width (px) the image
    shown on a narrow screen may shrink to and keep its smallest digits 10 px tall.
    """
    # the first <source> that matches wins: narrow before wide, still before moving, dark
    # before light; the <img> is the light animation at full size
    still, dark = "(prefers-reduced-motion: reduce)", "(prefers-color-scheme: dark)"
    sources = []
    if "compact-gif" in variants:
        narrow = f"(max-width: {variants['compact-max'][1]}px)"
        sources += [(f"{narrow} and {still} and {dark}", "compact-dark-png"),
                    (f"{narrow} and {still}", "compact-png"),
                    (f"{narrow} and {dark}", "compact-dark-gif"),
                    (narrow, "compact-gif")]
    sources += [(f"{still} and {dark}", "dark-png"), (still, "png"), (dark, "dark-gif")]
    html = ["<picture>"]
    for media, key in sources:
        name, w, h = variants[key]
        html.append(f'<source media="{media}" srcset="./{escape(name)}" width="{int(w)}" '
                    f'height="{int(h)}">')
    name, w, h = variants["gif"]
    style = f' style="--conv-legible: {int(legible)}px"' if legible else ""
    html.append(f'<img src="./{escape(name)}" width="{int(w)}" height="{int(h)}" '
                f'alt="{escape(alt)}" data-feed-src="./{escape(variants["png"][0])}"'
                f'{style} loading="lazy" decoding="async"></picture>')
    return "".join(html)


def table_html(notation: Notation) -> str:
    """The computed result as an HTML table of numbers; rounded ones marked ≈."""
    out = np.atleast_2d(notation.output_texts())
    rounded = np.zeros(out.shape, bool)
    for i, st in enumerate(notation.trace.steps):
        rounded[st.out] = notation.result(i)[1]
    rows = []
    for r in range(out.shape[0]):
        cells = "".join(f"<td>{'≈' if rounded[r, c] else ''}{escape(out[r, c])}</td>"
                        for c in range(out.shape[1]))
        rows.append(f"<tr>{cells}</tr>")
    return ('<div class="table-wrap"><table class="conv-table"><tbody>' + "".join(rows)
            + "</tbody></table></div>")


def equation_html(pieces_mathml: list[str]) -> str:
    """Typeset pieces side by side; a narrow screen wraps them before a relation, and a piece
    wider than the column scrolls inside the box."""
    spans = "".join(f'<span class="conv-eq-piece">{m}</span>' for m in pieces_mathml)
    return f'<div class="math-display conv-equation">{spans}</div>'


def wrap_figure(parts: list[str], caption_html: str | None, note: str | None = None) -> str:
    inner = caption_html or ""
    if note:
        inner += (" " if inner else "") + f'<span class="conv-note">{escape(note)}</span>'
    caption = f"<figcaption>{inner}</figcaption>" if inner else ""
    return '<figure class="conv-figure">' + "".join(parts) + caption + "</figure>\n"
