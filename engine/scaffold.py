"""`python build.py new "Title"`: a new post bundle with valid frontmatter."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path


def slugify(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "post"


def new_post(root: Path, title: str, today: dt.date | None = None) -> Path:
    """Create `content/posts/<slug>/index.md`; refuses to overwrite an existing post."""
    folder = root / "content" / "posts" / slugify(title)
    path = folder / "index.md"
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose another title")
    folder.mkdir(parents=True, exist_ok=True)
    date = (today or dt.date.today()).isoformat()
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'---\ntitle: "{quoted}"\ndate: {date}\ndraft: true\ntags: []\n'
                    f'description: ""\n---\n\nWrite here. Inline math: $e^{{i\\pi}} + 1 = 0$.\n',
                    encoding="utf-8")
    return path
