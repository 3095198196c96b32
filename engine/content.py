"""Discovers posts and pages, splits and validates their frontmatter into `Post` values."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import tree
from .errors import BuildError, Problem, source_line

_FENCE = re.compile(r"^---[ \t]*$", re.M)
# C0 controls other than tab and newline, and the two non-characters: no XML output (the feed,
# the sitemap) may hold them, and no editor shows them
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
MAX_FRONTMATTER = 64 * 1024
# what Liquid, Hugo shortcodes and kramdown attribute lists look like, anywhere in the text
_TEMPLATE_HINT = re.compile(r"\{%-?\s*\w|\{\{[<%]|\{\{-?\s*[\w.'\"]+[^{}\n]*?\}\}|\{:")
KNOWN_KEYS = ("title", "date", "path", "slug", "tags", "draft", "description", "updated", "math",
              "series", "toc", "image")
_DIALECTS = ("auto", "modern", "legacy", "kramdown", "mathjax")


@dataclass(frozen=True)
class Post:
    """One Markdown source, validated. `body_line` is the file line where the body starts.

    A build holds its posts without their bodies (`without_body`; thousands of them would
    weigh more than everything else it keeps): the renderer reads a body back from its file
    (`read_body`), checking the file is the one that was parsed."""

    source: str                   # POSIX path relative to the site root
    kind: str                     # "post" or "page"
    title: str
    url: str                      # site-relative, "" or ending with "/"
    body: str
    body_line: int
    digest: str                   # sha256 of the file's bytes
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    description: str = ""
    math_dialect: str = "auto"
    math_macros: tuple[tuple[str, str], ...] = ()  # frontmatter `math: {macros: {...}}`
    bundle: tuple[str, ...] = ()  # files beside index.md, relative to its folder
    body_at: int = 0              # where the body starts in the file's text
    url_line: int = 1             # the `path` or `slug` line, for messages about the URL
    series: str = ""
    toc: bool | None = None       # None: the site's `toc` setting
    image: str = ""               # the social card image, relative to the post
    extra: dict = field(default_factory=dict, compare=False)  # other keys, for templates
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def without_body(self) -> "Post":
        return dataclasses.replace(self, body="")

    @property
    def folder(self) -> str:
        return self.source.rpartition("/")[0] or "."


def discover(root: Path, problems: list[Problem],
             known=None) -> list[tuple[str, tuple[str, ...]]]:
    """Every post (`content/posts/<slug>/index.md`) and page (`content/pages/*.md`) as its
    POSIX path relative to `root`, sorted, each with its bundle: the files beside a post's
    index.md (relative POSIX paths), copied with it (a page has none).

    Dot-named entries are skipped; links leaving the site root are reported in `problems`.
    Paths stay strings: a site has thousands of posts, and this runs on every build.
    `known` (`filestat.Known`): post folders unchanged since the last build are not listed.
    """
    posts = []
    for kind, path, name, linked in _entries(root / "content" / "posts", root, problems):
        folder = f"content/posts/{name}/"
        if kind == "dir":
            names = _folder_files(root, path, folder, linked, known, problems)
            if names is None:
                problems.extend(_unnamed(path, folder))
            elif "index.md" in names:
                posts.append((folder + "index.md", _bundle(folder, names, problems)))
            elif os.path.isdir(os.path.join(path, "index.md")):  # (a link was judged above)
                problems.append(Problem("`index.md` is a folder here, so this post is not "
                                        "built: the post's text goes in a file `index.md`, "
                                        "its figures beside it", folder + "index.md"))
        elif kind == "file" and name.endswith(_MARKDOWN):  # never skip one silently
            problems.append(Problem(f"posts live in folders: move this file to "
                                    f"`content/posts/{name.rsplit('.', 1)[0]}/index.md` (its "
                                    "images beside it)", f"content/posts/{name}"))
    pages = []
    for kind, path, name, _ in _entries(root / "content" / "pages", root, problems):
        if kind == "file" and name.endswith(".md"):
            pages.append((f"content/pages/{name}", ()))
        elif kind == "file" and name.endswith(_OTHER_MARKDOWN):
            problems.append(Problem(f"pages are `.md` files: rename this one to "
                                    f"`{name.rsplit('.', 1)[0]}.md`", f"content/pages/{name}"))
    return posts + pages


def _folder_files(root: Path, path: str, folder: str, linked: bool, known,
                  problems: list[Problem]) -> list[str] | None:
    """The files of post folder `folder` (at `path`; `linked`: reached through a link), as
    `known` recorded them or listed now; None when it has no `index.md`."""
    if known is not None and not linked:
        names = known.names(folder, path)
        if names is not None:
            return names
    if not os.path.lexists(os.path.join(path, "index.md")):
        return None
    before = len(problems)
    listed = tree.listing(path, root, root, problems, checked=True)  # checked by _entries
    if known is not None and not (linked or listed.linked) and len(problems) == before:
        known.note_names(folder, path, listed)
    return listed.names


_OTHER_MARKDOWN = (".markdown", ".mdown", ".mkd", ".mdx")
_MARKDOWN = (".md", *_OTHER_MARKDOWN)


def _unnamed(path: str, folder: str) -> list[Problem]:
    """A post folder without `index.md` but with another Markdown file is a post under the
    wrong name: never skip one silently."""
    found = sorted(n for n in os.listdir(path)
                   if n.endswith(_MARKDOWN) and not n.startswith("."))
    if not found:
        return []
    return [Problem(f"this folder has no `index.md`, so it is not built: rename `{found[0]}` "
                    "to `index.md`", folder + found[0])]


def _entries(folder: Path, root: Path,
             problems: list[Problem]) -> list[tuple[str, str, str, bool]]:
    """(kind, path, name, is a link) of the non-dot entries of `folder` that stay inside the
    site root."""
    if not folder.is_dir() or tree.check(folder, root, root, problems) != "dir":
        return []
    found = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        linked = entry.is_symlink()
        if linked:  # the full check: where does it lead?
            kind = tree.check(Path(entry.path), root, root, problems)
        else:
            kind = "dir" if entry.is_dir() else "file" if entry.is_file() else None
        if kind:
            found.append((kind, entry.path, entry.name, linked))
    return found


def load_post(root: Path, path: Path, raw: bytes | None = None) -> Post:
    """Read and validate one source file. Raises BuildError at the offending line."""
    rel = path.relative_to(root).as_posix()
    raw = path.read_bytes() if raw is None else raw
    text = _text(raw, rel)
    _check_characters(text, rel)
    meta, body, body_line = _split(text, rel)
    head = text[: len(text) - len(body)]  # the frontmatter: where keys are looked up
    kind = "post" if rel.startswith("content/posts/") else "page"
    warnings: list[Problem] = []

    def fail(key: str, message: str) -> BuildError:
        line = _key_line(head, key)
        return BuildError(message, rel, line, source_line(text, line))

    # Other keys reach templates as `extra`; one that looks like a misspelt known key is
    # most likely a typo, so it is still reported.
    for key in sorted(set(meta) - set(KNOWN_KEYS), key=str):
        import difflib  # here: most builds parse no frontmatter at all

        close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.8)
        if close:
            line = _key_line(head, str(key))
            warnings.append(Problem(f"unknown frontmatter key `{key}` (passed to templates as "
                                    f"`extra.{key}`); did you mean `{close[0]}`?", rel, line,
                                    source_line(text, line)))

    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        raise fail("title", "frontmatter has no `title`; add a line like `title: My post` "
                            "between the `---` lines")
    if not isinstance(title, (str, int, float)) or isinstance(title, bool):
        raise fail("title", f"`title` must be text, got {title!r}; put it in quotes")
    date = _date(meta.get("date"), "date", fail)
    if kind == "post" and date is None:
        raise fail("date", "frontmatter has no `date`; add e.g. `date: 2024-05-01` "
                           "(ISO 8601, time and zone optional)")
    updated = _date(meta.get("updated"), "updated", fail)
    slug = meta.get("slug", PurePosixPath(rel).parent.name if kind == "post" else PurePosixPath(rel).stem)
    if not isinstance(slug, str) or not re.fullmatch(r"[\w.~-]+", slug) or slug in (".", ".."):
        raise fail("slug", f"`slug` must be one URL segment of letters, digits, `-`, `_`, `.`, "
                           f"got {slug!r}")
    url = _url(meta["path"], fail) if "path" in meta else f"{slug}/"
    tags = meta.get("tags", [])
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) and str(t).strip() for t in tags):
        raise fail("tags", f"`tags` must be a list of names like `[numpy, math]`, got {tags!r}")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise fail("draft", f"`draft` must be true or false, got {draft!r}")
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise fail("description", f"`description` must be text, got {description!r}")
    dialect, macros = _dialect(meta.get("math", "auto"), fail)
    series = meta.get("series", "")
    if not isinstance(series, (str, int)) or isinstance(series, bool):
        raise fail("series", f"`series` must be the series' name, got {series!r}")
    toc = meta.get("toc")
    if toc is not None and not isinstance(toc, bool):
        raise fail("toc", f"`toc` must be true or false, got {toc!r}")
    image = meta.get("image", "")
    if not isinstance(image, str):
        raise fail("image", f"`image` must be a file name beside the post, got {image!r}")
    warnings.extend(_leftovers(body, body_line, text, rel))
    return Post(source=rel, kind=kind, title=str(title).strip(), url=url, body=body,
                body_line=body_line, body_at=len(text) - len(body), digest=hashlib.sha256(raw).hexdigest(), date=date,
                updated=updated, tags=tuple(dict.fromkeys(str(t).strip() for t in tags)),
                draft=draft, description=description.strip(), math_dialect=dialect, math_macros=macros,
                warnings=tuple(warnings),
                url_line=_key_line(head, "path" if "path" in meta else "slug"),
                series=str(series).strip(), toc=toc, image=image.strip(),
                extra={str(k): _plain(v) for k, v in meta.items() if k not in KNOWN_KEYS})


def _plain(value):
    """A frontmatter value as plain data for templates and the cache (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _leftovers(body: str, body_line: int, text: str, rel: str) -> list[Problem]:
    """Template syntax of other generators left in the body would show as text: say where."""
    if not _TEMPLATE_HINT.search(body):  # the scan parses the Markdown: only when worth it
        return []
    from .importer.leftovers import scan

    problems = []
    for line0, found in scan(body):
        line = body_line + line0
        problems.append(Problem(
            f"`{found}` is template syntax of another generator (Liquid, a Hugo shortcode or a "
            "kramdown attribute list) and would show as text; convert it (see `python build.py "
            "import`), or put it in backticks if it is meant literally", rel, line,
            source_line(text, line)))
    return problems


def _bundle(folder: str, names: list[str], problems: list[Problem]) -> tuple[str, ...]:
    """The files beside a post's index.md (`folder`: relative, ending with `/`): only what
    `tree.names` lets through (no dot names, no links leaving the site root); a file that
    would replace the post's own page is reported."""
    if "index.html" in names:
        problems.append(Problem("`index.html` beside a post would replace the post's page; "
                                "rename it", folder + "index.html"))
    return tuple(n for n in names if n not in ("index.md", "index.html"))


def read_body(root: Path, post: Post) -> str:
    """The body of `post`, read again from its file. Raises BuildError if the file changed
    since it was parsed."""
    raw = (root / post.source).read_bytes()
    if hashlib.sha256(raw).hexdigest() != post.digest:
        raise BuildError("this file changed while the site was being built; build again",
                         post.source)
    return _text(raw, post.source)[post.body_at:]


def _text(raw: bytes, rel: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildError(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", rel, line) from None
    # CRLF (Windows editors) and a byte-order mark are accepted; the output is LF throughout
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _check_characters(text: str, rel: str) -> None:
    m = _CONTROL.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        raise BuildError(f"invisible control character U+{ord(m.group()):04X} at column {column}; "
                         "delete it (feeds and sitemaps cannot carry it)", rel, line,
                         source_line(text, line).encode("unicode_escape").decode("ascii"))


def _split(text: str, rel: str) -> tuple[dict, str, int]:
    if not text.startswith("---"):
        raise BuildError("the file must start with YAML frontmatter between two `---` lines, "
                         "e.g. `---`, `title: My post`, `date: 2024-05-01`, `---`", rel, 1,
                         source_line(text, 1))
    first = _FENCE.match(text)
    end = _FENCE.search(text, first.end()) if first else None
    if first is None or end is None:
        raise BuildError("the frontmatter is not closed; add a line with only `---` after it",
                         rel, 1, source_line(text, 1))
    block = text[first.end():end.start()]
    if len(block) > MAX_FRONTMATTER:
        raise BuildError(f"the frontmatter is {len(block) // 1024} KiB, over the limit of "
                         f"{MAX_FRONTMATTER // 1024} KiB; move long text into the post's body",
                         rel, 1, source_line(text, 1))
    from .frontmatter import parse_yaml  # only when a source changed

    meta = parse_yaml(block, rel, text)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise BuildError("frontmatter must be `key: value` lines", rel, 2, source_line(text, 2))
    body_start = end.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return meta, text[body_start:], body_line


def _date(value, key: str, fail) -> dt.datetime | None:
    if value is None:
        return None
    date = None
    if isinstance(value, dt.datetime):
        date = value
    elif isinstance(value, dt.date):
        date = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        try:
            date = dt.datetime.fromisoformat(text)
        except ValueError:
            # YAML's own timestamp form puts a space before the zone: `2017-01-20 22:12 +01:00`
            try:
                date = dt.datetime.fromisoformat(re.sub(r"\s+(?=[+-]\d|Z$)", "", text))
            except ValueError:
                pass
    if date is not None:
        try:  # every date is compared in UTC: one at the edge of the calendar must survive it
            date.astimezone(dt.timezone.utc) if date.tzinfo else date.replace(tzinfo=dt.timezone.utc)
            return date
        except (OverflowError, ValueError):
            raise fail(key, f"`{key}` {value!r} is outside the calendar once converted to UTC; "
                            "check the year and the zone") from None
    raise fail(key, f"`{key}` must be an ISO 8601 date such as `2017-01-20`, "
                    f"`2017-01-20 22:12` or `2017-01-20T22:12:03.284Z`, got {value!r}")


def _url(value, fail) -> str:
    if not isinstance(value, str) or not value.strip("/ "):
        raise fail("path", f"`path` must be a permalink such as `/my-post/`, got {value!r}")
    parts = [p for p in value.strip().strip("/").split("/") if p]
    if any(p in (".", "..") for p in parts) or re.search(r"[\\?#<>\"\s\x00-\x1f:]", value.strip()):
        raise fail("path", f"`path` {value!r} would leave the site folder or is not a path of this site; use plain "
                           "segments such as `/2017/my-post/` (no scheme or host, no `..`, `:`, "
                           "`?`, `#`, spaces)")
    if parts[-1].endswith(".html"):
        raise fail("path", f"`path` {value!r} names a file; use a folder such as "
                           f"`/{'/'.join(parts[:-1] + [parts[-1][:-5]])}/` (pages are written as index.html)")
    return "/".join(parts) + "/"


def _dialect(value, fail) -> tuple[str, tuple[tuple[str, str], ...]]:
    macros: dict = {}
    if isinstance(value, dict):
        extra = sorted(set(value) - {"dialect", "macros"})
        if extra:
            raise fail("math", f"unknown `math` option `{extra[0]}`; accepted: `dialect`, `macros`")
        macros = value.get("macros") or {}
        if not isinstance(macros, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in macros.items()):
            raise fail("math", "`math.macros` maps names to TeX, e.g. `macros: {R: '\\\\mathbb{R}'}`")
        value = value.get("dialect", "auto")
    if value not in _DIALECTS:
        raise fail("math", f"`math` dialect must be one of {', '.join(_DIALECTS)}, got {value!r}")
    return value, tuple(sorted(macros.items()))


def _key_line(text: str, key: str) -> int:
    """The line of `key:` (a top-level key first, else an indented one), or 1."""
    m = (re.search(rf"^{re.escape(key)}[ \t]*:", text, re.M)
         or re.search(rf"^[ \t]+{re.escape(key)}[ \t]*:", text, re.M))
    return text.count("\n", 0, m.start()) + 1 if m else 1
