#!/usr/bin/env python3
"""Build the site: `python build.py [build|serve|new|check|init|import] [options]`. Exit status 0 or 1."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import traceback
from pathlib import Path

if sys.version_info < (3, 11):
    sys.exit("this generator needs Python 3.11 or newer")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import assemble, scaffold  # noqa: E402
from engine.errors import BuildError, BuildFailed  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__)
    parser.add_argument("command", nargs="?", default="build",
                        choices=("build", "serve", "new", "check", "init", "import"),
                        help="build (default): write site/; serve: preview with drafts, reloading "
                             "on change; new: start a post; check: build everything, write "
                             "nothing; init: start a new site; import: bring posts from a "
                             "Jekyll, Hugo, Gatsby or Pelican blog")
    parser.add_argument("title", nargs="?", metavar="TITLE|DIR",
                        help="the new post's title (with `new`); the folder to create the site "
                             "in (with `init`, default --root); the old blog's folder (with "
                             "`import`)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the site folder (default .)")
    parser.add_argument("--out", type=Path, help="output folder (default ROOT/site)")
    parser.add_argument("--drafts", action="store_true", help="include posts with `draft: true`")
    parser.add_argument("--future", action="store_true", help="include posts dated in the future")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--no-cache", action="store_true", help="ignore and keep no cache")
    parser.add_argument("--jobs", type=int, help="processes for rendering (default: all cores)")
    parser.add_argument("--port", type=int, default=8000,
                        help="port for `serve` (default 8000; 0 picks a free one)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("--from", dest="source_kind", default="auto",
                        choices=("auto", "jekyll", "hugo", "gatsby", "pelican"),
                        help="`import`: the old blog's generator (default: detected)")
    parser.add_argument("--dry-run", action="store_true", help="`import`: write nothing, print the plan")
    parser.add_argument("--force", action="store_true", help="`import`: overwrite existing posts")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an internal error")
    args = parser.parse_args(argv)
    try:
        return _command(parser, args)
    except KeyboardInterrupt:
        print("interrupted; the previous site was left as it was", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in the generator: one line, the traceback on request
        if args.debug:
            traceback.print_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"internal error: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:"
              f"{where.lineno}); please report it; run with --debug for the traceback",
              file=sys.stderr)
        return 1


def _command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    # Only our own loggers speak; libraries such as fontTools log chatty INFO lines.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("engine", "plugins"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING if args.quiet else logging.INFO)

    if args.command == "init":
        return run_init(args.title or args.root)
    if not (args.root / "site.toml").is_file():
        return no_site(args.root)
    if args.command == "new":
        if not args.title:
            parser.error("`new` needs a title: python build.py new \"My post\"")
        try:
            path = scaffold.new_post(args.root, args.title)
        except FileExistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"created {path}")
        return 0
    if args.command == "import":
        if not args.title:
            parser.error("`import` needs the old blog's folder: python build.py import ../old-blog")
        from engine.importer import cli
        return cli.run(Path(args.title), args.root, args.source_kind, dry_run=args.dry_run,
                       force=args.force, quiet=args.quiet)
    if args.command == "serve":
        if args.out:
            parser.error("`serve` builds into ROOT/.cache/preview, never into the deploy folder; "
                         "drop --out")
        from engine import serve
        return serve.run(args.root, port=args.port, quiet=args.quiet, debug=args.debug)
    # one build and the process ends: a collection after it would only scan what is about to
    # go (70 ms at 10,000 posts), and freeing what the build made, object by object, took
    # 0.1 s more; the exit (`os._exit`, below) drops it all at once
    gc.disable()
    return run_build(args.root, args.out, drafts=args.drafts, future=args.future,
                     strict=args.strict,
                     use_cache=not args.no_cache, jobs=args.jobs, quiet=args.quiet,
                     dry_run=args.command == "check", progress=not args.quiet,
                     retain=_RETAINED)


_RETAINED: list = []  # what the one build made, left for the process's exit to drop


def no_site(root: Path) -> int:
    """Every command but `init` needs a site; config's message says how to start one."""
    from engine.config import load_config

    try:
        load_config(root.resolve())
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem.format("error"), file=sys.stderr)
    return 1


def run_init(folder: Path) -> int:
    from engine.init import InitRefused, init_site

    try:
        created, kept = init_site(Path(folder))
    except InitRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in created:
        print(f"created {Path(folder) / path}")
    for path in kept:
        print(f"kept {Path(folder) / path} (it exists; init overwrites nothing)")
    root = "" if Path(folder) == Path(".") else f" --root {folder}"
    print(f"next: python build.py serve{root}   (a preview with live reload)")
    return 0


def run_build(root: Path, out: Path | None, *, quiet: bool = False, **options) -> int:
    try:
        summary = assemble.build(root, out, **options)
    except (BuildFailed, BuildError) as failed:
        problems = failed.problems if isinstance(failed, BuildFailed) else [failed.problem]
        for problem in problems:
            print(problem.format("error"), file=sys.stderr)
        print(f"build failed: {len(problems)} error(s); the previous site was left as it was",
              file=sys.stderr)
        return 1
    for warning in summary.warnings:
        print(warning.format("warning"), file=sys.stderr)
    if not quiet:
        print(summary.line())
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is written, closed and joined by now: skip freeing every object one by one
    # on the way out (0.15 s after a build of 10,000 posts), as mypy does.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
