"""The Atom feed (newest posts, full content) and, when `base_url` is set, the sitemap."""

from __future__ import annotations

from html import escape

from . import pages, templates
from .cache import digest
from .config import Config
from .content import Post
from .errors import Report
from .outputs import Output
from .rendered import PostInfo


def render(config: Config, theme: templates.Theme, posts: list[Post], infos: list[PostInfo],
           bodies: pages.Bodies, report: Report) -> dict[str, Output]:
    blog = [i for i, p in enumerate(posts) if p.kind == "post"][: config.feed_posts]
    out: dict[str, Output] = {}

    def feed() -> bytes:
        entries = [pages.post_item(posts[i], infos[i],
                                   _stills(bodies.get(i).html, infos[i].assets)) for i in blog]
        newest = max((e.updated or e.date for e in entries), key=pages.sort_key, default=None)
        ctx = pages.base_context(config, "feed.xml", config.title, config.description)
        ctx.update(root="", posts=entries, feed_updated=pages.iso(newest) if newest else
                   "1970-01-01T00:00:00Z", absolute=lambda url: config.base_url + url)
        return theme.render("feed.xml", ctx)

    # the feed is made of the newest posts: unchanged posts, unchanged feed
    key = digest("feed", theme.fingerprint, repr(config), [bodies.keys[i] for i in blog])
    feed_file = pages.cached_output(bodies.cache, key, feed, report)
    if feed_file is not None:
        out["feed.xml"] = feed_file
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
             f"  <url><loc>{escape(config.base_url, quote=False)}</loc></url>"]
    for post in posts:
        stamp = post.updated or post.date
        lastmod = f"<lastmod>{stamp.date().isoformat()}</lastmod>" if stamp else ""
        lines.append(f"  <url><loc>{escape(config.base_url + post.url, quote=False)}</loc>"
                     f"{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")
