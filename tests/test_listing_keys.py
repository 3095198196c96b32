"""A listing page is rendered again exactly when something it shows of its posts changed:
its key holds the post fields its template (and the templates it extends, includes or
imports) reads, so a theme that shows a post's series or update date in a list is never
left stale, and the archive (titles and dates of every post) is not rendered again when a
post's summary changes."""

import shutil

from conftest import SITES
from engine import assemble, pages, templates


def _site(tmp_path, archive: str | None = None):
    root = tmp_path / "site-root"
    shutil.copytree(SITES / "reader", root)
    if archive is not None:
        theme = root / "themes" / "mine" / "templates"
        (theme / "archive.html").write_text(archive)
    return root


def _rendered(monkeypatch) -> list[str]:
    names = []
    real = templates.Theme.render

    def spy(self, name, context):
        names.append(name)
        return real(self, name, context)

    monkeypatch.setattr(templates.Theme, "render", spy)
    return names


def _edit(root, post, old, new):
    path = root / "content" / "posts" / post / "index.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


SERIES_ARCHIVE = """{% extends "base.html" %}{% block content %}
{% for group in years %}{% for item in group.posts %}
<li>{{ item.title }} ({{ item.series or "none" }})</li>
{% endfor %}{% endfor %}{% endblock %}
"""


def test_a_field_only_a_custom_listing_shows_renders_it_again(tmp_path):
    root = _site(tmp_path, SERIES_ARCHIVE)
    assemble.build(root)
    archive = root / "site" / "archive" / "index.html"
    assert "Vectors in C++ (Basics)" in archive.read_text()
    _edit(root, "cpp", "series: Basics", "series: Languages")
    assemble.build(root)
    assert "Vectors in C++ (Languages)" in archive.read_text()


def test_the_archive_is_not_rendered_again_when_only_a_summary_changes(tmp_path, monkeypatch):
    root = _site(tmp_path)
    assemble.build(root)
    rendered = _rendered(monkeypatch)
    _edit(root, "cpp", "\n\n", "\n\nA new first sentence for the summary.\n\n")
    assemble.build(root)
    assert "archive.html" not in rendered
    assert "index.html" in rendered  # the index shows summaries
    rendered.clear()
    _edit(root, "cpp", "title: ", "title: Renamed ")
    assemble.build(root)
    assert "archive.html" in rendered


def test_a_template_read_through_a_variable_keys_on_every_field(tmp_path):
    root = _site(tmp_path, '{% extends "base.html" %}{% block content %}'
                           '{% for group in years %}{% for item in group.posts %}'
                           '{% for f in ["title", "series"] %}{{ item[f] }}{% endfor %}'
                           '{% endfor %}{% endfor %}{% endblock %}\n')
    theme = templates.Theme(root, "mine")
    assert theme.reads("archive.html") is None
    (root / "themes" / "mine" / "templates" / "archive.html").write_text(
        '{% for group in years %}{% for item in group.posts %}{% for k, v in '
        'item.__dict__.items() %}{{ v }}{% endfor %}{% endfor %}{% endfor %}\n')
    assert templates.Theme(root, "mine").reads("archive.html") is None
    (root / "themes" / "mine" / "templates" / "archive.html").write_text(
        '{% set field = "series" %}{% for group in years %}'
        '{{ group.posts|join(", ", attribute=field) }}{% endfor %}\n')
    assert templates.Theme(root, "mine").reads("archive.html") is None
    assert "summary" in templates.Theme(root, "default").reads("index.html")
    assert "summary" not in templates.Theme(root, "default").reads("archive.html")


def test_every_field_a_listing_can_show_is_keyed():
    """A field added to the post item without a place in the listing keys would never
    render a list again when it changes."""
    import datetime as dt

    from engine import config as config_mod, content, rendered, views

    cfg = config_mod.load_config(SITES / "reader")
    post = content.Post("content/posts/a/index.md", "post", "A", "a/", "", 1, "d",
                        date=dt.datetime(2024, 1, 1))
    info = rendered.PostInfo("modern", (), (), (), {}, "S", 10)
    item = views.post_item(cfg, post, info, {})
    public = {name for name in vars(item) if not name.startswith("_")}
    public |= {name for name in dir(type(item)) if not name.startswith("_")}
    assert public <= set(views.ITEM_FIELDS) | set(views._READ_AS)
