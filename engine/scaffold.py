"""`python build.py new "Title"`: a new post bundle with valid frontmatter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .slug import slug


def new_post(root: Path, title: str, today: dt.date | None = None) -> Path:
    """Create `content/posts/<slug>/index.md`; refuses to overwrite an existing post."""
    folder = root / "content" / "posts" / slug(title, "post")
    path = folder / "index.md"
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose another title")
    folder.mkdir(parents=True, exist_ok=True)
    date = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()  # see init.py
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'---\ntitle: "{quoted}"\ndate: {date}\ndraft: true\ntags: []\n'
                    f'description: ""\n---\n\nWrite here. Inline math: $e^{{i\\pi}} + 1 = 0$.\n',
                    encoding="utf-8")
    return path
