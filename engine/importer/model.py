"""What a reader makes of an old blog: its posts with their old URLs, and where its files are."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

# never part of a blog's sources: each generator's output, dependencies (dot folders too)
SKIP = {"jekyll": {"_site", "node_modules", "vendor"},
        "hugo": {"public", "resources", "node_modules"},
        "gatsby": {"public", "node_modules"},
        "pelican": {"output", "__pycache__", "node_modules"}}


def files(root: Path, kind: str) -> list[Path]:
    """Every file under `root`, sorted, not descending into the output of the generator
    `kind`, dependencies or dot folders."""
    skip = SKIP.get(kind, set())
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        found += [Path(folder) / n for n in names if not n.startswith(".")]
    return sorted(found)


@dataclass
class OldPost:
    """One post of the old blog, before its body is converted."""

    source: str                        # POSIX path relative to the old blog's root
    meta: dict                         # its frontmatter (or Pelican headers), as read
    body: str
    body_line: int                     # the file line the body starts on
    slug: str                          # the folder name it gets (before de-duplication)
    date: dt.datetime | None = None
    date_only: bool = False            # the date had no time of day
    url: str = ""                      # the old permalink, site-relative, e.g. "2017/01/a.html"
    aliases: list[str] = field(default_factory=list)   # old addresses that redirected here
    draft: bool = False
    folder: Path | None = None         # a page bundle: files here belong to the post
    mdx: bool = False


@dataclass
class OldSite:
    """The old blog: posts, the folders its site-absolute URLs are served from, its settings."""

    kind: str
    root: Path
    posts: list[OldPost]
    # (URL prefix, folder): `/images/a.png` is looked up as folder/"images/a.png" for prefix "/"
    static: list[tuple[str, Path]] = field(default_factory=list)
    site_url: str = ""                 # the old blog's address (scheme, host, base path), if known
    base_path: str = "/"               # the path the old blog was served under
    math_verbatim: bool = True         # the old Markdown left TeX alone (kramdown, passthrough)
    kramdown: bool = False
    title: str = ""                    # the old blog's name, for a new site.toml
    config: dict = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (source, why)
