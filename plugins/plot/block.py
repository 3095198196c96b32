"""One `plot` block: read its options, run its code (or fetch the figure), emit, mark up.

Figures are kept in the build cache by the code (option lines blanked), format, size and
variants, with the plugin's code and the matplotlib and NumPy versions (`services.cached`):
a prose edit, an `alt` or a `caption` edit runs nothing again. Failures are not cached.
"""

from __future__ import annotations

from html import escape

from . import header as headers
from .plugin import fallback
from .run import PlotFailure, draw

VERSION = 1  # of what the child produces: bump when its output changes for the same code
MIME = {"svg": "image/svg+xml", "png": "image/png"}


def render_block(md, services, settings: dict, tok, env: dict) -> str:
    """HTML for one block; `tok` is its fence token (the ``` line is body line map[0])."""
    fence = tok.map[0] if tok.map else 0
    text = tok.content
    head = headers.parse(text)
    for n, message in head.problems:
        services.error(env, fence + 1 + n, message)
    for n, message in head.notes:
        services.warn(env, fence + 1 + n, message)
    if head.problems:
        return fallback(text)
    extra = tok.info.strip().split(maxsplit=1)[1:]
    if extra:
        services.warn(env, fence, f"`{extra[0]}` after `plot` is ignored; options go in `#|` "
                                  "lines at the top of the block, e.g. `#| format: png`")
    if head.alt is None:
        services.warn(env, fence, "the `plot` figure has no alternative text; add "
                                  "`#| alt: what the figure shows` at the top of the block")
    try:  # compiling runs nothing: a syntax error costs no process
        compile(head.code, "<plot>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # ValueError: a NUL character
        line = getattr(exc, "lineno", None) or 0
        services.error(env, fence + line, "the `plot` code is not valid Python: "
                                          f"{getattr(exc, 'msg', exc)}; fix the syntax")
        return fallback(text)
    size = head.size
    parts = ("figure", VERSION, head.code, head.format, size, head.dark)
    try:
        figure = services.cached(env, parts, lambda: draw(head.code, head.format, size,
                                                          head.dark, settings["timeout"]))
    except PlotFailure as exc:
        services.error(env, fence + exc.line if exc.line else fence, exc.message)
        return fallback(text)
    for line, message in figure["warnings"]:
        services.warn(env, fence + line if line else fence, f"the `plot` code: {message}")
    html = _emit(md, services, head, figure, fence, env)
    return fallback(text) if html is None else html


def _emit(md, services, head: headers.Header, figure: dict, fence: int, env: dict) -> str | None:
    stem = "plot-" + services.digest(figure["light"], figure["dark"])[:12]
    light = f"{stem}.{head.format}"
    dark = f"{stem}-dark.{head.format}" if figure["dark"] is not None else None
    if not services.emit(env, fence, light, figure["light"]) \
            or (dark and not services.emit(env, fence, dark, figure["dark"])):
        return None
    width, height = figure["size"]
    alt = escape(head.alt or "", quote=True)
    source = (f'<source srcset="./{dark}" media="(prefers-color-scheme: dark)" '
              f'type="{MIME[head.format]}">' if dark else "")
    img = (f'<img src="./{light}" data-feed-src="./{light}" width="{width}" height="{height}" '
           f'alt="{alt}" loading="lazy" decoding="async">')
    html = f'<figure class="plot-figure"><picture>{source}{img}</picture>'
    if head.caption:
        # inline Markdown and math, but no raw HTML: `<` is written as an entity first
        caption = md.renderInline(head.caption.replace("<", "&lt;"), {**env, "refs": []})
        html += f"<figcaption>{caption.strip()}</figcaption>"
    return html + "</figure>\n"
