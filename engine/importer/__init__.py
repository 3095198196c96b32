"""`python build.py import SOURCE`: an existing Jekyll, Hugo, Gatsby or Pelican blog becomes
`content/posts/<slug>/index.md` bundles, its old URLs kept (as `path`, or a redirect page in
`static/`), its files copied, and everything not converted reported at `old/path:line`.

`plan()` reads and converts without touching the disk; `apply()` writes the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..slug import slug as make_slug
from . import convert, detect, frontmatter, gatsby, hugo, jekyll, pelican, urls
from .links import Index
from .model import OldSite
from .report import ImportReport

_GENERATED = ("tags/", "assets/", "feed.xml", "sitemap.xml", "robots.txt")
READERS = {"jekyll": jekyll.read, "hugo": hugo.read, "gatsby": gatsby.read, "pelican": pelican.read}


@dataclass
class Plan:
    """Files to write, relative to the new site's root, and what the run found."""

    kind: str = ""
    files: dict[str, bytes | Path] = field(default_factory=dict)
    posts: int = 0
    report: ImportReport = field(default_factory=ImportReport)


def plan(source: Path, root: Path, kind: str = "auto") -> Plan:
    result = Plan()
    report = result.report
    if kind == "auto":
        found, why = detect.detect(source)
        if found is None:
            report.error(why)
            return result
        kind = found
        report.plan.append(f"{source}: a {kind} blog ({why})")
    result.kind = kind
    site = READERS[kind](source, report)
    for rel, why in site.skipped:
        report.warn(f"not imported: {why}", rel)
    if not site.posts:
        report.error(f"no posts found in `{source}` (a {kind} blog)")
        return result
    base_url = _base_url(root)
    if not (root / "site.toml").exists():
        result.files["site.toml"] = _settings(site).encode("utf-8")
        base_url = _base_url_of(site)
        report.plan.append("site.toml: created with the old blog's title"
                           + (f" and address ({site.site_url})" if base_url else ""))
    index, targets = place(site)
    pages = {t[3] + "index.html" for t in targets}
    for post, folder, path, new_url, moved in targets:
        if path != urls.new_path(post.url, folder)[0]:
            report.warn(f"another post also had the address `{post.url}`; this one moves to "
                        f"`{path}`", post.source)
        ctx = convert.Ctx(post, site, index, new_url, report)
        markdown = convert.body(post, site, ctx)
        head = frontmatter.render(post, kind, path, ctx.dialect, ctx.toc)
        out = f"content/posts/{folder}/"
        result.files[out + "index.md"] = (head + markdown).encode("utf-8")
        for name, old in sorted(ctx.files.items()):
            result.files[out + name] = old
        report.plan.append(f"{post.source} -> {out}index.md (/{new_url}"
                           + (f", {len(ctx.files)} files" if ctx.files else "")
                           + (", draft" if post.draft else "") + ")")
        olds = ([post.url] if moved else []) + post.aliases
        for old in olds:
            file = urls.redirect_file(old)  # old URLs are below the old base path
            if file is None or file in pages:
                continue
            if file.startswith(_GENERATED) or file in ("index.html", "404.html"):
                report.warn(f"no redirect at `{old}`: the new site makes its own page there "
                            f"(the post is at /{new_url})", post.source)
                continue
            result.files["static/" + file] = urls.redirect_page(file, new_url, base_url).encode()
            report.plan.append(f"  redirect /{file} -> /{new_url}")
        result.posts += 1
    return result


def place(site: OldSite) -> tuple[Index, list[tuple]]:
    """Every post's folder, `path`, new URL and whether its old address needs a redirect,
    and the index that links between posts are rewritten with."""
    index, targets = Index(), []
    folders: set[str] = set()
    paths: set[str] = set()
    for post in sorted(site.posts, key=lambda p: p.source):
        folder = _unique(make_slug(post.slug, "post"), folders)
        path, moved = urls.new_path(post.url, folder)
        if path.lower() in paths:  # two posts had one address: the second moves
            path, moved = f"{path.rstrip('/')}-{folder}/", True
        paths.add(path.lower())
        new_url = path.strip("/") + "/"
        index.add([post.url, *post.aliases], post.source, new_url, post.draft)
        targets.append((post, folder, path, new_url, moved))
    return index, targets


def apply(result: Plan, root: Path, force: bool = False) -> tuple[int, int, int]:
    """Write the plan under `root`. Returns (written, unchanged, refused)."""
    written = unchanged = refused = 0
    blocked: set[str] = set()
    for rel, data in result.files.items():
        if not rel.endswith("/index.md") or not rel.startswith("content/posts/"):
            continue
        target = root / rel
        if target.exists() and target.read_bytes() != data and not force:
            blocked.add(rel.rsplit("/", 1)[0] + "/")
            result.report.error(f"`{rel}` exists and differs from the import; not overwritten "
                                "(use --force to replace it)", rel)
    for rel, data in result.files.items():
        if any(rel.startswith(b) for b in blocked):
            refused += 1
            continue
        target = root / rel
        new = data.read_bytes() if isinstance(data, Path) else data
        if target.exists() and target.read_bytes() == new:
            unchanged += 1
            continue
        if target.exists() and not force and not rel.endswith("/index.md"):
            result.report.error(f"`{rel}` exists and differs; not overwritten (use --force)", rel)
            refused += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new)
        written += 1
    return written, unchanged, refused


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _base_url_of(site: OldSite) -> str:
    return site.site_url if site.site_url.startswith(("http://", "https://")) else ""


def _settings(site: OldSite) -> str:
    """A first site.toml for a folder that has none: the blog keeps its name and address."""
    title = (site.title or "My blog").replace("\\", "\\\\").replace('"', '\\"')
    text = f'title = "{title}"\n'
    if _base_url_of(site):
        text += f'base_url = "{_base_url_of(site)}"\n'
    return text


def _base_url(root: Path) -> str:
    import tomllib
    try:
        value = tomllib.loads((root / "site.toml").read_text(encoding="utf-8")).get("base_url", "")
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return value.rstrip("/") + "/" if isinstance(value, str) and value else ""
