"""The version of the engine's code, for cache keys: a change to any of it is a miss.

Plugins are versioned apart (`plugin_host`): each one's code, options and declared packages go
into the key of the posts it renders, so editing one plugin does not invalidate the others.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_PACKAGES = ("markdown-it-py", "mdit-py-plugins", "pygments", "pykatex", "pillow", "jinja2",
             "pyyaml", "msgpack", "babel", "python-slugify")


@functools.cache
def code_version() -> str:
    h = hashlib.sha256()
    for path in sorted(_HERE.rglob("*.py")):
        h.update(path.relative_to(_HERE.parent).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    for name in _PACKAGES:
        try:
            h.update(f"{name}=={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} missing\0".encode())
    return h.hexdigest()
