"""Runs one `plot` block in a process of its own: `python _child.py <folder>`.

Reads `job.json` from the folder (the code, the format, the size, the variants), runs the code
once per variant under that variant's style, saves the one figure it drew as `<variant>.<fmt>`
and writes `result.json`: the figure's size, the warnings, or the first error with its line in
the block. Never imported by the build; only the standard library, NumPy and matplotlib.
"""

from __future__ import annotations

import json
import os
import random
import sys
import traceback
import warnings

FILENAME = "<plot>"  # the code's file name in tracebacks: frames with it are the block's lines
SALT = "plot"        # svg.hashsalt: stable ids in the SVG
DARK_BACKGROUND = {"figure.facecolor": "none", "axes.facecolor": "none",
                   "savefig.facecolor": "none", "legend.facecolor": "none"}


class Failed(Exception):
    def __init__(self, kind: str, message: str, line: int | None = None):
        super().__init__(message)
        self.kind, self.message, self.line = kind, message, line


class Capped:
    """A stream that keeps the first `limit` characters: a printing loop cannot fill the disk."""

    def __init__(self, stream, limit: int = 1 << 16):
        self.stream, self.left = stream, limit

    def write(self, text: str) -> int:
        if self.left > 0:
            self.stream.write(text[:self.left])
            self.stream.flush()  # what was printed survives an abrupt end
            self.left -= len(text)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def main(folder: str) -> None:
    sys.stdout = sys.stderr = Capped(sys.__stderr__)
    with open(os.path.join(folder, "job.json"), encoding="utf-8") as f:
        job = json.load(f)
    result = {"warnings": []}
    try:
        result.update(run(job, folder, result["warnings"]))
    except Failed as exc:
        result["error"] = {"kind": exc.kind, "message": exc.message, "line": exc.line}
    with open(os.path.join(folder, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f)


def run(job: dict, folder: str, noted: list) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.figure import Figure

    try:
        code = compile(job["code"], FILENAME, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise Failed("syntax", f"{exc.msg}", exc.lineno) from None
    size = None
    for variant in job["variants"]:
        matplotlib.rcdefaults()  # no matplotlibrc of the builder's: the same bytes everywhere
        rc = {"figure.figsize": (job["width"] / 100, job["height"] / 100), "figure.dpi": 100,
              "savefig.dpi": 100 if job["format"] == "svg" else 200,
              "svg.hashsalt": SALT, "svg.fonttype": "path"}
        style = ["default"] if variant == "light" else ["dark_background", DARK_BACKGROUND]
        with plt.style.context(style), plt.rc_context(rc), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            random.seed(0)
            np.random.seed(0)
            namespace = {"__name__": "__main__", "dark": variant == "dark"}
            try:
                exec(code, namespace)
            except BaseException as exc:  # SystemExit too: the block's own doing
                raise Failed("exception", _describe(exc), _block_line(exc.__traceback__)) from None
            figures = [plt.figure(n) for n in plt.get_fignums()]
            if not figures and isinstance(namespace.get("fig"), Figure):
                figures = [namespace["fig"]]
            if len(figures) != 1:
                raise Failed("figures", str(len(figures)))
            figure = figures[0]
            metadata = {"Date": None} if job["format"] == "svg" else {"Software": None}
            figure.savefig(os.path.join(folder, f"{variant}.{job['format']}"),
                           format=job["format"], metadata=metadata)
            width, height = figure.get_size_inches() * 100
            size = size or [round(float(width)), round(float(height))]
            plt.close("all")
        for w in caught:
            line = w.lineno if w.filename == FILENAME else None
            item = [line, f"{w.category.__name__}: {w.message}"]
            if item not in noted:
                noted.append(item)
    return {"size": size}


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def _block_line(tb) -> int | None:
    lines = [frame.lineno for frame in traceback.extract_tb(tb) if frame.filename == FILENAME]
    return lines[-1] if lines else None


if __name__ == "__main__":
    main(sys.argv[1])
