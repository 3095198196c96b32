"""The import report: every construct the importer converted with a caveat, or could not
convert, at `old/path:line`, plus the plan (what goes where)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem


@dataclass
class ImportReport:
    """Warnings (`path:line` in the old blog) and the plan, in the order found."""

    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)

    def warn(self, message: str, path: str, line: int = 0, source: str = "") -> None:
        self.warnings.append(Problem(message, path, line, source))

    def error(self, message: str, path: str = "", line: int = 0) -> None:
        self.errors.append(Problem(message, path, line))

    def lines(self) -> list[str]:
        out = list(self.plan)
        out += [p.format("warning") for p in self.warnings]
        out += [p.format("error") for p in self.errors]
        return out
