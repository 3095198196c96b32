"""The import graph the design holds: plugins import nothing from the engine, the engine names
no plugin (it finds them by the names `site.toml` lists)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(folder: str) -> list[Path]:
    found = sorted((REPO / folder).rglob("*.py"))
    assert found, folder
    return found


def test_plugins_import_nothing_from_the_engine():
    offenders = [p.relative_to(REPO).as_posix() for p in sources("plugins")
                 if "engine" in imported(p)]
    assert offenders == []


def test_the_engine_imports_no_plugin_and_names_none():
    offenders = []
    for path in sources("engine"):
        if "plugins" in imported(path):
            offenders.append(f"{path.name} imports plugins")
        for plugin in (p.name for p in (REPO / "plugins").iterdir() if p.is_dir()
                       and not p.name.startswith("_")):
            if re.search(rf"\b{re.escape(plugin)}\b(?![-.]?blog)", path.read_text()):
                offenders.append(f"{path.name} names `{plugin}`")
    assert offenders == []
