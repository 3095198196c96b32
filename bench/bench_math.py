"""Typesetting cost per formula: PyKaTeX one by one against KaTeX in V8, one by one and batched.

    python bench/bench_math.py [--posts 100]

Takes the formulas of the first `--posts` benchmark posts (bench/corpus.py, 14 a post) and
times the KaTeX call alone, each way, best of 3 passes: PyKaTeX (QuickJS) one call per
formula, as the build did before; V8 one call per formula; V8 one call per post, as the build
does now; V8 one call for them all. Then the whole pipeline (engine/math.py `typeset_many`:
TeX fixes, KaTeX, the MathML Core fixes) one call per post, and what starting V8 and loading
KaTeX costs a process. PyKaTeX is a test dependency (requirements-test.txt).
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
    """Each post's formulas as KaTeX gets them: (tex, display, colour is text colour)."""
    posts = []
    for i in range(1, n + 1):
        text = _FENCE.sub("", corpus.render_post(i))
        body = text[text.index("\n---\n", 4) + 5:]
        posts.append([(tex, True, False) for tex in _DISPLAY.findall(body)]
                     + [(tex, False, False) for tex in _INLINE.findall(_DISPLAY.sub("", body))])
    return posts


def best(run, passes: int = 3) -> float:
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
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
        ("PyKaTeX, a call per formula", best(pykatex_each)),
        ("V8, a call per formula", best(lambda: [katexjs.render([item]) for item in flat])),
        ("V8, a call per post", best(lambda: [katexjs.render(post) for post in posts])),
        ("V8, one call for all", best(lambda: katexjs.render(flat))),
        ("whole pipeline (math.typeset_many), a call per post", best(lambda: [
            math.typeset_many([(tex, display, "modern", "") for tex, display, _ in post])
            for post in posts])),
    ]
    base = rows[0][1]
    print(f"{n} formulas from {len(posts)} benchmark posts, best of 3 passes")
    print(f"{'':54} {'ms/formula':>10} {'x PyKaTeX':>10}")
    for name, seconds in rows:
        print(f"{name:54} {seconds / n * 1000:>10.3f} {base / seconds:>10.1f}")
    print(f"V8 start-up and KaTeX load, once per process: {start_up * 1000:.0f} ms")


if __name__ == "__main__":
    main()
