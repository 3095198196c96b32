"""Matrices in a `conv` block: rows of text or YAML lists, checked row by row.

Problems are `SpecProblem(line, message)` at the offending row, `line` 0-based inside the
block's body. A number is an integer, a decimal (`0.125`, `1e-3`) or a fraction (`1/2`); the
text each was typed as is kept, so the figures show it as written (see numbers.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import yaml

from ._validate import short

_SPLIT = re.compile(r"[,\s]+")
_INT = re.compile(r"^[+-]?\d+$")
_FRACTION = re.compile(r"^[+-]?\d+/\d+$")


@dataclass(frozen=True)
class SpecProblem:
    line: int  # 0-based line inside the block's body
    message: str


def number(token: str):
    """An int, a float, or (for `a/b`) a Fraction; ValueError for anything else."""
    if _INT.match(token):
        return int(token)
    if _FRACTION.match(token):
        if int(token.split("/")[1]) == 0:
            raise ValueError(token)
        return Fraction(token)
    value = float(token)  # ValueError for words
    if not math.isfinite(value) or token.strip().lower().lstrip("+-").startswith(("nan", "inf")):
        raise ValueError(token)
    return value


def _token(value, node) -> str:
    """The text a YAML scalar was typed as, when it reads back as the same number."""
    text = getattr(node, "value", None)
    if isinstance(text, str):
        try:
            if Fraction(text.strip().replace("_", "")) == Fraction(value):
                return text.strip().replace("_", "")
        except (ValueError, ZeroDivisionError, TypeError):
            pass
    return repr(value) if isinstance(value, float) else str(value)


def matrix(key: str, value, node: yaml.Node, problems: list[SpecProblem]
           ) -> tuple[np.ndarray, np.ndarray] | None:
    """(numbers, typed texts) as 1-D or 2-D arrays from rows of text or YAML lists; problems at
    the offending row. Fractions are floats in `numbers` and exact in their text."""
    accepted = ("rows on lines with numbers (integers, decimals or fractions such as 1/2) "
                "separated by spaces or commas (`|` then indented rows), or a YAML list such as "
                "[[1, 2], [3, 4]]")
    key_line = node.start_mark.line
    rows: list[list] = []
    texts: list[list[str]] = []
    row_lines: list[int] = []

    def split(raw: str) -> tuple[list, list[str]]:
        tokens = [t for t in _SPLIT.split(raw.strip()) if t]
        return [number(t) for t in tokens], tokens

    def scalar(item, item_node):
        """A YAML list item: a number, or a string such as '1/2'."""
        if isinstance(item, str):
            nums, toks = split(item)
            if len(nums) != 1:
                raise ValueError(item)
            return nums[0], toks[0]
        if not is_num(item):
            raise ValueError(item)
        return item, _token(item, item_node)

    if isinstance(value, str):
        block = getattr(node, "style", None) in ("|", ">")
        for n, raw in enumerate(value.split("\n")):
            if not raw.strip():
                continue
            line = key_line + 1 + n if block else key_line
            try:
                nums, toks = split(raw)
            except ValueError:
                problems.append(SpecProblem(line, f"`{key}` row {raw.strip()!r} has a value that "
                                                  "is not a finite number; accepted: " + accepted))
                return None
            rows.append(nums)
            texts.append(toks)
            row_lines.append(line)
        one_d = len(rows) == 1
    elif isinstance(value, list) and value and isinstance(node, yaml.SequenceNode) and all(
            is_num(v) or isinstance(v, str) and _FRACTION.match(v.strip()) for v in value):
        try:
            pairs = [scalar(v, n) for v, n in zip(value, node.value)]
        except ValueError:
            problems.append(SpecProblem(key_line, f"`{key}` {short(value)} must be a list of "
                                                  "finite numbers; accepted: " + accepted))
            return None
        rows, texts, row_lines, one_d = [[p[0] for p in pairs]], [[p[1] for p in pairs]], \
            [key_line], True
    elif isinstance(value, list) and value and all(isinstance(v, (list, str)) for v in value):
        one_d = False
        seq = node.value if isinstance(node, yaml.SequenceNode) else [node] * len(value)
        for item, item_node in zip(value, seq):
            line = item_node.start_mark.line
            try:
                if isinstance(item, str):
                    pairs = list(zip(*split(item)))
                else:
                    subs = item_node.value if isinstance(item_node, yaml.SequenceNode) else []
                    if len(subs) != len(item):
                        raise ValueError(item)
                    pairs = [scalar(v, n) for v, n in zip(item, subs)]
                if not pairs:
                    raise ValueError(item)
            except ValueError:
                problems.append(SpecProblem(line, f"`{key}` row {short(item)} must be a list of "
                                                  "finite numbers; accepted: " + accepted))
                return None
            rows.append([p[0] for p in pairs])
            texts.append([p[1] for p in pairs])
            row_lines.append(line)
    else:
        hint = f" (a 1×1 {key} is [[{value}]])" if is_num(value) else ""
        problems.append(SpecProblem(key_line, f"`{key}` must be a matrix, got {short(value)}"
                                              f"{hint}; accepted: " + accepted))
        return None
    if not rows or not rows[0]:
        problems.append(SpecProblem(key_line, f"`{key}` is empty; accepted: " + accepted))
        return None
    width = len(rows[0])
    for row, toks, line in zip(rows, texts, row_lines):
        if len(row) != width:
            problems.append(SpecProblem(line, f"`{key}` rows must all have the same length: the "
                                              f"first has {width} numbers, this one {len(row)} "
                                              f"({' '.join(toks)!r})"))
            return None
    dtype = np.int64 if all(isinstance(v, int) for r in rows for v in r) else np.float64
    if dtype is np.int64 and any(abs(v) > 2**53 for r in rows for v in r):
        problems.append(SpecProblem(key_line, f"`{key}` has an integer beyond 2**53; accepted: "
                                              "numbers of at most 15 digits"))
        return None
    arr = np.array([[float(v) if isinstance(v, Fraction) else v for v in r] for r in rows],
                   dtype=dtype)
    txt = np.array(texts, dtype=object)
    return (arr[0], txt[0]) if one_d else (arr, txt)


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
