"""Markdown images beside a post: `width`/`height` read with Pillow (no layout shift),
`loading="lazy"`, `decoding="async"`, and a title (`![alt](chart.png "Title")`) alone in its
paragraph becomes a figure caption. Raw HTML `<img>` is the author's and is left alone.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from . import image_variants

# markdown-it's own rendering of `![alt](src "title")`
_MD_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"(?: title="([^"]*)")? />')
_FIGURE = re.compile(r'<p>(<img src="[^"]*" alt="[^"]*" title="([^"]*)" />)</p>')
_FIRST_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.I)
_MEASURE = "42rem"  # the theme's text column: wider images are shown at this width
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff")


def local_file(src: str, bundle: tuple[str, ...]) -> str | None:
    """The bundle file (relative to the post folder) a relative `src` names, if any."""
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", src, re.I):
        return None
    path = posixpath.normpath(unquote(src.split("?")[0].split("#")[0]))
    return path if path in bundle else None


def stamp(folder: Path, bundle: tuple[str, ...]) -> tuple:
    """What image sizes depend on, for the page's cache key (cheap: one stat per image)."""
    out = []
    for name in bundle:
        if name.lower().endswith(_RASTER + (".svg",)):
            st = (folder / name).stat()
            out.append((name, st.st_size, st.st_mtime_ns))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def size_of(path: Path, _stamp: tuple) -> tuple[int, int] | None:
    """(width, height) in pixels, read from the file's header; None when Pillow cannot."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None


def decorate(body: str, folder: Path, bundle: tuple[str, ...]) -> str:
    """The post's HTML with its Markdown images sized, lazy and captioned."""

    def image(m: re.Match) -> str:
        src, alt, title = m.group(1), m.group(2), m.group(3)
        attrs = f'src="{src}" alt="{alt}"'
        name = local_file(html.unescape(src), bundle)
        if name and name.lower().endswith(_RASTER):
            path = folder / name
            st = path.stat()
            size = size_of(path, (st.st_size, st.st_mtime_ns))
            if size:
                attrs += f' width="{size[0]}" height="{size[1]}"'
                smaller = image_variants.widths(name, size)
                if smaller:
                    base = src[: len(src) - len(src.lstrip("./"))]  # keep a leading ./
                    parts = [f"{base}{image_variants.variant_name(name, w)} {w}w" for w in smaller]
                    parts.append(f"{html.unescape(src)} {size[0]}w")
                    attrs += (f' srcset="{html.escape(", ".join(parts))}"'
                              f' sizes="(max-width: {_MEASURE}) 100vw, {_MEASURE}"')
        if title is not None:
            attrs += f' title="{title}"'
        return f'<img {attrs} loading="lazy" decoding="async">'

    body = _FIGURE.sub(lambda m: f'<figure class="image">{m.group(1)}'
                                 f'<figcaption>{m.group(2)}</figcaption></figure>', body)
    return _MD_IMAGE.sub(image, body)


def first_image(body: str, files: set[str]) -> str | None:
    """The first local image of a post (relative to it), its still when it is an animation."""
    for m in _FIRST_IMG.finditer(body):
        src = html.unescape(m.group(1))
        name = local_file(src, tuple(files))
        if name is None or not name.lower().endswith(_RASTER):
            continue
        still = name[:-4] + ".png"
        return still if name.lower().endswith(".gif") and still in files else name
    return None
