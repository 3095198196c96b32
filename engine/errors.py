"""Errors and warnings that carry a location, and the collector a build reports them through.

Every problem a user can cause is a `BuildError` with the file (relative to the site root),
the 1-based line, a message that says what is wrong and how to fix it, and, when the file can
be read, the source line quoted under it, the way compilers do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One located message. `line` is 1-based; 0 means the file as a whole."""

    message: str
    path: str = ""
    line: int = 0
    source: str = ""

    def format(self, kind: str = "error") -> str:
        where = self.path
        if where and self.line:
            where = f"{where}:{self.line}"
        head = f"{where}: {kind}: {self.message}" if where else f"{kind}: {self.message}"
        if self.source:
            return f"{head}\n    {self.line:>4} | {self.source}"
        return head


class BuildError(Exception):
    """A problem that stops the build. Raise it; the build collects and reports all of them."""

    def __init__(self, message: str, path: str | Path = "", line: int = 0, source: str = ""):
        super().__init__(message)
        self.problem = Problem(message, str(path), line, source)

    def __str__(self) -> str:
        return self.problem.format()


class BuildFailed(Exception):
    """Raised once at the end of a phase that collected errors; carries all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} error(s)")
        self.problems = problems


@dataclass
class Report:
    """Collects errors and warnings of one build, in the order found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, problem: Problem | BuildError) -> None:
        self.errors.append(problem.problem if isinstance(problem, BuildError) else problem)

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)

    def raise_if_failed(self) -> None:
        if self.errors:  # once each: a template's error would come once per page it renders
            raise BuildFailed(list(dict.fromkeys(self.errors)))


def source_line(text: str, line: int) -> str:
    """The 1-based `line` of `text`, stripped of its newline; '' when out of range."""
    if line < 1:
        return ""
    lines = text.splitlines()
    return lines[line - 1].rstrip() if line <= len(lines) else ""
