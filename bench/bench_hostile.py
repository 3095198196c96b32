"""Rendering time against input size on hostile shapes: one huge paragraph, deep nesting.

    python bench/bench_hostile.py [--mb 1.0]

Renders (Markdown, math, the inline line mapper) a single paragraph of 1/4, 1/2 and 1 times
`--mb` megabytes, and prints seconds and the ratio between sizes: linear rendering doubles
with the size, a quadratic one quadruples. The paragraph is prose with emphasis, inline code,
a link and a formula every few dozen words, the way a pasted log or a generated table would
arrive in a post. Target: 1 MB under 2 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import content, markdown  # noqa: E402
from engine.formulas import FormulaStore  # noqa: E402

_WORDS = ["the", "kernel", "slides", "over", "input", "and", "sums", "products", "of", "each",
          "window", "output", "stride", "padding", "channel", "weights"]
_MARKUP = ["*emphasis*", "`code`", "[a link](https://example.org/)", "$x_{i}$", "**bold**"]


def paragraph(size: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    parts, total = [], 0
    while total < size:
        word = rng.choice(_MARKUP) if rng.random() < 0.06 else rng.choice(_WORDS)
        parts.append(word)
        total += len(word) + 1
    return " ".join(parts) + "\n"


def render_seconds(text: str) -> float:
    post = content.Post(source="bench.md", kind="post", title="t", url="t/", body=text,
                        body_line=1, digest="")
    store = FormulaStore(None)
    started = time.perf_counter()
    result = markdown.render(post, "modern", store)
    elapsed = time.perf_counter() - started
    assert not result.errors, result.errors[:3]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0)
    args = parser.parse_args()
    render_seconds("warm $x$ up\n")
    rows = []
    for fraction in (0.25, 0.5, 1.0):
        size = int(args.mb * fraction * 1_000_000)
        rows.append((size, render_seconds(paragraph(size))))
    print(f"{'paragraph':>12}  {'seconds':>8}  {'x previous':>10}")
    previous = None
    for size, seconds in rows:
        ratio = f"{seconds / previous:.2f}" if previous else ""
        print(f"{size / 1e6:>10.2f}MB  {seconds:>8.2f}  {ratio:>10}")
        previous = seconds
    size, seconds = rows[-1]
    verdict = "PASS" if seconds < 2.0 * args.mb else "FAIL"
    print(f"{size / 1e6:.2f} MB in {seconds:.2f} s (target < {2.0 * args.mb:.1f} s): {verdict}")


if __name__ == "__main__":
    main()
