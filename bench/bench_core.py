"""Benchmark of the convolution core against SciPy and (when installed) PyTorch.

Run from the repository root: ``python bench/bench_core.py``. Prints, per case, the best of a
few runs in milliseconds for the core and the reference, their ratio, and the peak memory the
core's call allocated (tracemalloc, measured in a separate run), next to the output's size.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.conv import core  # noqa: E402


def best_ms(fn, repeat: int = 5) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    from scipy import signal

    rng = np.random.default_rng(0)
    rows = []
    x = rng.standard_normal((512, 512))
    for size in (3, 7, 15):
        k = rng.standard_normal((size, size))
        ours = core.correlate(x, k)
        ref = signal.correlate2d(x, k, mode="valid")
        assert np.allclose(ours, ref, rtol=1e-10, atol=1e-10)
        t_ours = best_ms(lambda: core.correlate(x, k))
        t_ref = best_ms(lambda: signal.correlate2d(x, k, mode="valid"))
        rows.append((f"correlate 512x512 * {size}x{size}", "scipy.correlate2d", t_ours, t_ref,
                     peak_mib(lambda: core.correlate(x, k)), ours.nbytes / 2**20))
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    xb = rng.standard_normal((8, 16, 64, 64))
    wb = rng.standard_normal((32, 16, 3, 3))
    ours = core.conv2d(xb, wb)
    t_ours = best_ms(lambda: core.conv2d(xb, wb))
    peak = peak_mib(lambda: core.conv2d(xb, wb))
    case = "conv2d (8,16,64,64)x(32,16,3,3)"
    if torch is not None:
        xt, wt = torch.from_numpy(xb), torch.from_numpy(wb)
        assert np.allclose(ours, F.conv2d(xt, wt).numpy(), rtol=1e-10, atol=1e-10)
        threads = torch.get_num_threads()
        t_ref = best_ms(lambda: F.conv2d(xt, wt))
        rows.append((case, f"torch float64 ({threads} thr)", t_ours, t_ref, peak, ours.nbytes / 2**20))
        torch.set_num_threads(1)
        t_ref = best_ms(lambda: F.conv2d(xt, wt))
        torch.set_num_threads(threads)
        rows.append((case, "torch float64 (1 thr)", t_ours, t_ref, peak, ours.nbytes / 2**20))
    else:
        rows.append((case, "torch not installed", t_ours, float("nan"), peak, ours.nbytes / 2**20))

    import scipy

    print(f"numpy {np.__version__}, scipy {scipy.__version__}"
          + (f", torch {torch.__version__}" if torch is not None else "") + "; float64 data, "
          "best of 5 runs; ratio = ours / reference (below 1: we are faster)")
    head = f"{'case':34} {'reference':24} {'ours ms':>8} {'ref ms':>8} {'ratio':>6} " \
           f"{'peak MiB':>9} {'out MiB':>8}"
    print(head)
    print("-" * len(head))
    for case, ref_name, t_o, t_r, peak, out_mib in rows:
        print(f"{case:34} {ref_name:24} {t_o:8.2f} {t_r:8.2f} {t_o / t_r:6.2f} "
              f"{peak:9.2f} {out_mib:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
