"""Smaller WebP copies of large raster images beside a post, for `srcset`: a phone loads the
480 px copy of a 3000 px photo. Made with Pillow, cached by the file's stat and the Pillow
version (a no-op build reads only their digests), named `<stem>-<width>w.webp` beside the
original. The page's `srcset` and the planned files come from the same `widths()`.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path, PurePosixPath

from .cache import Cache, digest
from .outputs import Deferred, Output

WIDTHS = (480, 960, 1440)
_RESIZABLE = (".png", ".jpg", ".jpeg")  # GIFs may be animated: left as they are
_QUALITY = 80


def widths(name: str, size: tuple[int, int] | None) -> tuple[int, ...]:
    """The variant widths an image gets: every one of WIDTHS narrower than it."""
    if size is None or not name.lower().endswith(_RESIZABLE):
        return ()
    return tuple(w for w in WIDTHS if w < size[0])


def variant_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def outputs(folder: Path, url: str, bundle: tuple[str, ...], cache: Cache) -> dict[str, Output]:
    """The variants of every large image in `bundle`, by site path."""
    from . import images  # sizes come from the header only; Pillow decodes when a copy is made

    out: dict[str, Output] = {}
    wanted = []
    for name in bundle:
        if not name.lower().endswith(_RESIZABLE):
            continue
        path = folder / name
        st = path.stat()
        for width in widths(name, images.size_of(path, (st.st_size, st.st_mtime_ns))):
            vname = variant_name(name, width)
            if vname not in bundle:  # the author's own file of that name wins
                wanted.append((vname, path, width, digest("variant", _pillow(), name,
                                                          st.st_size, st.st_mtime_ns, width)))
    known = cache.get_many("variant-sha", [key for *_, key in wanted]) if wanted else {}
    for vname, path, width, key in wanted:
        make = functools.partial(_make, cache, key, path, width)
        out[url + vname] = Deferred(known[key], make) if key in known else make()
    return out


def _make(cache: Cache, key: str, path: Path, width: int) -> bytes:
    data = cache.get("variant", key)
    if data is None:
        from PIL import Image

        with Image.open(path) as image:
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            height = round(image.height * width / image.width)
            buffer = io.BytesIO()
            image.resize((width, height), Image.LANCZOS).save(buffer, "WEBP", quality=_QUALITY,
                                                               method=4)
        data = buffer.getvalue()
        cache.put("variant", key, data)
        cache.put("variant-sha", key, hashlib.sha256(data).hexdigest())
    return data


@functools.cache
def _pillow() -> str:
    from .version import versions

    return versions(("pillow",))[0]
