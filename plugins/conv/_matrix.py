"""Matrices in a `conv` block: rows of text or YAML lists, checked row by row.

Problems are `SpecProblem(line, message)` at the offending row, `line` 0-based inside the
block's body.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import yaml

from ._validate import short

_SPLIT = re.compile(r"[,\s]+")
_INT = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class SpecProblem:
    line: int  # 0-based line inside the block's body
    message: str


def number(token: str):
    if _INT.match(token):
        return int(token)
    value = float(token)  # ValueError for words
    if not math.isfinite(value):
        raise ValueError(token)
    return value


def matrix(key: str, value, node: yaml.Node, problems: list[SpecProblem]) -> np.ndarray | None:
    """A 1-D or 2-D array from rows of text or YAML lists; problems at the offending row."""
    accepted = ("rows on lines with numbers separated by spaces or commas (`|` then indented "
                "rows), or a YAML list such as [[1, 2], [3, 4]]")
    key_line = node.start_mark.line
    rows: list[list] = []
    row_lines: list[int] = []
    if isinstance(value, str):
        block = getattr(node, "style", None) in ("|", ">")
        for n, raw in enumerate(value.split("\n")):
            if not raw.strip():
                continue
            line = key_line + 1 + n if block else key_line
            try:
                rows.append([number(t) for t in _SPLIT.split(raw.strip()) if t])
            except ValueError:
                problems.append(SpecProblem(line, f"`{key}` row {raw.strip()!r} has a value that "
                                                  "is not a finite number; accepted: " + accepted))
                return None
            row_lines.append(line)
        one_d = len(rows) == 1
    elif isinstance(value, list) and value and all(is_num(v) for v in value):
        rows, row_lines, one_d = [list(value)], [key_line], True
    elif isinstance(value, list) and value and all(isinstance(v, (list, str)) for v in value):
        one_d = False
        seq = node.value if isinstance(node, yaml.SequenceNode) else [node] * len(value)
        for item, item_node in zip(value, seq):
            line = item_node.start_mark.line
            if isinstance(item, str):
                try:
                    item = [number(t) for t in _SPLIT.split(item.strip()) if t]
                except ValueError:
                    item = [item]
            if not item or not all(is_num(v) for v in item):
                problems.append(SpecProblem(line, f"`{key}` row {short(item)} must be a list of "
                                                  "finite numbers; accepted: " + accepted))
                return None
            rows.append(list(item))
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
    for row, line in zip(rows, row_lines):
        if len(row) != width:
            problems.append(SpecProblem(line, f"`{key}` rows must all have the same length: the "
                                              f"first has {width} numbers, this one {len(row)} "
                                              f"({' '.join(map(str, row))!r})"))
            return None
    dtype = np.int64 if all(isinstance(v, int) for r in rows for v in r) else np.float64
    if dtype is np.int64 and any(abs(v) > 2**53 for r in rows for v in r):
        problems.append(SpecProblem(key_line, f"`{key}` has an integer beyond 2**53; accepted: "
                                              "numbers of at most 15 digits"))
        return None
    arr = np.array(rows, dtype=dtype)
    return arr[0] if one_d else arr


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
