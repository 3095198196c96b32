"""Which kind of blog a checkout is, from the files each generator needs."""

from __future__ import annotations

from pathlib import Path

KINDS = ("jekyll", "hugo", "gatsby", "pelican")

# The first file found decides; Hugo's generic `config.toml` comes last because other tools
# use that name too.
_MARKERS = (
    ("pelican", ("pelicanconf.py",)),
    ("gatsby", ("gatsby-config.js", "gatsby-config.ts", "gatsby-config.mjs")),
    ("hugo", ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config/_default/hugo.toml")),
    ("jekyll", ("_config.yml", "_config.yaml")),
    ("hugo", ("config.toml", "config.yaml", "config.yml", "config/_default/config.toml")),
)


def detect(source: Path) -> tuple[str | None, str]:
    """(kind, the file that tells) or (None, why not)."""
    for kind, names in _MARKERS:
        for name in names:
            if (source / name).is_file():
                return kind, name
    if (source / "_posts").is_dir():
        return "jekyll", "_posts/"
    wanted = ", ".join(n for _, names in _MARKERS for n in names)
    return None, f"no blog found in `{source}` (looked for {wanted}); name one with --from"
