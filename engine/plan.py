"""The plan of outputs (site path -> bytes, a file to copy, or a `Deferred`), checked and
completed before anything is written.

Rendering fills the plan; `check_tree` refuses a plan that cannot exist on disk (a page at
`feed.xml/` while `feed.xml` is a file); `realize` renders the `Deferred` outputs the writer
cannot take from the previous site, so writing itself never renders.
"""

from __future__ import annotations

from pathlib import Path

from .content import Post
from .errors import BuildError, Problem, Report
from .outputs import Deferred, Output


def merge(outputs: dict[str, Output], more: dict[str, Output], root: Path,
          report: Report) -> None:
    """Add `more` to `outputs`; a path both claim is an error, never a silent overwrite."""
    for path, value in more.items():
        if path not in outputs:
            outputs[path] = value
            continue
        # name the author's own file, whichever side it is on
        mine = next((v for v in (outputs[path], value)
                     if isinstance(v, Path) and v.is_relative_to(root)), None)
        if mine is not None:
            rel = mine.relative_to(root).as_posix()
            report.error(Problem(f"`{rel}` would replace the generated `{path}`; rename or "
                                 "remove it", rel))
        else:
            report.error(Problem(f"two outputs claim `{path}`; rename one of them", path))


def check_tree(outputs: dict[str, Output], posts: list[Post], report: Report) -> None:
    """Every folder a path needs must not be a file of the plan itself."""
    for path in sorted(outputs):
        parts = path.split("/")
        for n in range(1, len(parts)):
            folder = "/".join(parts[:n])
            if folder in outputs:
                _clash(folder, path, posts, report)
                break


def realize(outputs: dict[str, Output], keep: set[str], report: Report) -> None:
    """Make the bytes of every `Deferred` output not in `keep`; errors go to `report`."""
    for path in sorted(outputs):
        value = outputs[path]
        if isinstance(value, Deferred) and path not in keep:
            try:
                outputs[path] = value.produce()
            except BuildError as exc:
                report.error(exc)


def _clash(file: str, path: str, posts: list[Post], report: Report) -> None:
    for post in posts:
        if post.url and path.startswith(post.url):
            report.error(Problem(f"URL `/{post.url}` puts a folder where the site has the file "
                                 f"`{file}`; choose another `path` or `slug`", post.source,
                                 post.url_line))
            return
    report.error(Problem(f"`{path}` needs a folder `{file}`, which is also a file of the site; "
                         "rename one of them", path))
