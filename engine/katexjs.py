"""KaTeX 0.16.22 run in V8 (mini-racer), a batch of formulas per call.

The JavaScript is the `katex.min.js` that `sphinxcontrib-katex` ships, read as a file: that
package's Python side imports Sphinx, which a build never needs. One call into V8 costs about
as much as typesetting a small formula, so a post's formulas go in together.

V8 does not survive `fork`: a process makes its own context on first use (rendering runs in
forked workers, engine/render_pool.py) and closes it before it forks (`watch` may typeset in
the parent, then fork workers): a child left with its parent's context would hang freeing
it, as that context's thread stays behind in the parent.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use: a build whose formulas are all cached needs no V8
    from py_mini_racer import MiniRacer

VERSION = "0.16.22"
# KaTeX's ParseError message starts with this; PyKaTeX dropped it, and so do we
_PREFIX = "KaTeX parse error: "
STRICT = "LaTeX-incompatible input and strict mode is set to 'error': "

# Each item is [tex, display, colorIsTextColor]; each answer {html}, {warning, html} (a
# strict-mode complaint, then rendered with strict "ignore") or {error}.
_BATCH = r"""
function typesetBatch(items) {
  function message(e) {
    if (e instanceof katex.ParseError) return e.message.slice(%(skip)d);
    if (e instanceof RangeError)  // V8's stack: about 1,000 nested \frac
      return "the formula nests too deeply for KaTeX (" + e.message + "); nest fewer groups";
    return "KaTeX failed: " + String(e);
  }
  return items.map(function (item) {
    var options = {displayMode: item[1], output: "mathml", throwOnError: true,
                   colorIsTextColor: item[2], strict: "error"};
    try {
      return {html: katex.renderToString(item[0], options)};
    } catch (e) {
      var first = message(e);
      if (!(e instanceof katex.ParseError) || first.indexOf(%(strict)s) !== 0) return {error: first};
      options.strict = "ignore";
      try {
        return {warning: first, html: katex.renderToString(item[0], options)};
      } catch (e2) {
        return {error: message(e2)};
      }
    }
  });
}
""" % {"skip": len(_PREFIX), "strict": json.dumps(STRICT)}

_contexts: dict[int, MiniRacer] = {}  # by process id: never one made by another process


def script() -> Path:
    """Where `katex.min.js` is (sphinxcontrib-katex's package folder)."""
    spec = importlib.util.find_spec("sphinxcontrib.katex")  # finds it; imports no Sphinx
    if spec is None or spec.origin is None:
        raise RuntimeError("sphinxcontrib-katex is not installed (it ships KaTeX's JavaScript); "
                           "run the install command in README.md")
    return Path(spec.origin).with_name("katex.min.js")


def _context() -> MiniRacer:
    ctx = _contexts.get(os.getpid())
    if ctx is None:
        from py_mini_racer import MiniRacer

        ctx = MiniRacer()
        ctx.eval(script().read_text(encoding="utf-8"))
        found = ctx.eval("katex.version")
        if found != VERSION:  # the MathML, and every cache key, belong to one KaTeX
            raise RuntimeError(f"{script()} is KaTeX {found}, the build needs {VERSION}: "
                               "install the pinned sphinxcontrib-katex (requirements.txt)")
        ctx.eval(_BATCH)
        _contexts[os.getpid()] = ctx
    return ctx


def close() -> None:
    """Free this process's context, if it has one; the next `render` makes another."""
    ctx = _contexts.pop(os.getpid(), None)
    if ctx is not None:
        ctx.close()


os.register_at_fork(before=close)
# and before the interpreter's teardown: freed by the garbage collector then, a context can
# hang the exit (seen, more often after a stack overflow)
atexit.register(close)


def render(items: list[tuple[str, bool, bool]]) -> list[dict]:
    """Typeset `items` ((tex, display, colour is text colour), ...) as MathML in one call."""
    if not items:
        return []
    return _context().call("typesetBatch", [list(item) for item in items])
