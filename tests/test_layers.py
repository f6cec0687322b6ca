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
    "services": {"PySide6", "sqlalchemy", "alembic"},
    "cli": {"PySide6", "sqlalchemy", "alembic"},
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
    "cli": set(ORDER) - {"gui", "persistence"},
    "gui": set(ORDER) - {"cli", "persistence"},
}

# The entry point opens the window when run without a subcommand (lazily, inside a function).
EXCEPTIONS = {
    ("cli/__init__.py", "assembly_desk.gui.app"),
    ("cli/__init__.py", "assembly_desk.gui.auditor.launch"),
}


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, with relative imports resolved against its package.

    ``from ..persistence import models`` inside ``counting/`` names
    ``assembly_desk.persistence``: a relative import is an import like any other.
    """
    return _imports_of(path.read_text(encoding="utf-8"), _package_of(path))


def _package_of(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return parts if parts[-1] == "__init__" and parts.pop() else parts[:-1]


def _imports_of(source: str, package: list[str]) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.add(node.module or "")
                continue
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                names.add(".".join([*base, node.module]))
            else:  # from .. import persistence: each name may be a module
                names.update(".".join([*base, alias.name]) for alias in node.names)
    return names


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _offences(rel: Path, names: set[str]) -> list[str]:
    """What the import arrows forbid among ``names`` for the file at ``rel``."""
    layer = rel.parts[0] if len(rel.parts) > 1 else None
    if layer is None or layer == "resources":
        return []
    found: list[str] = []
    for name in sorted(names):
        top = name.split(".")[0]
        if layer != "gui" and top == "PySide6":
            found.append(f"{rel} imports PySide6: only gui/ may")
        elif top in FORBIDDEN.get(layer, set()):
            found.append(f"{rel} imports {name}")
        elif (str(rel), name) in EXCEPTIONS:
            continue
        elif top == "assembly_desk" and "." in name:
            target = name.split(".")[1]
            if target in ALLOWED_INTERNAL and target not in ALLOWED_INTERNAL.get(layer, set()):
                found.append(f"{rel} ({layer}) must not import {name}")
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    assert _offences(rel, _imports(path)) == []


@pytest.mark.parametrize(
    ("where", "source", "package"),
    [
        ("counting/irv.py", "from ..persistence import models", "assembly_desk.counting"),
        ("counting/irv.py", "from .. import persistence", "assembly_desk.counting"),
        ("domain/x.py", "from ..services.tally import count", "assembly_desk.domain"),
        ("services/x.py", "from sqlalchemy import select", "assembly_desk.services"),
        ("services/x.py", "import sqlalchemy.orm", "assembly_desk.services"),
        ("audit/x.py", "from ..gui.widgets import banner", "assembly_desk.audit"),
        ("gui/desk/x.py", "from ...persistence.models import Person", "assembly_desk.gui.desk"),
    ],
)
def test_the_checker_catches_a_wrong_import(where: str, source: str, package: str) -> None:
    """A probe the old checker let through (relative imports were skipped) is caught."""
    names = _imports_of(source, package.split("."))
    assert _offences(Path(where), names), f"{source!r} in {where} passed the checker"


def test_the_checker_lets_a_right_import_through() -> None:
    names = _imports_of("from .ballots import Ballot", ["assembly_desk", "counting"])
    assert names == {"assembly_desk.counting.ballots"}
    assert _offences(Path("counting/irv.py"), names) == []


def test_layer_test_sees_every_layer() -> None:
    present = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert {"domain", "services", "persistence", "gui"} <= present
