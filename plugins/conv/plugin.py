"""Registers the `conv` fence: a convolution computed, typeset and animated at build time.

    ```conv
    input: |
      1 2 2 1 0
      3 3 3 3 0
      3 0 0 2 2
    kernel: |
      0 1 2
      3 4 5
    op: correlate                 # convolve | transpose | max_pool | avg_pool
    padding: 1                    # valid | same | full | int | [rows, cols] | [t, b, l, r]
    stride: 1                     # dilation, output_padding alike
    show: [equation, animation]   # and/or table; default [animation]
    file: corr_example.gif        # else conv-<hash>.gif; the poster is the same name .png
    caption: "Cross-correlation, *no* padding"
    style: numerical              # or arithmetic; color: red; frame_ms: 1000
    ```

The grammar is in `spec.py`. Problems (bad keys and values, shapes the core refuses, an
animation over the renderer's limits, two blocks claiming one file) are appended to
`env["errors"]` at the offending line of the post; the rule never raises. Generated files go
to `env["assets"]`; the work is in `block.py`, imported on the first block so a build with
no `conv` block to render never imports NumPy or matplotlib.
"""

from __future__ import annotations

from html import escape

from markdown_it.rules_core import StateCore


def conv_plugin(md, **options) -> None:
    """Turn ```conv fences into `conv` tokens and render them (see the module docstring)."""
    md.core.ruler.after("block", "conv_fence", _retype)

    def render_conv(renderer, tokens, idx, options, env):
        return _render_rule(md, renderer, tokens, idx, options, env)

    md.add_render_rule("conv", render_conv)


def _retype(state: StateCore) -> None:
    for tok in state.tokens:
        if tok.type == "fence" and tok.info.strip().split(maxsplit=1)[:1] == ["conv"]:
            tok.type = "conv"


def _render_rule(md, renderer, tokens, idx, options, env: dict) -> str:
    tok = tokens[idx]
    first = tok.map[0] + 1 if tok.map else 0
    try:
        from .block import render_block

        return render_block(md, tok.content, first, env)
    except Exception as exc:  # a bug here must still be reported at the block, not crash
        _error(env, first - 1, f"the `conv` block could not be rendered: "
                               f"{type(exc).__name__}: {exc}")
        return _fallback(tok.content)


def _error(env: dict, line: int, message: str) -> None:
    from engine.markdown import problem

    env["errors"].append(problem(env, line, message))


def _fallback(text: str) -> str:
    return f'<pre class="conv-error"><code>{escape(text)}</code></pre>\n'


