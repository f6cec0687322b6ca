"""The import arrows of docs/architecture.md: a wrong import fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "assembly_desk"

# For each layer, the top-level packages it must not import (directly or by name).
FORBIDDEN: dict[str, set[str]] = {
    "domain": {"sqlalchemy", "alembic", "PySide6", "reportlab", "cryptography"},
    "counting": {"sqlalchemy", "alembic", "PySide6", "reportlab"},
    "audit": {"sqlalchemy", "alembic", "PySide6"},
    "documents": {"sqlalchemy", "alembic", "PySide6"},
    "importers": {"sqlalchemy", "alembic", "PySide6"},
    "persistence": {"PySide6"},
    "services": {"PySide6"},
    "cli": {"PySide6"},
    "i18n": {"sqlalchemy", "PySide6"},
}
# Which of our own layers each layer may not reach up into.
ORDER = [
    "domain",
    "i18n",
    "persistence",
    "counting",
    "audit",
    "importers",
    "documents",
    "services",
    "cli",
    "gui",
]
ALLOWED_INTERNAL: dict[str, set[str]] = {
    "domain": {"domain", "i18n"},
    "i18n": {"i18n"},
    "persistence": {"persistence", "domain", "i18n"},
    "counting": {"counting", "domain", "i18n"},
    "audit": {"audit", "domain", "i18n", "counting"},
    "importers": {"importers", "domain", "i18n"},
    "documents": {"documents", "domain", "i18n"},
    "services": set(ORDER) - {"cli", "gui"},
    "cli": set(ORDER) - {"gui"},
    "gui": set(ORDER) - {"cli", "persistence"},
}

# The entry point opens the window when run without a subcommand (lazily, inside a function).
EXCEPTIONS = {
    ("cli/__init__.py", "assembly_desk.gui.app"),
    ("cli/__init__.py", "assembly_desk.gui.auditor.launch"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    layer = rel.parts[0] if len(rel.parts) > 1 else None
    if layer is None or layer == "resources":
        return
    for name in _imports(path):
        top = name.split(".")[0]
        if layer != "gui":
            assert top != "PySide6", f"{rel} imports PySide6: only gui/ may"
        assert top not in FORBIDDEN.get(layer, set()), f"{rel} imports {name}"
        if (str(rel), name) in EXCEPTIONS:
            continue
        if top == "assembly_desk" and "." in name:
            target = name.split(".")[1]
            if target in ALLOWED_INTERNAL:
                allowed = ALLOWED_INTERNAL.get(layer, set())
                assert target in allowed, f"{rel} ({layer}) must not import {name}"


def test_layer_test_sees_every_layer() -> None:
    present = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert {"domain", "services", "persistence", "gui"} <= present
