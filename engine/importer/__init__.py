"""`python build.py import SOURCE`: an existing Jekyll, Hugo, Gatsby or Pelican blog becomes
`content/posts/<slug>/index.md` bundles, its old URLs kept (as `path`, or a redirect page in
`static/`), its files copied, and everything not converted reported at `old/path:line`.

`plan()` reads and converts without touching the disk; `apply()` writes the plan.

Importing the package is light: the build reads `leftovers` for every changed post, and only
`python build.py import` needs the readers (`blog.py`), loaded on first use.
"""

from __future__ import annotations


def __getattr__(name: str):
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.blog"), name)
