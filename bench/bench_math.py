"""Typesetting cost per formula: PyKaTeX one by one against KaTeX in V8, one by one and batched.

    python bench/bench_math.py [--posts 200]

Takes the formulas of the first `--posts` benchmark posts (bench/corpus.py, 14 a post), less
those an earlier post already had (the build's memo never typesets a formula twice), and
times the KaTeX call alone in 3 passes (the first, then the best): PyKaTeX (QuickJS) one call
per formula, as the build did before; V8 one call per formula; V8 one call per post, as the
build does now; V8 one call for them all. Then the whole pipeline (engine/math.py
`typeset_many`: TeX fixes, KaTeX, the MathML Core fixes) one call per post, and what starting
V8 and loading KaTeX costs a process. PyKaTeX is a test dependency (requirements-test.txt).

A tight loop flatters both typesetters: inside a build, where parsing and templates run
between the calls, PyKaTeX measured 0.6-0.75 ms and V8 0.33-0.40 ms a formula (call included).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from engine import katexjs, math  # noqa: E402

_FENCE = re.compile(r"^```.*?^```$", re.S | re.M)
_DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$$", re.S | re.M)
_INLINE = re.compile(r"\$([^$\n]+)\$")


def post_formulas(n: int) -> list[list[tuple[str, bool, bool]]]:
    """Each post's new formulas as KaTeX gets them: (tex, display, colour is text colour)."""
    posts, seen = [], set()
    for i in range(1, n + 1):
        text = _FENCE.sub("", corpus.render_post(i))
        body = text[text.index("\n---\n", 4) + 5:]
        found = ([(tex, True, False) for tex in _DISPLAY.findall(body)]
                 + [(tex, False, False) for tex in _INLINE.findall(_DISPLAY.sub("", body))])
        posts.append([f for f in dict.fromkeys(found) if f not in seen])
        seen.update(found)
    return posts


def timed(run, passes: int = 3) -> tuple[float, float]:
    """Seconds of the first pass (what a build sees: each formula once) and of the best."""
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times[0], min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    posts = post_formulas(args.posts)
    flat = [item for post in posts for item in post]
    n = len(flat)

    started = time.perf_counter()
    katexjs.render([("x", False, False)])  # V8 started, katex.min.js loaded and compiled
    start_up = time.perf_counter() - started

    def pykatex_each():
        import pykatex
        for tex, display, colour in flat:
            pykatex.renderToString(tex, displayMode=display, output="mathml", throwOnError=True,
                                   colorIsTextColor=colour, strict="error")

    rows = [
        ("PyKaTeX, a call per formula", timed(pykatex_each)),
        ("V8, a call per formula", timed(lambda: [katexjs.render([item]) for item in flat])),
        ("V8, a call per post", timed(lambda: [katexjs.render(post) for post in posts])),
        ("V8, one call for all", timed(lambda: katexjs.render(flat))),
        ("whole pipeline (math.typeset_many), a call per post", timed(lambda: [
            math.typeset_many([(tex, display, "modern", "") for tex, display, _ in post])
            for post in posts])),
    ]
    base = rows[0][1]
    print(f"{n} distinct formulas from {len(posts)} benchmark posts; ms/formula in the first "
          "of 3 passes, then the best (warm caches, JIT)")
    print(f"{'':54} {'first':>7} {'best':>7} {'x PyKaTeX':>10}")
    for name, (first, least) in rows:
        print(f"{name:54} {first / n * 1000:>7.3f} {least / n * 1000:>7.3f} "
              f"{base[0] / first:>4.1f} {base[1] / least:>5.1f}")
    print(f"V8 start-up and KaTeX load, once per process: {start_up * 1000:.0f} ms")


if __name__ == "__main__":
    main()
