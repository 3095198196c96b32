"""What a `conv` block shows besides pixels: the operation as TeX matrices, the generated alt
text, the figure markup (GIF with a still poster for reduced motion) and the result table.

    equation_tex(spec, trace)   # '\\begin{bmatrix}...\\end{bmatrix} \\mathbin{...} ... = ...'
    alt_text(spec, trace)       # 'Cross-correlation of a 5×5 input with a 3×3 kernel, ...'
    figure_html(gif, png, width, height, alt)
"""

from __future__ import annotations

from html import escape

import numpy as np

from .frames import fmt, parse_color
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


def _num(v) -> str:
    return fmt(v).replace("\u2212", "-").replace("∞", r"\infty")


def matrix_tex(arr: np.ndarray, color: str | None = None) -> str:
    """`arr` (1-D: a row) as a bmatrix; every entry coloured when `color` is given."""
    rows = np.atleast_2d(arr)
    cell = (lambda v: f"{{\\color{{{color}}}{_num(v)}}}") if color else _num
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


def equation_tex(spec: ConvSpec, trace: Trace) -> str:
    """The operation written out: input, operator, kernel (flipped, for convolve) = result.

    Correlation is `\\star` in blue, convolution `*` in red (with the equivalent correlation
    with the red flipped kernel), the transposed convolution `\\operatorname{conv}^\\top`,
    pooling `\\operatorname{maxpool}` / `\\operatorname{avgpool}`. Non-default padding,
    stride, dilation and output padding follow the equation in parentheses (as a subscript of
    the named operators).
    """
    color = kernel_color(spec)
    x = matrix_tex(spec.input)
    out = matrix_tex(trace.output if spec.input.ndim == 2 else trace.output.reshape(-1))
    params = r",\; ".join(_params(spec))
    if spec.op in ("max_pool", "avg_pool"):
        size = r"\times ".join(str(k) for k in spec.kernel_size)
        sub = size + (r",\; " + params if params else "")
        name = "maxpool" if spec.op == "max_pool" else "avgpool"
        return rf"\operatorname{{{name}}}_{{{sub}}}\left( {x} \right) = {out}"
    if spec.op == "transpose":
        sub = f"_{{{params}}}" if params else ""
        k = matrix_tex(spec.kernel, color)
        return rf"\operatorname{{conv}}^{{\top}}{sub}\left( {x},\; {k} \right) = {out}"

    def op(symbol: str, c: str) -> str:
        return rf"\mathbin{{\color{{{c}}}{symbol}}}"

    star = r"\star"
    after = rf" \qquad ({params})" if params else ""
    if spec.op == "correlate":
        return f"{x} {op(star, color)} {matrix_tex(spec.kernel, color)} = {out}{after}"
    flipped = spec.kernel[::-1, ::-1] if spec.kernel.ndim == 2 else spec.kernel[::-1]
    corr = "blue" if color == "red" else color
    return (f"{x} {op('*', color)} {matrix_tex(spec.kernel)} = "
            f"{x} {op(star, corr)} {matrix_tex(flipped, color)} = {out}{after}")


# --------------------------------------------------------------------------- alt text


def _shape(arr_shape) -> str:
    if len(arr_shape) == 1:
        return f"length-{arr_shape[0]}"
    return "×".join(str(n) for n in arr_shape)


def _padding_words(pad) -> str:
    if pad in ("valid", 0):
        return "no padding"
    if isinstance(pad, str):
        return f"{pad} padding"
    if isinstance(pad, int):
        return f"padding {pad}"
    if len(pad) == 4:
        return "padding {} top, {} bottom, {} left, {} right".format(*pad)
    if len(pad) == 2 and isinstance(pad, tuple):
        return f"padding {pad[0]} rows, {pad[1]} columns"
    return f"padding {_pair(pad)}"


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
    stride = spec.stride if not isinstance(spec.stride, tuple) else _pair(spec.stride)
    parts = [f"{_NAMES[spec.op]} of a {_shape(spec.input.shape)} input with {operand}",
             _padding_words(spec.padding), f"stride {stride}"]
    if spec.dilation != 1:
        parts.append(f"dilation {_pair(spec.dilation)}")
    if spec.output_padding != 0:
        parts.append(f"output padding {_pair(spec.output_padding)}")
    return ", ".join(parts) + f", giving a {_shape(out_shape)} output"


# --------------------------------------------------------------------------- HTML


def figure_html(gif: str, png: str, width: int, height: int, alt: str) -> str:
    """The animation with its still poster for readers who asked for reduced motion."""
    return (f'<picture><source srcset="./{escape(png)}" '
            f'media="(prefers-reduced-motion: reduce)">'
            f'<img src="./{escape(gif)}" width="{int(width)}" height="{int(height)}" '
            f'alt="{escape(alt)}" loading="lazy" decoding="async"></picture>')


def table_html(output: np.ndarray) -> str:
    """The computed result as an HTML table of numbers."""
    rows = np.atleast_2d(output).tolist()
    body = "".join("<tr>" + "".join(f"<td>{escape(fmt(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f'<div class="table-wrap"><table class="conv-table"><tbody>{body}</tbody></table></div>'


def wrap_figure(parts: list[str], caption_html: str | None) -> str:
    caption = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
    return '<figure class="conv-figure">' + "".join(parts) + caption + "</figure>\n"
