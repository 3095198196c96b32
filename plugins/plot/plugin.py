"""Registers the `plot` fence: the author's matplotlib code, run when the site is built.

    ```plot
    #| alt: Sine and cosine over one period
    #| caption: "Two waves, a *quarter* period apart"
    #| format: svg          # or png
    #| width: 640           # CSS pixels; height defaults to 3/4 of the width
    #| dark: true           # also draw a dark variant for readers in dark mode
    import numpy as np
    import matplotlib.pyplot as plt
    x = np.linspace(0, 2 * np.pi, 200)
    plt.plot(x, np.sin(x), x, np.cos(x))
    ```

The `#|` lines at the top are the block's options (a YAML value after `key:`); the rest is a
Python script. It runs in a child process per block with a time limit (`[plot] timeout` in
site.toml, seconds), once in light and once in dark style, and the figure it draws is
emitted beside the post under a content-hash name. Problems (bad options, an exception mapped
to its line in the block, a timeout, a crash, no figure) are reported through the engine's
services at the post's line; the rule never raises. The work is in `block.py`.
"""

from __future__ import annotations

from html import escape

from markdown_it.rules_core import StateCore

DEFAULTS = {"timeout": 30.0}
MAX_TIMEOUT = 3600


def register(md, options: dict, services) -> None:
    """Turn ```plot fences into `plot` tokens and render them (see the module docstring).

    `options` is `[plot]` of site.toml: `timeout`, the seconds one block's process may take.
    """
    settings = _options(options, services)
    services.depends_on("matplotlib", "numpy")
    md.core.ruler.after("block", "plot_fence", _retype)

    def render_plot(renderer, tokens, idx, _options, env):
        return _render_rule(md, services, settings, tokens[idx], env)

    md.add_render_rule("plot", render_plot)


def _options(options: dict, services) -> dict:
    settings = dict(DEFAULTS)
    for key in sorted(set(options) - set(DEFAULTS)):
        services.option_error(key, f"unknown setting `plot.{key}`; accepted: `plot.timeout`")
    timeout = options.get("timeout", settings["timeout"])
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) \
            and 0 < timeout <= MAX_TIMEOUT:
        settings["timeout"] = float(timeout)
    else:
        services.option_error("timeout", f"`plot.timeout` must be a number of seconds above 0 "
                                         f"and at most {MAX_TIMEOUT}, such as 30; got {timeout!r}")
    return settings


def _retype(state: StateCore) -> None:
    for tok in state.tokens:
        if tok.type == "fence" and tok.info.strip().split(maxsplit=1)[:1] == ["plot"]:
            tok.type = "plot"


def _render_rule(md, services, settings: dict, tok, env: dict) -> str:
    fence = tok.map[0] if tok.map else 0
    try:
        from .block import render_block

        return render_block(md, services, settings, tok, env)
    except Exception as exc:  # a bug here must still be reported at the block, not crash
        services.error(env, fence, f"the `plot` block could not be rendered: "
                                   f"{type(exc).__name__}: {exc}")
        return fallback(tok.content)


def fallback(text: str) -> str:
    return f'<pre class="plot-error"><code>{escape(text)}</code></pre>\n'
