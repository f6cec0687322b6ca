"""The roll over time on the command line: merge an updated roll, correct a person, export."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the roll commands to the parser."""
