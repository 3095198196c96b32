"""Animation benchmark: the seed post's two GIFs, the gallery, and the usual matplotlib way.

    python bench/bench_anim.py [--repeat 5] [--out bench/out/anim]

Measures, for the seed post's animations (5x5 input, 3x3 kernel, correlate and convolve,
`numerical` style, 9 frames each):

  draw      frames.render(): matplotlib draws the layers once, frames composed as arrays;
  encode    gif.encode_gif(): Pillow writes the GIF with the frames' shared palette;
  bytes     size of the GIF per frame (the classic GIFs: about 9-13 KB per frame);
  baseline  the same animation made the way most people would: a FuncAnimation whose update
            clears the axes and redraws every patch and number, saved with PillowWriter.

and the gallery: the 15 classic animations (`arithmetic` style) and the 4 numerical ones of
docs/conv-arithmetic.md, rendered and encoded in a fresh interpreter (cold: imports, font
loading and all), timed from the interpreter's start, plus the same warm in this process.

Targets (issue): >= 10x the baseline's frames per second; < 5 ms per frame drawn and encoded
for the seed animation; the gallery < 3 s cold; bytes per frame no larger than the classic.
Exit status 0 whatever the figures say (this is a report).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plugins.conv.core import steps  # noqa: E402
from plugins.conv.frames import render  # noqa: E402
from plugins.conv.gif import encode_gif  # noqa: E402

SEED_X = [[1, 2, 2, 1, 0], [3, 3, 3, 3, 0], [3, 0, 0, 2, 2], [0, 3, 0, 3, 3], [2, 2, 2, 3, 2]]
SEED_K = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
NUM_X = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
NUM_K = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]


def _ones(n):
    return np.ones((n, n), int)


def _k(n):
    return np.arange(n * n).reshape(n, n) % 3


# name -> (style, steps() arguments); transposed ones take the direct operation's output size
GALLERY = {
    "no_padding_no_strides": ("arithmetic", dict(x=_ones(4), k=_k(3))),
    "arbitrary_padding_no_strides": ("arithmetic", dict(x=_ones(5), k=_k(4), padding=2)),
    "same_padding_no_strides": ("arithmetic", dict(x=_ones(5), k=_k(3), padding=1)),
    "full_padding_no_strides": ("arithmetic", dict(x=_ones(5), k=_k(3), padding=2)),
    "no_padding_strides": ("arithmetic", dict(x=_ones(5), k=_k(3), stride=2)),
    "padding_strides": ("arithmetic", dict(x=_ones(5), k=_k(3), padding=1, stride=2)),
    "padding_strides_odd": ("arithmetic", dict(x=_ones(6), k=_k(3), padding=1, stride=2)),
    "dilation": ("arithmetic", dict(x=_ones(7), k=_k(3), dilation=2)),
    "no_padding_no_strides_transposed": ("arithmetic", dict(x=_ones(2), k=_k(3), op="transpose")),
    "arbitrary_padding_no_strides_transposed": (
        "arithmetic", dict(x=_ones(6), k=_k(4), op="transpose", padding=2)),
    "same_padding_no_strides_transposed": (
        "arithmetic", dict(x=_ones(5), k=_k(3), op="transpose", padding=1)),
    "full_padding_no_strides_transposed": (
        "arithmetic", dict(x=_ones(7), k=_k(3), op="transpose", padding=2)),
    "no_padding_strides_transposed": (
        "arithmetic", dict(x=_ones(2), k=_k(3), op="transpose", stride=2)),
    "padding_strides_transposed": (
        "arithmetic", dict(x=_ones(3), k=_k(3), op="transpose", padding=1, stride=2)),
    "padding_strides_odd_transposed": (
        "arithmetic", dict(x=_ones(3), k=_k(3), op="transpose", padding=1, stride=2,
                           output_padding=1)),
    "numerical_no_padding_no_strides": ("numerical", dict(x=NUM_X, k=NUM_K)),
    "numerical_padding_strides": ("numerical", dict(x=NUM_X, k=NUM_K, padding=1, stride=2)),
    "numerical_average_pooling": ("numerical", dict(x=NUM_X, kernel_size=3, op="avg_pool",
                                                    stride=1)),
    "numerical_max_pooling": ("numerical", dict(x=NUM_X, kernel_size=3, op="max_pool",
                                                stride=1)),
}
EXPECTED_FRAMES = {"no_padding_no_strides": 4, "arbitrary_padding_no_strides": 36,
                   "full_padding_no_strides": 49, "padding_strides_odd": 9, "dilation": 9,
                   "no_padding_no_strides_transposed": 16,
                   "arbitrary_padding_no_strides_transposed": 25,
                   "padding_strides_odd_transposed": 36}


def gallery(out: Path | None = None) -> dict[str, tuple[int, int, tuple[int, int]]]:
    """Render and encode the gallery; name -> (frames, bytes, size)."""
    result = {}
    for name, (style, kw) in GALLERY.items():
        kw = dict(kw)
        t = steps(kw.pop("x"), kw.pop("k", None), **kw)
        fr = render(t, style=style)
        data = encode_gif(fr)
        if out is not None:
            (out / f"{name}.gif").write_bytes(data)
        result[name] = (len(fr), len(data), fr.size)
    return result


def baseline_funcanimation(x, k, path: Path) -> tuple[int, float]:
    """The usual way: redraw the whole figure each frame in FuncAnimation, save with
    PillowWriter. Same content as the numerical frame (grids, numbers, window, weights, sum)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter
    from matplotlib.patches import Rectangle

    x, k = np.asarray(x), np.asarray(k)
    n, kk = x.shape[0], k.shape[0]
    o = n - kk + 1
    res = np.array([[(x[i:i + kk, j:j + kk] * k).sum() for j in range(o)] for i in range(o)])
    fig, ax = plt.subplots(figsize=(4.0, 2.9), dpi=100)

    def update(f):
        i, j = divmod(f, o)
        ax.clear()
        ax.set_xlim(-0.5, n + o + 1.5)
        ax.set_ylim(n + 1.6, -0.5)
        ax.set_axis_off()
        for r in range(n):
            for c in range(n):
                inwin = i <= r < i + kk and j <= c < j + kk
                ax.add_patch(Rectangle((c, r), 1, 1, facecolor="#1a6998" if inwin else "#268bd2",
                                       edgecolor="#002b36", lw=2 if inwin else 1))
                ax.text(c + 0.5, r + 0.5, str(x[r, c]), ha="center", va="center", fontsize=10)
                if inwin:
                    ax.text(c + 0.85, r + 0.85, str(k[r - i, c - j]), ha="right", fontsize=6,
                            color="white")
        for r in range(o):
            for c in range(o):
                cur = (r, c) == (i, j)
                done = r * o + c <= f
                ax.add_patch(Rectangle((n + 1 + c, r + 1), 1, 1, edgecolor="#002b36",
                                       facecolor="#1c7676" if cur else
                                       ("#2aa198" if done else "#e4f3f1"), lw=2 if cur else 1))
                if done:
                    ax.text(n + 1.5 + c, r + 1.5, str(res[r, c]), ha="center", va="center",
                            fontsize=10)
        terms = " + ".join(f"{x[i + a, j + b]}·{k[a, b]}" for a in range(kk) for b in range(kk))
        ax.text(0, n + 1.0, f"{terms} = {res[i, j]}", fontsize=8)

    t0 = time.perf_counter()
    anim = FuncAnimation(fig, update, frames=o * o, blit=False)
    anim.save(path, writer=PillowWriter(fps=1))
    dt = time.perf_counter() - t0
    plt.close(fig)
    return o * o, dt


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        val = fn()
        times.append(time.perf_counter() - t0)
    return min(times), val


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None, help="write the GIFs here")
    args = ap.parse_args(argv)
    out = args.out
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)

    print("seed animations (numerical, 5x5 input, 3x3 kernel, 9 frames), best of", args.repeat)
    for op in ("correlate", "convolve"):
        t = steps(SEED_X, SEED_K, op=op)
        cold0 = time.perf_counter()
        fr = render(t)
        data = encode_gif(fr)
        cold = time.perf_counter() - cold0
        d, fr = _best(lambda: render(t), args.repeat)
        e, data = _best(lambda: encode_gif(fr), args.repeat)
        n = len(fr)
        if out is not None:
            (out / f"{op[:4]}_numerical_no_padding_no_strides.gif").write_bytes(data)
        w, h = fr.size
        print(f"  {op:9s} {w}x{h}  draw {1e3 * d / n:5.2f} ms/frame  encode {1e3 * e / n:5.2f}"
              f" ms/frame  total {1e3 * (d + e) / n:5.2f} ms/frame ({n / (d + e):6.0f} fps)"
              f"  first call {1e3 * cold:6.1f} ms  {len(data) / n / 1e3:5.2f} KB/frame")
        ours_fps = n / (d + e)

    with tempfile.TemporaryDirectory() as tmp:
        n, dt = baseline_funcanimation(SEED_X, SEED_K, Path(tmp) / "baseline.gif")
        size = (Path(tmp) / "baseline.gif").stat().st_size
    print(f"  baseline FuncAnimation + PillowWriter: {1e3 * dt / n:6.1f} ms/frame "
          f"({n / dt:5.1f} fps), {size / n / 1e3:5.2f} KB/frame -> ours is "
          f"{ours_fps / (n / dt):5.1f}x faster")

    code = ("import time; t0 = time.perf_counter(); import sys; sys.path.insert(0, %r); "
            "from bench.bench_anim import gallery; from pathlib import Path; "
            "r = gallery(%s); print(time.perf_counter() - t0)") % (
        str(ROOT), f"Path({str(out)!r})" if out is not None else "None")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode:
        print(proc.stderr)
        return 1
    inner = float(proc.stdout.split()[-1])
    t0 = time.perf_counter()
    res = gallery()
    warm = time.perf_counter() - t0
    frames = sum(v[0] for v in res.values())
    size = sum(v[1] for v in res.values())
    print(f"gallery: {len(res)} animations, {frames} frames, {size / 1e6:.2f} MB "
          f"({size / frames / 1e3:.2f} KB/frame)")
    print(f"  cold: {wall:.2f} s for the whole process ({inner:.2f} s from interpreter start "
          f"to the last GIF); warm, in process: {warm:.2f} s ({1e3 * warm / frames:.2f} "
          f"ms/frame)")
    for name, (n, b, (w, h)) in res.items():
        flag = "" if EXPECTED_FRAMES.get(name, n) == n else f"  (classic: {EXPECTED_FRAMES[name]})"
        print(f"    {name:42s} {n:3d} frames {w:4d}x{h:<4d} {b / n / 1e3:5.2f} KB/frame{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
