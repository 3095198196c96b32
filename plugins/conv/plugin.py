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
    digits: 2                     # rounding of results with no short exact form (marked ≈)
    ```

Numbers may be integers, decimals or fractions (`1/2`); results are exact where they can be.
Each animation comes with a dark variant, posters for reduced motion and, for wide numerical
grids, a stacked variant for phones.

The grammar is in `spec.py`. Problems (bad keys and values, shapes the core refuses, an
animation over the renderer's limits, two blocks claiming one file) are reported through the
engine's services at the offending line of the post; the rule never raises. Generated files
are emitted beside the post; the work is in `block.py`, imported on the first block so a build
with no `conv` block to render never imports NumPy or matplotlib.
"""

from __future__ import annotations

from html import escape

from markdown_it.rules_core import StateCore

from .spec import DEFAULT_FRAME_MS, DEFAULT_STYLE, MAX_FRAME_MS, MIN_FRAME_MS, STYLES

DEFAULTS = {"style": DEFAULT_STYLE, "frame_ms": DEFAULT_FRAME_MS}


def register(md, options: dict, services) -> None:
    """Turn ```conv fences into `conv` tokens and render them (see the module docstring).

    `options` is `[conv]` of site.toml: `style` and `frame_ms`, the blocks' defaults.
    """
    defaults = _options(options, services)
    services.depends_on("numpy", "matplotlib", "pillow")
    md.core.ruler.after("block", "conv_fence", _retype)

    def render_conv(renderer, tokens, idx, _options, env):
        return _render_rule(md, services, defaults, tokens[idx], env)

    md.add_render_rule("conv", render_conv)


def _options(options: dict, services) -> dict:
    defaults = dict(DEFAULTS)
    for key in sorted(set(options) - set(DEFAULTS)):
        services.option_error(key, f"unknown setting `conv.{key}`; accepted: `conv.style`, "
                                   "`conv.frame_ms`")
    style = options.get("style", defaults["style"])
    if style in STYLES:
        defaults["style"] = style
    else:
        services.option_error("style", f"`conv.style` must be one of {', '.join(STYLES)}, "
                                       f"got {style!r}")
    frame_ms = options.get("frame_ms", defaults["frame_ms"])
    if isinstance(frame_ms, int) and not isinstance(frame_ms, bool) \
            and MIN_FRAME_MS <= frame_ms <= MAX_FRAME_MS:
        defaults["frame_ms"] = frame_ms
    else:
        services.option_error("frame_ms", f"`conv.frame_ms` must be an integer number of "
                                          f"milliseconds from {MIN_FRAME_MS} to {MAX_FRAME_MS}, "
                                          f"got {frame_ms!r}")
    return defaults


def _retype(state: StateCore) -> None:
    for tok in state.tokens:
        if tok.type == "fence" and tok.info.strip().split(maxsplit=1)[:1] == ["conv"]:
            tok.type = "conv"


def _render_rule(md, services, defaults: dict, tok, env: dict) -> str:
    first = tok.map[0] + 1 if tok.map else 0
    try:
        from .block import render_block

        return render_block(md, services, defaults, tok.content, first, env)
    except Exception as exc:  # a bug here must still be reported at the block, not crash
        services.error(env, first - 1, f"the `conv` block could not be rendered: "
                                       f"{type(exc).__name__}: {exc}")
        return fallback(tok.content)


def fallback(text: str) -> str:
    return f'<pre class="conv-error"><code>{escape(text)}</code></pre>\n'
