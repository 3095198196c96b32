"""The `conv` block language: fixtures of good blocks (with the spec they parse to), bad blocks
(with every message and its line) and the equation TeX each operation writes.

Fixtures are markdown-it's three-dot format: title, block body, expected text.
`CONV_FIXTURES_WRITE=1 pytest tests/test_conv_spec.py` rewrites the expected texts from the
current code (review the diff before committing it).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from markdown_it.utils import read_fixture_file

from engine import math
from plugins.conv import markup, spec as specs
from plugins.conv.block import trace_of

FIXTURES = Path(__file__).parent / "fixtures" / "conv"
WRITE = os.environ.get("CONV_FIXTURES_WRITE") == "1"


def describe(spec: specs.ConvSpec) -> str:
    params = spec.animation_params()
    lines = [f"{key}: {params[key]!r}" for key in sorted(params)]
    for key in ("show", "file", "caption", "alt"):
        lines.append(f"{key}: {getattr(spec, key)!r}")
    lines.append(f"gif: {spec.gif_name()}")
    return "\n".join(lines) + "\n"


def problems_text(body: str) -> str:
    spec, problems = specs.parse(body)
    assert (spec is None) == bool(problems)
    return "".join(f"{p.line + 1}: {p.message}\n" for p in problems)


def equation_text(body: str) -> str:
    spec, problems = specs.parse(body)
    assert not problems, problems
    return markup.equation_tex(spec, trace_of(spec)) + "\n"


def cases(name: str):
    path = FIXTURES / name
    return [pytest.param(path, line, body, expected, id=f"{line}:{title}")
            for line, title, body, expected in read_fixture_file(path)]


def check(path: Path, body: str, expected: str, actual: str) -> None:
    if WRITE and actual != expected:
        text = path.read_text(encoding="utf-8")
        old = f".\n{body}.\n{expected}.\n"
        assert text.count(old) == 1, "cannot rewrite an ambiguous fixture"
        path.write_text(text.replace(old, f".\n{body}.\n{actual}.\n"), encoding="utf-8")
        return
    assert actual == expected


@pytest.mark.parametrize("path,line,body,expected", cases("spec_good.txt"))
def test_good_blocks_parse(path, line, body, expected):
    spec, problems = specs.parse(body, style="numerical", frame_ms=1000)
    assert problems == []
    check(path, body, expected, describe(spec))
    trace_of(spec)  # and the core accepts every good fixture


@pytest.mark.parametrize("path,line,body,expected", cases("spec_bad.txt"))
def test_bad_blocks_report_every_problem_at_its_line(path, line, body, expected):
    check(path, body, expected, problems_text(body))
    assert expected.strip() or WRITE, "a bad fixture needs its messages"


@pytest.mark.parametrize("path,line,body,expected", cases("equations.txt"))
def test_equations_are_tex_that_katex_typesets(path, line, body, expected):
    tex = equation_text(body)
    check(path, body, expected, tex)
    result = math.typeset(tex.strip(), display=True, dialect="modern")
    assert result.mathml.startswith("<math") and not result.warnings


def test_site_defaults_apply_and_the_block_overrides_them():
    spec, _ = specs.parse("input: 1 2 3\nkernel: 1 1\n", style="arithmetic", frame_ms=250)
    assert (spec.style, spec.frame_ms) == ("arithmetic", 250)
    spec, _ = specs.parse("input: 1 2 3\nkernel: 1 1\nstyle: numerical\nframe_ms: 40\n",
                          style="arithmetic", frame_ms=250)
    assert (spec.style, spec.frame_ms) == ("numerical", 40)


def test_text_rows_and_yaml_lists_give_the_same_spec_and_name():
    a, _ = specs.parse("input: |\n  1, 2\n  3 4\nkernel: |\n  1\n")
    b, _ = specs.parse("input: [[1, 2], [3, 4]]\nkernel: [[1]]\n")
    assert a.canonical() == b.canonical() and a.gif_name() == b.gif_name()
    assert a.input.dtype == np.int64 and a.gif_name().startswith("conv-")
    c, _ = specs.parse("input: [[1, 2], [3, 4]]\nkernel: [[1]]\ncaption: words\nshow: table\n")
    assert c.gif_name() == a.gif_name()  # caption and show do not change the pixels
    d, _ = specs.parse("input: [[1, 2], [3, 5]]\nkernel: [[1]]\n")
    assert d.gif_name() != a.gif_name()


def test_alt_text_states_the_computation():
    spec, _ = specs.parse("input: |\n" + "  1 2 3 4 5\n" * 5 + "kernel: |\n" + "  1 1 1\n" * 3)
    assert markup.alt_text(spec, trace_of(spec)) == (
        "Cross-correlation of a 5×5 input with a 3×3 kernel, no padding, stride 1, "
        "giving a 3×3 output")
    spec, _ = specs.parse("input: |\n" + "  1 2 3 4 5\n" * 5 + "kernel: 3\nop: max_pool\n"
                          "padding: 1\nstride: 2\n")
    assert markup.alt_text(spec, trace_of(spec)) == (
        "Max pooling of a 5×5 input with a 3×3 window, padding 1, stride 2, giving a 3×3 output")
    spec, _ = specs.parse("input: 1 2 3\nkernel: 1 1\nalt: Mine\n")
    assert markup.alt_text(spec, trace_of(spec)) == "Mine"


def test_alt_text_and_caption_say_how_same_padded_an_even_kernel():
    spec, _ = specs.parse("input: |\n" + "  1 2 3 4\n" * 4 + "kernel: |\n  1 0\n  0 1\n"
                          "padding: same\n")
    trace = trace_of(spec)
    assert markup.alt_text(spec, trace) == (
        "Cross-correlation of a 4×4 input with a 2×2 kernel, same padding (0 top, 1 bottom, "
        "0 left, 1 right), stride 1, giving a 4×4 output")
    spec, _ = specs.parse("input: 1 2 3 4 5\nkernel: 1 0 1\npadding: same\ndilation: 2\n")
    trace = trace_of(spec)
    note = markup.caption_note(spec, trace, markup._notation(spec, trace))
    assert note == "Same padding (2 on every side), stride 1, dilation 2."
