"""Body conversions of the importer, driven by three-dot fixtures per blog kind: each case is
converted as the body of one post of the fixture blog of that kind (so links resolve against
its real posts and files)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from engine.importer import READERS, convert, place
from engine.importer.report import ImportReport

FIXTURES = Path(__file__).parent / "fixtures" / "import"
# the post each kind's cases are converted as
AS_POST = {"jekyll": "_posts/2017-01-20-first-post.md", "hugo": "content/posts/hello/index.md",
           "gatsby": "content/blog/hello-world/index.md", "pelican": "content/first.md"}


def run(kind: str, body: str) -> tuple[str, ImportReport, convert.Ctx]:
    report = ImportReport()
    site = READERS[kind](FIXTURES / kind, report)
    index, targets = place(site)
    post, _, _, new_url, _ = next(t for t in targets if t[0].source == AS_POST[kind])
    post = dataclasses.replace(post, body=body, body_line=1,
                               meta={**post.meta, "title": "Test post"})
    ctx = convert.Ctx(post, site, index, new_url, report)
    return convert.body(post, site, ctx), report, ctx


CASES = [(kind, *case) for kind in AS_POST
         for case in read_fixture_file(FIXTURES / "convert" / f"{kind}.md")]


@pytest.mark.parametrize("kind,line,title,source,expected", CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_conversion(kind, line, title, source, expected):
    out, _, _ = run(kind, source)
    assert out.rstrip("\n") == expected.rstrip("\n"), title


def test_unknown_liquid_is_reported_at_its_line():
    _, report, _ = run("jekyll", "One.\n\nTwo {% capture x %}y{% endcapture %}\n")
    found = [(w.path, w.line) for w in report.warnings]
    assert found == [("_posts/2017-01-20-first-post.md", 3)] * 2
    assert "capture" in report.warnings[0].message


def test_lines_survive_earlier_rewrites():
    body = "{% highlight python %}\na\nb\nc\n{% endhighlight %}\n{% raw %}\n{{ x }}\n{% endraw %}\n{: .x}\n"
    _, report, _ = run("jekyll", body)
    assert [(w.line, "attribute list" in w.message) for w in report.warnings] == [(9, True)]


def test_files_are_copied_under_one_name():
    _, _, ctx = run("jekyll", "![a](/assets/img/plot.png) ![b]({{ site.baseurl }}/assets/img/plot.png)")
    assert sorted(ctx.files) == ["plot.png"]
    assert ctx.files["plot.png"] == (FIXTURES / "jekyll/assets/img/plot.png").resolve()


def test_missing_file_points_at_the_old_site_and_is_reported():
    out, report, _ = run("jekyll", "![gone](/assets/img/gone.png)\n")
    assert out.strip() == "![gone](https://old.example.com/blog/assets/img/gone.png)"
    assert report.warnings[0].line == 1 and "not in the old blog's files" in report.warnings[0].message


def test_toc_markers_set_toc():
    for kind, body in (("jekyll", "* TOC\n{:toc}\n"), ("hugo", "{{< toc >}}\n"),
                       ("pelican", "[TOC]\n"), ("jekyll", "{% include toc.html %}\n")):
        assert run(kind, body)[2].toc, (kind, body)
    assert not run("jekyll", "Text.\n")[2].toc


def test_formula_inside_raw_html_is_located():
    _, report, _ = run("hugo", "Text.\n\n<table>\n<tr><td>Loss</td>\n<td>$L_1$</td></tr>\n</table>\n")
    assert [(w.line, "inside raw HTML" in w.message) for w in report.warnings] == [(5, True)]


def test_a_file_found_by_its_name_is_reported():
    out, report, ctx = run("jekyll", "![p](/images/plot.png)\n")
    assert out.strip() == "![p](plot.png)" and "plot.png" in ctx.files
    assert "assets/img/plot.png" in report.warnings[0].message


def test_unreadable_frontmatter_is_read_line_by_line(tmp_path):
    from engine.importer import meta
    report = ImportReport()
    data, body, line = meta.split("---\ntitle: A: B\n\ttags: [x]\ndate: 2020-01-02\n---\nBody\n",
                                  "p.md", report)
    assert data["title"] == "A: B" and data["date"] == "2020-01-02" and body == "Body\n"
    assert line == 6 and report.warnings and report.warnings[0].line >= 2


def test_formulas_katex_refuses_are_located_at_import():
    out, report, _ = run("hugo", "Fine $x$.\n\n$$\na = b\n\\eqref{e1}\n$$\n\nAnd $y \\label{q}$ \\require{cancel}$\\cancel{z}$.\n")
    found = [(w.line, w.message.split(":")[0]) for w in report.warnings]
    assert found == [(8, "`\\label{...}` removed"), (5, "KaTeX cannot typeset this formula")]
    assert "$y $" in out and "$\\cancel{z}$" in out and "\\require" in out  # outside math: left


def test_a_windows_1252_file_is_read_and_reported(tmp_path):
    from engine.importer import meta
    path = tmp_path / "p.md"
    path.write_bytes("---\ntitle: Caf\u00e9\n---\n".encode("cp1252"))
    report = ImportReport()
    assert meta.read(path, "p.md", report) == "---\ntitle: Caf\u00e9\n---\n"
    assert [(w.path, w.line) for w in report.warnings] == [("p.md", 2)]
