"""The `import` command's output: the plan (with --dry-run or not -q), warnings at
`old/path:line`, errors, a summary line. Exit status 1 when anything was refused."""

from __future__ import annotations

import sys
from pathlib import Path

from . import apply, plan


def run(source: Path, root: Path, kind: str = "auto", *, dry_run: bool = False,
        force: bool = False, quiet: bool = False) -> int:
    if not source.is_dir():
        print(f"error: `{source}` is not a folder; give the old blog's checkout", file=sys.stderr)
        return 1
    result = plan(source.resolve(), root.resolve(), kind)
    report = result.report
    written = unchanged = refused = 0
    if not dry_run and not report.errors:
        written, unchanged, refused = apply(result, root.resolve(), force)
    if dry_run or not quiet:
        for line in report.plan:
            print(line)
    for problem in sorted(report.warnings, key=lambda p: (p.path, p.line)):
        print(problem.format("warning"), file=sys.stderr)
    for problem in report.errors:
        print(problem.format("error"), file=sys.stderr)
    if dry_run:
        print(f"dry run: {result.posts} posts, {len(result.files)} files would be written; "
              f"warnings {len(report.warnings)}; nothing written")
    elif not quiet:
        print(f"imported {result.posts} posts from a {result.kind or 'unknown'} blog: "
              f"{written} files written, {unchanged} unchanged, {refused} refused; "
              f"warnings {len(report.warnings)}")
    return 1 if report.errors else 0
