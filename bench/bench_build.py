"""Whole-build benchmark: floor, cold build, no-op rebuild, one post edited, peak memory.

    python bench/bench_build.py [--posts 1000] [--keep DIR] [--seed 0] [--eleventy DIR]

Generates a corpus with bench/corpus.py, then measures

  floor      markdown-it-py alone (commonmark + table + strikethrough) rendering the same
             bodies, frontmatter stripped, in this process (best of 3): the cost nobody can
             avoid;
  cold       `python build.py --root DIR` after deleting DIR/site and DIR/.cache;
  cold, no search index
             the same for a copy of the corpus with `search = false`: what Pagefind's index
             costs (it has no target of its own; left out with --one-cold);
  no-op      the same command again, nothing changed (the median of --repeat runs);
  one edit   bench/corpus.edit_one() changes one sentence of one post, then the command again
             (the median of --repeat runs, each editing the next post);
  peak PSS   the peak of the summed proportional set size (/proc/*/smaps_rollup: a page
             shared by n processes counts 1/n in each) of the build process and all its
             descendants (the process pool, Pagefind), sampled every ~10 ms during a second
             cold build (the sampler reads every /proc/*/stat each tick and would slow the
             timed one): the memory the build takes from the machine;
  peak RSS   the same with summed VmRSS, which counts a shared page once per process (the
             render workers share the parent's pages and the libraries' code): shown for
             comparison with earlier figures.

With `--eleventy DIR` (a folder where `npm install @11ty/eleventy@3.1.8
@vscode/markdown-it-katex@1.1.2` was run), the peer builds the same posts cold: Eleventy 3
with markdown-it and KaTeX, one Nunjucks layout, in DIR/bench-run; the cold target is then
half of its time, as issue #15 sets it.

Then it builds a copy of the edited content from scratch in a second root and checks that the
incrementally rebuilt site is byte-for-byte the same. Builds run as subprocesses with this
interpreter and cwd = the repository root, so interpreter start-up is part of each figure.

Exit status 0 whatever the targets say (this is a report); 1 if a build command fails.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (bench/ is not a package)

# Targets by number of posts (issue #15, see bench/README.md): cold (seconds, or a multiple
# of the floor when given as "x"), no-op and one edit (seconds), peak memory (MiB). At 1000
# posts the cold target is half of Eleventy's time measured on this corpus, which took 2.3 to
# 3.4 times the floor: 1.7 times the floor stands in for it when no peer is measured.
TARGETS = {1000: ("1.7x", 0.25, 0.4, 300.0), 10000: (45.0, 1.5, 1.5, 600.0)}
TARGET_POSTS = 1000
SAMPLE_S = 0.010


# --- the floor -----------------------------------------------------------------------------
def _strip_frontmatter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + len("\n---\n"):]
    return text


def measure_floor(root: Path, repeat: int = 3) -> float:
    """Seconds for markdown-it-py alone to render every post body under root/content.

    The best of `repeat` passes: the floor is a reference, so it should not carry noise.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    bodies = [_strip_frontmatter(p.read_text(encoding="utf-8"))
              for p in sorted((root / "content").rglob("*.md"))]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for body in bodies:
            md.render(body)
        best = min(best, time.perf_counter() - t0)
    return best


# --- memory of a process tree -------------------------------------------------------------
def _children_map() -> dict[int, list[int]]:
    """ppid -> [pid] for every process visible in /proc."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # the process went away
            continue
        # "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) >= 2:
            kids.setdefault(int(fields[1]), []).append(int(name))
    return kids


def _field_kib(path: str, name: bytes) -> int:
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0  # gone, or a zombie (no such line)


def _rss_kib(pid: int) -> int:
    return _field_kib(f"/proc/{pid}/status", b"VmRSS:")


def _pss_kib(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each."""
    return _field_kib(f"/proc/{pid}/smaps_rollup", b"Pss:")


def tree_rss_kib(pid: int) -> tuple[int, int]:
    """Summed VmRSS and summed PSS (KiB) of `pid` and all its descendants right now."""
    kids = _children_map()
    rss = pss = 0
    stack, seen = [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        rss += _rss_kib(p)
        pss += _pss_kib(p)
        stack.extend(kids.get(p, ()))
    return rss, pss


class PeakSampler(threading.Thread):
    """Samples tree_rss_kib(pid) every SAMPLE_S seconds until stop(); keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.peak_pss_kib, self.samples = pid, 0, 0, 0
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            rss, pss = tree_rss_kib(self.pid)
            self.peak_kib = max(self.peak_kib, rss)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)
            self.samples += 1
            self._stop_event.wait(SAMPLE_S)

    def stop(self):
        self._stop_event.set()
        self.join()


# --- running the build ---------------------------------------------------------------------
class BuildFailed(Exception):
    pass


def run_build(script: Path, root: Path, *, sample: bool = False):
    """Run `python build.py --root root`; return (seconds, (peak RSS, peak PSS) MiB or None,
    last output line)."""
    cmd = [sys.executable, str(script), "--root", str(root)]
    t0 = time.perf_counter()
    # as a user runs it: Python keeps the compiled modules it imports (some shells and CI
    # images set PYTHONDONTWRITEBYTECODE, which would compile the engine on every build)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    sampler = PeakSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    if sampler:
        sampler.stop()
    text = (out + err).decode("utf-8", "replace")
    if proc.returncode != 0:
        raise BuildFailed(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n{text[-4000:]}")
    last = next((ln for ln in reversed(text.splitlines()) if ln.strip()), "")
    peak = (sampler.peak_kib / 1024, sampler.peak_pss_kib / 1024) if sampler else None
    return seconds, peak, last


def clean(root: Path) -> None:
    for name in ("site", ".cache"):
        shutil.rmtree(root / name, ignore_errors=True)


def copy_source(src: Path, dst: Path) -> None:
    """Copy a corpus root's sources (site.toml, content/, marker) into a fresh dst."""
    shutil.rmtree(dst, ignore_errors=True)
    dst.mkdir(parents=True)
    shutil.copy2(src / "site.toml", dst / "site.toml")
    if (src / corpus.MARKER).exists():
        shutil.copy2(src / corpus.MARKER, dst / corpus.MARKER)
    shutil.copytree(src / "content", dst / "content")


def compare_trees(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two folders (missing on one side or other bytes)."""
    def files(root):
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    fa, fb = files(a), files(b)
    diff = [f"only in edited build: {p}" for p in sorted(fa - fb)]
    diff += [f"only in clean build: {p}" for p in sorted(fb - fa)]
    diff += [f"differs: {p}" for p in sorted(fa & fb)
             if not filecmp.cmp(a / p, b / p, shallow=False)]
    return diff


# --- the peer: Eleventy --------------------------------------------------------------------
ELEVENTY_CONFIG = """import markdownIt from "markdown-it";
import katexPlugin from "@vscode/markdown-it-katex";
export default function (config) {
  config.setLibrary("md", markdownIt({ html: true }).use(katexPlugin.default ?? katexPlugin));
  config.addGlobalData("layout", "post.njk");
  return { dir: { input: "content", output: "_site", includes: "../_includes" },
           markdownTemplateEngine: false };
}
"""
ELEVENTY_LAYOUT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1>{{ content | safe }}</main></body></html>
"""


def run_eleventy(folder: Path, corpus_root: Path) -> float:
    """Seconds for Eleventy in `folder` (its node_modules) to build `corpus_root`'s posts
    cold: the sources copied to folder/bench-run, its output and cache deleted first."""
    cli = folder / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
    if not cli.exists():
        raise BuildFailed(f"no Eleventy at {cli}: run `npm install --prefix {folder} "
                          "@11ty/eleventy@3.1.8 @vscode/markdown-it-katex@1.1.2`")
    work = folder / "bench-run"
    shutil.rmtree(work, ignore_errors=True)
    (work / "_includes").mkdir(parents=True)
    (work / "eleventy.config.mjs").write_text(ELEVENTY_CONFIG, encoding="utf-8")
    (work / "_includes" / "post.njk").write_text(ELEVENTY_LAYOUT, encoding="utf-8")
    shutil.copytree(corpus_root / "content", work / "content")
    cmd = ["node", str(cli), "--config=eleventy.config.mjs", "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=work, capture_output=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise BuildFailed(f"Eleventy exited with {proc.returncode}:\n"
                          f"{(proc.stdout + proc.stderr).decode('utf-8', 'replace')[-4000:]}")
    return seconds


# --- report --------------------------------------------------------------------------------
def _row(name, value, unit, ratio, target):
    if target is None:
        verdict, tgt = "", ""
    else:
        verdict = "PASS" if value <= target else "FAIL"
        tgt = f"<= {target:.3g} {unit}"
    ratio_s = f"{ratio:8.2f}x" if ratio is not None else f"{'':9}"
    return f"{name:<28}{value:9.2f} {unit:<4}{ratio_s}   {tgt:<14}{verdict}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the whole build (see module docstring).")
    ap.add_argument("--posts", type=int, default=TARGET_POSTS, help="number of posts (1000)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="generate the corpus in DIR and keep it (and DIR-clean) afterwards")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (0)")
    ap.add_argument("--build-script", type=Path, default=REPO / "build.py",
                    help="the build CLI to measure (default: build.py at the repository root)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="no-op and edit builds to take the median of (3): one sample on a "
                         "shared machine is noise")
    ap.add_argument("--eleventy", type=Path, metavar="DIR",
                    help="also build the corpus cold with Eleventy installed in DIR (see the "
                         "module docstring); the cold target becomes half of its time")
    ap.add_argument("--one-cold", action="store_true",
                    help="sample the peak memory during the timed cold build instead of a "
                         "second one (for big corpora; the cold time is then a little high)")
    a = ap.parse_args(argv)

    tmp = None
    if a.keep:
        root = a.keep.resolve()
    else:
        tmp = Path(tempfile.mkdtemp(prefix="bench-build-"))
        root = tmp / "corpus"
    ref = root.parent / (root.name + "-clean")
    try:
        return _run(a, root, ref)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(a, root: Path, ref: Path) -> int:
    n = a.posts
    print(f"bench_build: {n} posts, seed {a.seed}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, root {root}")
    t0 = time.perf_counter()
    corpus.generate(root, n, seed=a.seed)
    print(f"corpus generated in {time.perf_counter() - t0:.2f} s")

    floor = measure_floor(root)
    rows = [_row("floor (markdown-it only)", floor, "s", 1.0, None)]
    script = a.build_script.resolve()
    if not script.exists():
        print("\n".join(["", *rows]))
        print(f"\n{script} does not exist: nothing to build.")
        return 1

    notes = []
    try:
        clean(root)
        peer = run_eleventy(a.eleventy.resolve(), root) if a.eleventy else None
        cold, peak, last = run_build(script, root, sample=a.one_cold)
        notes.append(f"cold:     {last}")
        if not a.one_cold:
            clean(root)
            _, peak, _ = run_build(script, root, sample=True)
        noops, edits = [], []
        for _ in range(max(1, a.repeat)):
            noop, _, last = run_build(script, root)
            noops.append(noop)
        notes.append(f"no-op:    {last}")
        for k in range(max(1, a.repeat)):
            edited_path = corpus.edit_one(root, (n + 1) // 2 + k)
            edit, _, last = run_build(script, root)
            edits.append(edit)
        notes.append(f"one edit: {last}")
        noop, edit = statistics.median(noops), statistics.median(edits)
        if not a.one_cold:  # the index's share of the cold build, on the same sources
            copy_source(root, ref)
            with open(ref / "site.toml", "a", encoding="utf-8") as toml:
                toml.write("search = false\n")
            unsearched, _, _ = run_build(script, ref)
        copy_source(root, ref)
        _, _, _ = run_build(script, ref)
    except BuildFailed as e:
        print("\n".join(["", *rows]))
        print(f"\nbuild failed: {e}")
        return 1

    cold_t, noop_t, edit_t, peak_t = TARGETS.get(n, (None, None, None, None))
    if isinstance(cold_t, str):
        cold_t = float(cold_t.rstrip("x")) * floor
    if peer is not None:
        rows += [_row("Eleventy 3 + KaTeX, cold", peer, "s", peer / floor, None)]
        if n == TARGET_POSTS:
            cold_t = peer / 2  # the target itself: half of the peer's time, same run
    rows += [_row("cold build", cold, "s", cold / floor, cold_t)]
    if not a.one_cold:
        rows += [_row("cold, no search index", unsearched, "s", unsearched / floor, None)]
    rows += [_row("no-op rebuild", noop, "s", noop / floor, noop_t),
             _row("one post changed", edit, "s", edit / floor, edit_t),
             _row("peak PSS, cold (tree sum)", peak[1], "MiB", None, peak_t),
             _row("peak RSS, cold (tree sum)", peak[0], "MiB", None, None)]
    header = f"{'measure':<28}{'value':>9} {'':<4}{'x floor':>9}   {'target':<14}result"
    print()
    print(header)
    print("-" * len(header))
    print("\n".join(rows))
    if n not in TARGETS:
        print(f"(targets are set for {' and '.join(map(str, TARGETS))} posts; this run has {n})")
    print(f"runs: no-op {', '.join(f'{t:.2f}' for t in noops)} s; one edit "
          f"{', '.join(f'{t:.2f}' for t in edits)} s")
    if peer is not None:
        print(f"cold build / Eleventy: {cold / peer:.2f}")
    print(f"load average during the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    diff = compare_trees(root / "site", ref / "site")
    rel = edited_path.relative_to(root).as_posix() + (f" and {len(edits) - 1} before it"
                                                      if len(edits) > 1 else "")
    if diff:
        print(f"\nedited rebuild vs clean build ({rel} edited): {len(diff)} difference(s)")
        for line in diff[:30]:
            print(f"  {line}")
        if len(diff) > 30:
            print(f"  ... and {len(diff) - 30} more")
    else:
        print(f"\nedited rebuild vs clean build ({rel} edited): identical")
    print("\nlast line of each build's output:")
    print("\n".join(f"  {line}" for line in notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
