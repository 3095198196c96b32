"""The Atom feed (newest posts, full content) and, when `base_url` is set, the sitemap."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from . import pages, templates
from .config import Config
from .content import Post
from .errors import BuildError, Report
from .rendered import PostInfo


def render(root: Path, config: Config, posts: list[Post], infos: list[PostInfo],
           bodies: pages.Bodies, report: Report) -> dict[str, bytes]:
    blog = [i for i, p in enumerate(posts) if p.kind == "post"][: config.feed_posts]
    out: dict[str, bytes] = {}
    env = templates.environment(root, config.theme)
    entries = [pages.post_item(posts[i], infos[i], _stills(bodies.get(i).html, infos[i].assets))
               for i in blog]
    newest = max((e.updated or e.date for e in entries), key=pages.sort_key, default=None)
    ctx = pages.base_context(config, "feed.xml", config.title, config.description)
    ctx.update(root="", posts=entries, feed_updated=pages.iso(newest) if newest else
               "1970-01-01T00:00:00Z", absolute=lambda url: config.base_url + url)
    try:
        out["feed.xml"] = templates.render(env, "feed.xml", ctx).encode("utf-8")
    except BuildError as exc:
        report.error(exc)
    if config.base_url:
        out["sitemap.xml"] = _sitemap(config, posts)
        out["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n".encode()
    return out


def _stills(html: str, assets: dict[str, str]) -> str:
    """Feed readers cannot honour prefers-reduced-motion: give them each animation's poster."""
    for name in assets:
        poster = name[:-4] + ".png"
        if name.endswith(".gif") and poster in assets:
            html = html.replace(f'<img src="./{name}"', f'<img src="./{poster}"')
    return html


def _sitemap(config: Config, posts: list[Post]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
             f"  <url><loc>{escape(config.base_url)}</loc></url>"]
    for post in posts:
        stamp = post.updated or post.date
        lastmod = f"<lastmod>{stamp.date().isoformat()}</lastmod>" if stamp else ""
        lines.append(f"  <url><loc>{escape(config.base_url + post.url)}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")
