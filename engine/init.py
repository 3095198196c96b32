"""`python build.py init [DIR]`: a new site from the starter in `engine/starter/`.

The starter is a working site: settings with every key explained, a post that shows
frontmatter, math, a footnote and a figure computed by a plugin, an About page, a favicon, a
`.gitignore` for what the build makes, and the GitHub Pages workflow. `init` never overwrites
a file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "starter"

# target in the new site -> file in the starter (dot names are stored without the dot so the
# starter folder itself is not a git configuration or a workflow)
FILES = {
    "site.toml": "site.toml",
    "content/posts/hello/index.md": "content/posts/hello/index.md",
    "content/pages/about.md": "content/pages/about.md",
    "static/favicon.ico": "static/favicon.ico",
    ".gitignore": "gitignore",
    ".github/workflows/pages.yml": "pages.yml",
}


class InitRefused(Exception):
    """The folder already holds a site, or cannot hold one."""


def init_site(root: Path, today: dt.date | None = None) -> tuple[list[str], list[str]]:
    """Create the starter site in `root`. Returns (created, kept) paths relative to `root`.

    Refuses a folder that has a `site.toml`; any other file that exists is kept as it is.
    """
    if (root / "site.toml").exists():
        raise InitRefused(f"`{root / 'site.toml'}` exists: this folder is already a site "
                          "(build it with `python build.py`, or choose another folder for `init`)")
    # UTC, as the build reads a date without a zone: a local "today" east of Greenwich
    # would be hours in the future, and the post left out of the first build
    date = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    created, kept = [], []
    for target, source in FILES.items():
        path = root / target
        if path.exists():
            kept.append(target)
            continue
        data = (STARTER / source).read_bytes()
        if source.endswith(".md"):
            data = data.replace(b"{date}", date.encode())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise InitRefused(f"cannot write `{path}`: {exc.strerror or exc}; choose a folder "
                              "you can write to") from None
        created.append(target)
    return created, kept
