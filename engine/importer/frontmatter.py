"""The new post's frontmatter, in keys the build reads (content.KNOWN_KEYS) plus `toc`."""

from __future__ import annotations

import yaml

from . import meta as fm
from .model import OldPost


def tags(post: OldPost, kind: str) -> list[str]:
    """Tags then categories (the build has only tags), in order, without repeats."""
    spaces = kind == "jekyll"
    names = fm.names(post.meta.get("tags", post.meta.get("tag")), spaces)
    names += fm.names(post.meta.get("categories", post.meta.get("category")), spaces)
    if kind == "hugo":
        names += fm.names(post.meta.get("series"), False)
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def render(post: OldPost, kind: str, path: str, math: str, toc: bool) -> str:
    data: dict = {"title": str(post.meta.get("title") or post.slug).strip()}
    data["date"] = fm.date_text(post.date, post.date_only)
    updated = post.meta.get("updated") or post.meta.get("lastmod") or post.meta.get("modified") \
        or post.meta.get("last_modified_at")
    if updated is not None:
        value, only = fm.date(updated)
        if value is not None:
            data["updated"] = fm.date_text(value, only)
    data["path"] = path
    names = tags(post, kind)
    if names:
        data["tags"] = names
    description = fm.description(post.meta)
    if description:
        data["description"] = description
    if post.draft:
        data["draft"] = True
    data["math"] = math
    if toc:
        data["toc"] = True
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000,
                          default_flow_style=False)
    return "---\n" + text + "---\n\n"
