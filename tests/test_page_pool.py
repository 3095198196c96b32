"""Listing pages render on every core once there are many (engine/page_pool.py): the same
bytes as one by one, and a template error in a worker is reported like any other."""

from __future__ import annotations

import os
import sys

import pytest

from engine import assemble, page_pool
from engine.errors import BuildFailed


def _site(root, posts: int = 70):  # enough listings (paginate = 1) for two workers
    root.mkdir()
    (root / "site.toml").write_text('title = "T"\nsearch = false\npaginate = 1\n')
    for n in range(posts):
        post = root / "content" / "posts" / f"p{n:03d}" / "index.md"
        post.parent.mkdir(parents=True)
        post.write_text(f"---\ntitle: Post {n}\ndate: 2024-01-01T{n // 60:02d}:{n % 60:02d}:00\n"
                        f"tags: [t{n % 3}]\n---\n\nText {n}.\n")
    return root


def _files(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"),
                    reason="workers are forked on Linux with two cores or more")
def test_many_listings_render_in_workers_with_the_same_bytes(tmp_path, monkeypatch):
    log = tmp_path / "renderers"
    real = page_pool._render

    def spy(render, made):  # which processes render pages
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(render, made)

    monkeypatch.setattr(page_pool, "_render", spy)
    root = _site(tmp_path / "pool")
    assemble.build(root, use_cache=False)
    pids = set(log.read_text().split())
    assert len(pids - {str(os.getpid())}) >= 2  # workers (and here: post pages, the 404)
    log.unlink()
    monkeypatch.setattr(page_pool, "_MIN_PAGES", 10**6)  # one by one, here
    alone = _site(tmp_path / "alone")
    assemble.build(alone, use_cache=False)
    assert set(log.read_text().split()) == {str(os.getpid())}
    pool, here = _files(root / "site"), _files(alone / "site")
    assert len(pool) > 2 * 64 and pool == here


def test_a_template_error_in_a_worker_is_reported_at_the_template(tmp_path):
    root = _site(tmp_path / "root")
    theme = root / "themes" / "mine" / "templates"
    theme.mkdir(parents=True)
    (theme / "index.html").write_text('{% extends "base.html" %}{% block content %}'
                                      "{{ posts[0].no_such_field }}{% endblock %}")
    with open(root / "site.toml", "a") as f:
        f.write('theme = "mine"\n')
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root, use_cache=False)
    # once for the index and once for tag.html, which extends it, though each of the many
    # index and tag pages met it (most of them in workers)
    problems = failed.value.problems
    assert [(p.path, p.line) for p in problems] == [("themes/mine/templates/index.html", 1)] * 2
    assert ["`index.html`" in p.message for p in problems] == [True, False]
    assert all("no_such_field" in p.message for p in problems)


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"),
                    reason="posts render in forked workers on Linux with two cores or more")
def test_post_pages_the_workers_made_are_not_made_again_here(tmp_path, monkeypatch):
    from engine import pages

    here, real = [], pages.render_post_page
    main = os.getpid()

    def spy(*args):
        if os.getpid() == main:  # the workers are forked from this process, spy included
            here.append(args[2].source)
        return real(*args)

    monkeypatch.setattr(pages, "render_post_page", spy)
    summary = assemble.build(_site(tmp_path / "root"), jobs=2)
    assert summary.posts == 70 and here == []
