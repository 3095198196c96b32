"""Parse and validate the YAML body of a `conv` fence into a `ConvSpec`.

    spec, problems = parse(text, style="numerical", frame_ms=1000)

`problems` is a list of `SpecProblem(line, message)`, `line` 0-based inside the body (the line
of the offending key, or of the offending row of a matrix; -1, the opening fence, for problems
of the block as a whole). Parsing is strict: every unknown
key, bad value and impossible shape is reported, and `spec` is None when there is any.
Grammar (every key but `input` is optional):

    input:           rows on lines, numbers (integers, decimals, fractions such as 1/2)
                     separated by spaces or commas, or a YAML list of rows; one row (one line, or a flat list) is a 1-D signal when the
                     kernel is one row too, else a 1 x n matrix
    kernel:          the same forms; for max_pool / avg_pool the window size: an int or
                     [rows, cols]. Required except for pooling, where it defaults to 2
    op:              correlate (default) | convolve | transpose | max_pool | avg_pool
    padding:         valid (default) | same | full | int | [rows, cols] | [top, bottom, left,
                     right] (1-D: [left, right]); transpose and pooling: int | [rows, cols]
    stride:          int >= 1 | [rows, cols]                      (default 1)
    dilation:        int >= 1 | [rows, cols]; not for pooling      (default 1)
    output_padding:  int >= 0 | [rows, cols]; transpose only       (default 0)
    show:            equation | animation | table, or a list of them (default [animation])
    file:            a plain file name ending in .gif (the animation's name in the post folder)
    caption, alt:    text
    style:           numerical | arithmetic (default: site.toml `[conv] style`)
    color:           the kernel colour: '#rrggbb', '#rgb' or a matplotlib colour name
    frame_ms:        20..60000 milliseconds per frame (default: site.toml `[conv] frame_ms`)
    digits:          0..10: decimals of a result that must be rounded (marked ≈); default:
                     results exact (fractions if the author wrote one), 2 where they cannot be
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field

import numpy as np
import yaml

from ._matrix import SpecProblem, matrix
from ._validate import short

OPS = ("correlate", "convolve", "transpose", "max_pool", "avg_pool")
POOLS = ("max_pool", "avg_pool")
SHOWS = ("equation", "animation", "table")
STYLES = ("numerical", "arithmetic")
DEFAULT_STYLE, DEFAULT_FRAME_MS = "numerical", 1000  # unless `[conv]` in site.toml says
KEYS = ("input", "kernel", "op", "padding", "stride", "dilation", "output_padding", "show",
        "file", "caption", "alt", "style", "color", "frame_ms", "digits")
MAX_DIGITS = 10
MIN_FRAME_MS, MAX_FRAME_MS = 20, 60_000
_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.gif$")


@dataclass(frozen=True)
class ConvSpec:
    input: np.ndarray = field(compare=False)
    kernel: np.ndarray | None = field(compare=False)  # None for pooling
    kernel_size: tuple[int, ...] | None  # pooling window; None otherwise
    op: str = "correlate"
    padding: object = "valid"  # "valid" | "same" | "full" | int | tuple of ints
    stride: object = 1  # int | tuple
    dilation: object = 1
    output_padding: object = 0
    show: tuple[str, ...] = ("animation",)
    file: str | None = None
    caption: str | None = None
    alt: str | None = None
    style: str = DEFAULT_STYLE
    color: str | None = None
    frame_ms: int = DEFAULT_FRAME_MS
    digits: int | None = None
    input_text: np.ndarray | None = field(default=None, compare=False, repr=False)  # as typed
    kernel_text: np.ndarray | None = field(default=None, compare=False, repr=False)
    lines: dict = field(default_factory=dict, compare=False, repr=False)  # key -> body line

    def animation_params(self) -> dict:
        """Everything that determines the animation's pixels and timing, as plain JSON values."""
        return {
            "input": _plain(self.input_text), "digits": self.digits,
            "kernel": None if self.kernel is None else _plain(self.kernel_text),
            "kernel_size": self.kernel_size, "op": self.op, "padding": self.padding,
            "stride": self.stride, "dilation": self.dilation,
            "output_padding": self.output_padding, "style": self.style, "color": self.color,
            "frame_ms": self.frame_ms,
        }

    def canonical(self) -> str:
        """A canonical text of the animation's parameters: equal specs, equal text."""
        return json.dumps(self.animation_params(), sort_keys=True, separators=(",", ":"))

    def gif_name(self) -> str:
        """`file`, or `conv-<first 12 hex of the SHA-256 of the canonical spec>.gif`."""
        if self.file:
            return self.file
        return "conv-" + hashlib.sha256(self.canonical().encode()).hexdigest()[:12] + ".gif"

    def line_of(self, key: str, default: int = 0) -> int:
        return self.lines.get(key, default)


def _plain(arr: np.ndarray):
    return [_plain(a) for a in arr] if isinstance(arr, np.ndarray) and arr.ndim else str(arr)


# --------------------------------------------------------------------------- YAML


def _load(text: str) -> tuple[object, yaml.Node | None, SpecProblem | None]:
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        return None, None, SpecProblem(line, f"the `conv` block is not valid YAML: {problem}; "
                                             "write one `key: value` per line, and a matrix as "
                                             "`input: |` followed by indented rows")
    finally:
        loader.dispose()
    return data, node, None


# --------------------------------------------------------------------------- parameters


def _ints(value, n_allowed: tuple[int, ...], minimum: int):
    """An int >= minimum, or a list of such ints whose length is in n_allowed; else None."""
    def ok(v):
        return isinstance(v, int) and not isinstance(v, bool) and v >= minimum
    if ok(value):
        return value
    if isinstance(value, list) and len(value) in n_allowed and all(ok(v) for v in value):
        return tuple(value)
    return None


def parse(text: str, *, style: str = DEFAULT_STYLE, frame_ms: int = DEFAULT_FRAME_MS
          ) -> tuple[ConvSpec | None, list[SpecProblem]]:
    """Parse a `conv` body. `style` and `frame_ms` are the site's defaults."""
    data, root, bad = _load(text)
    if bad is not None:
        return None, [bad]
    if data is None:
        return None, [SpecProblem(-1, "the `conv` block is empty; give at least `input:` and "
                                     "`kernel:` (see the `conv` block in docs/design.md)")]
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return None, [SpecProblem(-1, f"the `conv` block must be `key: value` lines, got "
                                     f"{short(data)}; accepted keys: {', '.join(KEYS)}")]
    problems: list[SpecProblem] = []
    lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        line = key_node.start_mark.line
        if key in lines:
            problems.append(SpecProblem(line, f"`{key}` is given twice (first on line "
                                              f"{lines[key] + 1} of the block); keep one"))
            continue
        lines[key] = line
        nodes[key] = value_node
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"accepted keys: {', '.join(KEYS)}"
            problems.append(SpecProblem(line, f"unknown key `{key}` in the `conv` block; {hint}"))

    def at(key: str) -> int:
        return lines.get(key, 0)

    data = dict(data)
    for key in [k for k in KEYS if k in data and data[k] is None]:
        hint = ("; quote a hex colour: `color: '#DC322F'` (`#` starts a YAML comment)"
                if key == "color" else "; give a value or remove the line")
        problems.append(SpecProblem(at(key), f"`{key}` has no value{hint}"))
        del data[key]

    def bad_value(key: str, accepted: str) -> None:
        problems.append(SpecProblem(at(key), f"`{key}` got {short(data[key])}; accepted: {accepted}"))

    op = data.get("op", "correlate")
    if op not in OPS:
        bad_value("op", ", ".join(OPS))
        op = "correlate"
    pooling = op in POOLS

    x = x_text = k_text = None
    if "input" not in data:
        problems.append(SpecProblem(-1, "`input` is required: the matrix the operation reads, "
                                       "e.g. `input: |` followed by rows like `1 2 0`"))
    else:
        x, x_text = matrix("input", data["input"], nodes["input"], problems) or (None, None)

    kernel = kernel_size = None
    if pooling:
        size = data.get("kernel", 2)
        kernel_size = _ints(size, (1, 2) if x is not None and x.ndim == 1 else (2,), 1)
        if kernel_size is None:
            bad_value("kernel", f"for `op: {op}` the window size: a positive integer or "
                                "[rows, cols]")
        elif isinstance(kernel_size, int):
            kernel_size = (kernel_size,) * (1 if x is not None and x.ndim == 1 else 2)
    elif "kernel" not in data:
        problems.append(SpecProblem(-1, f"`kernel` is required for `op: {op}`: its weights as "
                                       "rows, e.g. `kernel: |` followed by `0 1 2` lines"))
    else:
        kernel, k_text = matrix("kernel", data["kernel"], nodes["kernel"], problems) \
            or (None, None)
        if kernel is not None and x is not None and kernel.ndim != x.ndim:
            # one row beside a matrix is a 1 x n matrix
            x, kernel = np.atleast_2d(x), np.atleast_2d(kernel)
            x_text, k_text = x_text.reshape(x.shape), k_text.reshape(kernel.shape)

    naxes = x.ndim if x is not None else 2
    pair = "[left, right]" if naxes == 1 else "[rows, cols]"

    padding = data.get("padding", "valid")
    if op == "transpose" or pooling:
        value = 0 if padding == "valid" else padding
        padding = _ints(value, (naxes,), 0)
        if padding is None:
            bad_value("padding", f"for `op: {op}` a non-negative integer or {pair}")
        elif padding == 0:
            padding = "valid" if pooling else 0
    elif isinstance(padding, str):
        if padding not in ("valid", "same", "full"):
            bad_value("padding", f"valid, same, full, a non-negative integer, {pair}"
                                 + ("" if naxes == 1 else " or [top, bottom, left, right]"))
    else:
        value = _ints(padding, (2,) if naxes == 1 else (2, 4), 0)
        if value is None:
            bad_value("padding", f"valid, same, full, a non-negative integer, {pair}"
                                 + ("" if naxes == 1 else " or [top, bottom, left, right]"))
        padding = value if value is not None else "valid"
        if padding == 0:
            padding = "valid"

    def per_axis(key: str, default: int, minimum: int) -> object:
        value = _ints(data.get(key, default), (naxes,), minimum)
        if value is None:
            kind = "a positive integer" if minimum else "a non-negative integer"
            bad_value(key, f"{kind} or {pair}" if naxes == 2 else kind)
            return default
        if isinstance(value, tuple) and len(set(value)) == 1:
            value = value[0]
        return value

    stride = per_axis("stride", 1, 1)
    dilation = per_axis("dilation", 1, 1)
    output_padding = per_axis("output_padding", 0, 0)
    if pooling and "dilation" in data and dilation != 1:
        problems.append(SpecProblem(at("dilation"), f"`dilation` does not apply to `op: {op}`, "
                                                    f"got {short(data['dilation'])}; remove it"))
    if op != "transpose" and "output_padding" in data:
        problems.append(SpecProblem(at("output_padding"), "`output_padding` applies only to "
                                                          f"`op: transpose`, not `op: {op}`; "
                                                          "remove it"))
    if padding == "same" and stride != 1:
        problems.append(SpecProblem(at("padding"), f"`padding` same needs `stride` 1, got "
                                                   f"stride {short(data.get('stride'))}; "
                                                   "accepted: stride 1, or a padding in numbers"))

    show = data.get("show", ["animation"])
    show = [show] if isinstance(show, str) else show
    if not (isinstance(show, list) and show and all(s in SHOWS for s in show)
            and len(set(show)) == len(show)):
        bad_value("show", f"one of {', '.join(SHOWS)} or a list of them without repeats, "
                          "e.g. [equation, animation]")
        show = ["animation"]

    file = data.get("file")
    if file is not None:
        if not (isinstance(file, str) and _FILE.match(file) and ".." not in file):
            bad_value("file", "a plain file name ending in .gif, letters, digits, `_`, `-` and "
                              "`.` only, no folders (e.g. corr_no_padding.gif)")
            file = None
        elif "animation" not in show:
            problems.append(SpecProblem(at("file"), f"`file` names the animation, but `show` "
                                                    f"{list(show)} has no `animation`; add it "
                                                    "or remove `file`"))
    texts = {}
    for key in ("caption", "alt"):
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and value.strip()):
            bad_value(key, "text (quote it if it starts with a special character)")
            value = None
        texts[key] = value.strip() if value else None

    style = data.get("style", style)
    if style not in STYLES:
        bad_value("style", "numerical (flat grids with numbers) or arithmetic (the oblique tiles "
                           "of the classic figures)")
        style = DEFAULT_STYLE

    color = data.get("color")
    if color is not None:
        from .frames import parse_color

        try:
            parse_color(color if isinstance(color, str) else repr(color), op)
            if not isinstance(color, str):
                raise ValueError
        except ValueError:
            bad_value("color", "a hex colour such as '#DC322F' (quoted: `#` starts a YAML "
                               "comment) or a colour name such as red, navy or tab:blue")
            color = None

    frame_ms = data.get("frame_ms", frame_ms)
    if not (isinstance(frame_ms, int) and not isinstance(frame_ms, bool)
            and MIN_FRAME_MS <= frame_ms <= MAX_FRAME_MS):
        bad_value("frame_ms", f"an integer number of milliseconds from {MIN_FRAME_MS} to "
                              f"{MAX_FRAME_MS}")
        frame_ms = DEFAULT_FRAME_MS

    digits = data.get("digits")
    if digits is not None and not (isinstance(digits, int) and not isinstance(digits, bool)
                                   and 0 <= digits <= MAX_DIGITS):
        bad_value("digits", f"an integer from 0 to {MAX_DIGITS}: the decimals kept where a "
                            "result must be rounded")
        digits = None

    if problems or x is None:
        problems.sort(key=lambda p: p.line)
        return None, problems
    return ConvSpec(
        input=x, kernel=kernel, kernel_size=kernel_size, op=op, padding=padding, stride=stride,
        dilation=dilation, output_padding=output_padding, show=tuple(show), file=file,
        caption=texts["caption"], alt=texts["alt"], style=style, color=color,
        frame_ms=frame_ms, digits=digits, input_text=x_text, kernel_text=k_text, lines=lines,
    ), []
