"""The plugin API as a stranger uses it: the README's example plugin, saved in a site's own
`plugins/`, enabled from `site.toml`, with its errors where the author looks."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from engine import assemble
from engine.errors import BuildFailed

REPO = Path(__file__).resolve().parent.parent


def readme_plugin() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index("saved as `plugins/callout.py`")
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "blog"
    (root / "plugins").mkdir(parents=True)
    (root / "plugins" / "callout.py").write_text(readme_plugin())
    (root / "site.toml").write_text('title = "T"\nplugins = ["callout"]\n\n[callout]\n'
                                    'kinds = ["note", "warning"]\n')
    post = root / "content" / "posts" / "a" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: A\ndate: 2024-01-01\n---\n\nBefore.\n\n"
                    "```callout warning\nMind the *gap*.\n```\n")
    yield root
    sys.modules.pop("_site_plugin_callout", None)


def test_the_readme_example_plugin_works_from_the_site_folder(site):
    assemble.build(site)
    page = (site / "site" / "a" / "index.html").read_text()
    assert '<aside class="callout callout-warning"><p>Mind the <em>gap</em>.</p>\n</aside>' in page


def test_its_errors_land_at_the_post_line_and_the_site_toml_line(site):
    post = site / "content" / "posts" / "a" / "index.md"
    post.write_text(post.read_text().replace("callout warning", "callout danger"))
    with pytest.raises(BuildFailed) as failed:
        assemble.build(site)
    assert failed.value.problems[0].format().startswith(
        "content/posts/a/index.md:8: error: unknown callout `danger`; use one of note, warning")
    (site / "site.toml").write_text((site / "site.toml").read_text() + "colour = 1\n")
    with pytest.raises(BuildFailed) as failed:
        assemble.build(site)
    assert failed.value.problems[0].format().startswith(
        "site.toml:6: error: unknown setting `callout.colour`")


def test_a_plugin_edit_renders_again_and_nothing_else_does(site):
    assemble.build(site)
    assert assemble.build(site).cache_hits == 1
    plugin = site / "plugins" / "callout.py"
    plugin.write_text(plugin.read_text().replace('class="callout ', 'class="box callout '))
    sys.modules.pop("_site_plugin_callout", None)
    from engine import plugin_host

    plugin_host.module_of.cache_clear()
    summary = assemble.build(site)
    assert summary.cache_hits == 0
    assert 'class="box callout callout-warning"' in (site / "site" / "a" / "index.html").read_text()


def test_an_exception_in_a_plugin_is_an_error_at_the_block(site):
    plugin = site / "plugins" / "callout.py"
    plugin.write_text(plugin.read_text().replace("body = md.render(", "body = 1 / 0 or md.render("))
    with pytest.raises(BuildFailed) as failed:
        assemble.build(site, jobs=1)
    message = failed.value.problems[0].format()
    assert message.startswith("content/posts/a/index.md:8: error: the `callout` plugin failed "
                              "on this block: ZeroDivisionError"), message


BROKEN_PARSING = """
def register(md, options, services):
    def core(state):
        if "CORE" in state.src:
            raise ValueError("core rule failed")

    def block(state, start, end, silent):
        if state.getLines(start, start + 1, 0, False).startswith("BLOCK"):
            raise KeyError("block rule failed")
        return False

    md.core.ruler.after("block", "broken_core", core)
    md.block.ruler.before("paragraph", "broken_block", block)
"""


@pytest.mark.parametrize("text, where, what", [
    ("Fine.\n\nCORE\n", 5, "ValueError: core rule failed"),  # no line: the body's first
    ("Fine.\n\nBLOCK here\n", 8, "KeyError: 'block rule failed'"),  # the block's line
])
def test_an_exception_in_a_plugins_parsing_rule_is_an_error_at_the_post(site, text, where,
                                                                          what):
    """Not only render rules: a core or block rule that raises is reported once, at the post,
    and the other posts still render; never an internal error."""
    (site / "plugins" / "broken.py").write_text(BROKEN_PARSING)
    (site / "site.toml").write_text('title = "T"\nplugins = ["callout", "broken"]\n')
    post = site / "content" / "posts" / "b" / "index.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: B\ndate: 2024-01-02\n---\n\n" + text)
    try:
        with pytest.raises(BuildFailed) as failed:
            assemble.build(site, jobs=1)
    finally:
        sys.modules.pop("_site_plugin_broken", None)
    assert [p.format().splitlines()[0] for p in failed.value.problems] == [
        f"content/posts/b/index.md:{where}: error: the `broken` plugin failed while reading "
        f"this post: {what}"]


def test_an_unknown_plugin_is_an_error_at_the_plugins_line(site):
    (site / "site.toml").write_text('title = "T"\nplugins = ["callout", "nope"]\n')
    with pytest.raises(BuildFailed) as failed:
        assemble.build(site)
    assert failed.value.problems[0].format().startswith("site.toml:2: error: plugin `nope` not found")


def test_an_installed_package_can_provide_a_plugin(site, tmp_path, monkeypatch):
    packages = tmp_path / "site-packages"
    (packages / "shout_plugin").mkdir(parents=True)
    (packages / "shout_plugin" / "__init__.py").write_text(
        "def register(md, options, services):\n"
        "    md.add_render_rule('text', lambda self, t, i, o, e: t[i].content.upper())\n")
    info = packages / "shout_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shout-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[convblog.plugins]\nshout = shout_plugin\n")
    monkeypatch.syspath_prepend(str(packages))
    (site / "site.toml").write_text('title = "T"\nplugins = ["shout"]\n')
    assemble.build(site)
    assert "<p>BEFORE.</p>" in (site / "site" / "a" / "index.html").read_text()
