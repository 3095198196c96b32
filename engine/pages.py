"""Plans URLs and renders every HTML page of the site through the theme (values, no I/O)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import fonts, templates
from .config import Config
from .content import Post
from .errors import BuildError, Problem, Report
from .markdown import Rendered

GENERATOR = "conv-blog 0.1"
_RESERVED = ("assets/", "tags/")


@dataclass(frozen=True)
class Tag:
    name: str
    url: str


def tag_url(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.lower()).strip("-") or "tag"
    return f"tags/{slug}/"


def sort_key(date: dt.datetime | None) -> dt.datetime:
    if date is None:
        return dt.datetime.min
    if date.tzinfo is not None:
        return date.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return date


def sort_newest_first(posts: list[Post]) -> list[Post]:
    blog = sorted((p for p in posts if p.kind == "post"), key=lambda p: p.source)
    blog.sort(key=lambda p: sort_key(p.date), reverse=True)
    return blog + sorted((p for p in posts if p.kind == "page"), key=lambda p: p.source)


def check_urls(posts: list[Post], report: Report) -> None:
    """Two sources with one URL, or a URL the site itself needs, is an error naming both."""
    owners: dict[str, Post] = {}
    for post in posts:
        line = post.url_line
        if post.url.startswith(_RESERVED) or post.url in ("",):
            report.error(Problem(f"URL `/{post.url}` is reserved for the site's "
                                 f"{'tag pages' if post.url.startswith('tags/') else 'assets'}; "
                                 "choose another `path` or `slug`", post.source, line))
        elif post.url in owners:
            other = owners[post.url]
            report.error(Problem(f"URL `/{post.url}` is also used by `{other.source}`; give one "
                                 "of them a different `path` or `slug` in its frontmatter",
                                 post.source, line))
        else:
            owners[post.url] = post


def render_site(root: Path, config: Config, posts: list[Post], rendered: list[Rendered],
                report: Report) -> dict[str, bytes | Path]:
    """Every page, generated asset, copied bundle file, theme asset and static file."""
    env = templates.environment(root, config.theme)
    out: dict[str, bytes | Path] = {}

    def page(name: str, url: str, title: str, description: str = "", **extra) -> None:
        path = url + "index.html" if not url.endswith(".html") else url
        depth = url.count("/")
        ctx = base_context(config, url, title, description)
        ctx["root"] = "../" * depth if name != "404.html" else config.base_path
        ctx.update(extra)
        try:
            out[path] = templates.render(env, name, ctx).encode("utf-8")
        except BuildError as exc:
            report.error(exc)

    summaries = []
    tags: dict[str, list] = {}
    for post, result in zip(posts, rendered):
        folder = root / post.folder
        for rel in post.bundle:
            out[post.url + rel] = folder / rel
        for name, data in result.assets.items():
            out[post.url + name] = data
        if post.kind == "page":
            page("page.html", post.url, post.title, post.description,
                 content=_Obj(title=post.title, body=Markup(result.html)))
            continue
        item = post_item(post, result)
        summaries.append(item)
        for tag in item.tags:
            tags.setdefault(tag.name, []).append(item)
        page("post.html", post.url, post.title, post.description or item.summary, post=item)
    page("index.html", "", config.title, config.description, posts=summaries)
    for name in sorted(tags):
        tag = Tag(name, tag_url(name))
        page("tag.html", tag.url, f"Posts tagged “{name}”", "", tag=tag, posts=tags[name])
    page("404.html", "404.html", "Page not found")
    for theme_dir in reversed(templates.theme_dirs(root, config.theme)):
        for path in sorted((theme_dir / "assets").rglob("*")):
            if path.is_file():
                out["assets/" + path.relative_to(theme_dir / "assets").as_posix()] = path
    out.update(fonts.math_font_assets())
    static = root / "static"
    for path in sorted(static.rglob("*")) if static.is_dir() else ():
        if path.is_file():
            rel = path.relative_to(static).as_posix()
            if rel in out and not rel.startswith("assets/"):
                report.error(Problem(f"`static/{rel}` would overwrite a generated page; "
                                     "rename or remove it", f"static/{rel}"))
            out[rel] = path
    return out


def base_context(config: Config, url: str, title: str, description: str) -> dict:
    full_title = title if title == config.title else f"{title} · {config.title}"
    return {
        "site": _Obj(title=config.title, description=config.description, author=config.author,
                     base_url=config.base_url, lang=config.lang),
        "page": _Obj(title=full_title, url=url, description=description,
                     canonical=config.base_url + url if config.base_url else ""),
        "feed_url": "feed.xml",
        "generator": GENERATOR,
    }


def post_item(post: Post, result: Rendered) -> "_Obj":
    return _Obj(
        title=post.title, url=post.url, date=post.date, date_iso=iso(post.date),
        date_human=_human(post.date), updated=post.updated, updated_iso=iso(post.updated),
        updated_human=_human(post.updated),
        tags=[Tag(t, tag_url(t)) for t in post.tags], description=post.description,
        summary=post.description or result.summary, body=Markup(result.html),
        reading_minutes=max(1, round(result.words / 230)), source=post.source)


class _Obj:
    """Attribute access for template context values; unknown attributes are template errors."""

    def __init__(self, **values):
        self.__dict__.update(values)


def iso(date: dt.datetime | None) -> str:
    if date is None:
        return ""
    # A date without a zone is taken as UTC, so feeds always carry a valid timestamp.
    text = date.isoformat() + ("Z" if date.tzinfo is None else "")
    return text.replace("+00:00", "Z")


def _human(date: dt.datetime | None) -> str:
    return f"{date.day} {date:%B %Y}" if date else ""
