"""Runs a block's code in a child process with a time limit, so a hanging or crashing
snippet costs one error, never the build. The child is `_child.py`, in a fresh temporary
folder that is also its working directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "_child.py"


class PlotFailure(Exception):
    """The code did not give one figure. `line` is 1-based in the block, or None."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def draw(code: str, fmt: str, size: tuple[int, int], dark: bool, timeout: float) -> dict:
    """{"light": bytes, "dark": bytes or None, "size": [w, h], "warnings": [[line, text]]}.

    Raises PlotFailure (never cached: a timeout may pass on a quieter machine).
    """
    variants = ["light", "dark"] if dark else ["light"]
    job = {"code": code, "format": fmt, "width": size[0], "height": size[1],
           "variants": variants}
    with tempfile.TemporaryDirectory(prefix="plot-") as folder:
        work = Path(folder)
        (work / "job.json").write_text(json.dumps(job), encoding="utf-8")
        status, output = _spawn(work, timeout)
        done = work / "result.json"
        if not done.is_file():
            raise PlotFailure(_ended(status, output, timeout))
        result = json.loads(done.read_text(encoding="utf-8"))
        if "error" in result:
            raise PlotFailure(*_explain(result["error"]))
        files = {v: (work / f"{v}.{fmt}").read_bytes() for v in variants}
    return {"light": files["light"], "dark": files.get("dark"), "size": result["size"],
            "warnings": result["warnings"]}


def _spawn(work: Path, timeout: float) -> tuple[int | None, str]:
    """Run the child; its exit status (None after a timeout) and the tail of its output."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    with open(work / "output.txt", "wb") as out:
        # its own session: on a timeout the whole group goes, with whatever it started
        child = subprocess.Popen([sys.executable, "-P", str(CHILD), str(work)], cwd=work,
                                 env=env, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        try:
            status = child.wait(timeout)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.wait()
    text = (work / "output.txt").read_text(encoding="utf-8", errors="replace").strip()
    return status, text[-300:]


def _ended(status: int | None, output: str, timeout: float) -> str:
    if status is None:
        return (f"the `plot` code did not finish within {timeout:g} s (the limit includes "
                "starting Python and matplotlib); make it faster, or raise `timeout` in "
                "`[plot]` of site.toml")
    how = f"was killed by {_signal_name(-status)}" if status < 0 \
        else f"exited with status {status}"
    tail = f"; its last output: {output!r}" if output else ""
    return (f"the `plot` code's process {how} before it saved a figure{tail}; run the block "
            "as a script with `python` to find out why")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _explain(error: dict) -> tuple[str, int | None]:
    kind, message, line = error["kind"], error["message"], error["line"]
    if kind == "syntax":
        return f"the `plot` code is not valid Python: {message}; fix the syntax", line
    if kind == "exception":
        return (f"the `plot` code raised {message}; fix the code at this line (run the block "
                "as a script with `python` to see the whole traceback)"), line
    count = int(message)
    if count == 0:
        return ("the `plot` code drew no figure (or closed it); draw with "
                "`matplotlib.pyplot` (e.g. `plt.plot(x, y)`) and leave it open, or name a "
                "`Figure` you made `fig`"), None
    return (f"the `plot` code drew {count} figures; a block shows one: draw them as "
            "subplots of one figure (`plt.subplots(1, 2)`) or use one block each"), None
