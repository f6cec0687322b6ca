"""docs/architecture.md shows the tree as it is: every package in src/ appears in its map."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "assembly_desk"


def _tree_block() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    house = text.split("## The house", 1)[1]
    match = re.search(r"```\n(.*?)```", house, re.S)
    assert match, "docs/architecture.md has no tree under 'The house'"
    return match.group(1)


def _packages() -> list[Path]:
    skip = {"resources", "migrations", "versions", "catalogue"}
    return sorted(
        p.parent.relative_to(PACKAGE)
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE and not skip & set(p.parent.relative_to(PACKAGE).parts)
    )


def test_every_package_is_on_the_map() -> None:
    tree = _tree_block()
    missing = [str(p) for p in _packages() if f"{p.name}/" not in tree]
    assert missing == [], f"packages not shown in docs/architecture.md: {missing}"


def test_the_map_names_no_package_that_is_gone() -> None:
    tree = _tree_block()
    named = set(re.findall(r"(?<![a-z0-9_])([a-z][a-z0-9_]*)/", tree))
    present = {p.name for p in _packages()}
    assert named <= present, f"docs/architecture.md names missing packages: {named - present}"
