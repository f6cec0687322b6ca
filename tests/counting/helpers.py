"""Small builders shared by the counting tests."""

from __future__ import annotations

from assembly_desk.counting import ChoiceBallot, RankingBallot


def rankings(*groups: tuple[int, str]) -> list[RankingBallot]:
    """``(4, "A B C")`` -> four ballots ranking A, B, C."""
    out: list[RankingBallot] = []
    for n, text in groups:
        out.extend([RankingBallot(tuple(text.split()))] * n)
    return out


def choices(*groups: tuple[int, str]) -> list[ChoiceBallot]:
    """``(3, "A C")`` -> three ballots marking A and C."""
    out: list[ChoiceBallot] = []
    for n, text in groups:
        out.extend([ChoiceBallot(tuple(text.split()))] * n)
    return out
