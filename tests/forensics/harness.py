"""The forensic harness: a poll with known truth, the raw files, and the scoring.

* ``make_poll`` builds a ranked contest with six options (720 rankings) and ``N_VOTERS``
  checked-in voters; each voter gets a distinct ranking, and they vote in a seeded random
  order that is neither person-id order nor card-code order (these two are the same).
* ``cast_all`` and ``close`` are the only places where ballots reach the database: if
  the storage changes how a cast or a close is done, adapt these two.
* ``read_tree`` reads every regular file under a folder (the test's ``tmp_path``): the
  SQLite database, -wal, -shm and anything else the app wrote there; ``app_files`` adds
  the database's ballot-box folder (``Database.box_dir``) wherever it is.
* ``score`` compares an attack's guess with the truth; ``assert_no_better_than_chance``
  applies the thresholds below to every finding, after printing them all.

Thresholds (N = 300 voters, many findings per test):

* Pairing. Under chance, the number of voters an attack pairs correctly is about
  Poisson(1) whatever the attack (each guessed pair is right with probability 1/N, at
  most N guesses). P(X >= 8) = 1.0e-5 per figure. ``MAX_CORRECT_PAIRS = 7`` (2.3 %).
* Order. Spearman's rho of k ballots in random order has a standard deviation of
  1/sqrt(k-1) (0.058 for k = 300). The limit is 4.5 standard deviations, and never below
  0.25: P(|rho| >= limit) < 7e-6 per figure. Below 12 ballots nothing is asserted.
* A run asserts some 40 findings with three figures each, many of them the same pages
  read through different files; a store that keeps the secret fails by bad luck about
  once in a thousand runs at worst (``test_chance_passes_the_thresholds`` tries 500).
* The order of the *issues* (who voted when) is printed as ``voter-rho`` but not
  asserted: the design lets the record of who received a ballot show who voted, and an
  attacker at the door knows the order anyway (``door`` pairs ballots with it). Set
  ``ASSERT_VOTER_ORDER`` to hold it to the same limit.
"""

from __future__ import annotations

import itertools
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.services import voting
from assembly_desk.services.database import Database
from tests.ballots.helpers import close_poll, setup
from tests.forensics.attacks import (
    Ballot,
    Finding,
    Recognizer,
    finding_from,
    scan_positions,
    sqlite_file_attacks,
)

OPTIONS = ("Azalea", "Begonia", "Camellia", "Dahlia", "Freesia", "Gardenia")
N_VOTERS = 300
SEED = 20261128
MAX_CORRECT_PAIRS = 7
MIN_BALLOTS_FOR_ORDER = 12
ASSERT_VOTER_ORDER = False


def rho_limit(k: int) -> float:
    return max(0.25, 4.5 / math.sqrt(k - 1))


def ranked6() -> ContestDefinition:
    return ContestDefinition(
        "우선 추진 사업 순위 (포렌식 시험)",
        BallotType.RANKED,
        tuple(Option(o) for o in OPTIONS),
        max_choices=0,
    )


@dataclass
class Poll:
    """A contest, and the truth the attacker tries to recover."""

    db: Database
    contest_id: int
    cast_order: list[int]  # person ids, in the order they voted
    selection: dict[int, Ballot]  # person id -> the ranking they cast

    @property
    def owner(self) -> dict[Ballot, int]:
        return {b: p for p, b in self.selection.items()}

    @property
    def recognizer(self) -> Recognizer:
        return Recognizer(OPTIONS, self.contest_id, self.selection)


def make_poll(db: Database, n: int = N_VOTERS, seed: int = SEED) -> Poll:
    """An open ranked contest, ``n`` voters, distinct rankings and a shuffled cast order."""
    _aid, contest, voters = setup(db, ranked6(), people=n)
    rng = random.Random(seed)
    ids = [v.id for v in voters]  # id order is card-code order (seed_people sorts codes)
    rankings = rng.sample(list(itertools.permutations(OPTIONS)), n)
    selection = dict(zip(ids, rankings, strict=True))
    order = ids[:]
    rng.shuffle(order)
    assert abs(spearman([ids.index(p) for p in order])) < 0.2  # not id (= card-code) order
    return Poll(db, contest.id, order, selection)


def cast_all(
    db: Database, contest_id: int, voters: list[int], selections: dict[int, Ballot]
) -> None:
    """Every voter casts, one station transaction each, in the given order."""
    for pid in voters:
        with db.uow() as uow:
            voting.cast(uow, contest_id, pid, {"ranking": list(selections[pid])})


def close(db: Database, contest_id: int) -> None:
    """The chair closes the poll."""
    close_poll(db, contest_id)


def read_tree(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root``, recursively: {path relative to root: bytes}."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(root))] = path.read_bytes()
    return out


def app_files(db: Database, root: Path) -> dict[str, bytes]:
    """Every file the app wrote in its folders: the test's ``root``, and the database's
    ballot-box folder wherever it is (``Database.box_dir``, if the app has one)."""
    files = read_tree(root)
    box_dir = getattr(db, "box_dir", None)
    if (
        isinstance(box_dir, Path)
        and box_dir.is_dir()
        and not box_dir.resolve().is_relative_to(root.resolve())
    ):
        files.update({f"{box_dir}/{k}": v for k, v in read_tree(box_dir).items()})
    return files


def file_attacks(files: dict[str, bytes], rec: Recognizer) -> list[Finding]:
    """Attacks 1 and 2 on the SQLite files, and attack 3 (byte positions) on every file."""
    findings = sqlite_file_attacks(files, rec)
    for name, data in files.items():
        findings.append(finding_from("file-position", name, scan_positions(data, rec)))
        findings.append(finding_from("file-last-pos", name, scan_positions(data, rec, last=True)))
    return findings


def require(condition: bool, reason: str) -> None:
    """A forensic prerequisite (a readable data directory, pg_waldump): skip locally, fail in CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"forensic test needs: {reason}")
    pytest.skip(f"forensic test needs: {reason}")


# --- scoring ------------------------------------------------------------------------------


def spearman(xs: list[float]) -> float:
    """Spearman's rho between position in ``xs`` and the values (distinct values)."""
    n = len(xs)
    if n < 2:
        return 0.0
    ranks = {v: r for r, v in enumerate(sorted(xs))}
    d2 = sum((ranks[v] - i) ** 2 for i, v in enumerate(xs))
    return 1 - 6 * d2 / (n * (n * n - 1))


@dataclass(frozen=True)
class Score:
    phase: str
    attack: str
    target: str
    ballots: int  # distinct ballots found
    issues: int  # distinct issues found
    correct: int  # voters correctly paired (issue <-> ballot)
    door_correct: int  # ballots at the cast rank of their voter (attacker knows who came when)
    rho: float | None  # recovered ballot order vs true cast order
    voter_rho: float | None  # recovered issue order vs true cast order (information only)

    @property
    def worst_pairs(self) -> int:
        return max(self.correct, self.door_correct)

    def failures(self) -> list[str]:
        out = []
        if self.worst_pairs > MAX_CORRECT_PAIRS:
            out.append(f"pairs {self.worst_pairs} > {MAX_CORRECT_PAIRS}")
        if self.rho is not None and abs(self.rho) >= rho_limit(self.ballots):
            out.append(f"|rho| {abs(self.rho):.3f} >= {rho_limit(self.ballots):.3f}")
        vrho = self.voter_rho
        if ASSERT_VOTER_ORDER and vrho is not None and abs(vrho) >= rho_limit(self.issues):
            out.append(f"|voter-rho| {abs(vrho):.3f} >= {rho_limit(self.issues):.3f}")
        return out

    def line(self) -> str:
        rho = "   -  " if self.rho is None else f"{self.rho:+.3f}"
        vrho = "   -  " if self.voter_rho is None else f"{self.voter_rho:+.3f}"
        verdict = "; ".join(self.failures()) or "ok"
        return (
            f"{self.phase:<13} {self.attack:<18} ballots {self.ballots:>3} issues {self.issues:>3}"
            f"  paired {self.correct:>3}  door {self.door_correct:>3}  rho {rho}"
            f"  voter-rho {vrho}  {verdict:<28} {self.target}"
        )


def score(f: Finding, poll: Poll, phase: str) -> Score:
    owner = poll.owner
    rank = {p: i for i, p in enumerate(poll.cast_order)}
    n = len(poll.cast_order)
    ballots = [b for b in f.ballots if b in owner]
    correct = sum(1 for pid, b in f.pairs.items() if owner.get(b) == pid)
    k = len(ballots)
    door = sum(
        1
        for j, b in enumerate(ballots)
        if poll.cast_order[min(n - 1, int((j + 0.5) * n / k))] == owner[b]
    )
    rho = spearman([rank[owner[b]] for b in ballots]) if k >= MIN_BALLOTS_FOR_ORDER else None
    voters = [p for p in f.voters if p in rank]
    vrho = spearman([rank[p] for p in voters]) if len(voters) >= MIN_BALLOTS_FOR_ORDER else None
    return Score(phase, f.attack, f.target, k, len(voters), correct, door, rho, vrho)


def report(scores: list[Score]) -> str:
    return "\n".join(s.line() for s in scores)


def assert_found(
    scores: list[Score], phase: str, attacks: tuple[str, ...], n: int, what: str
) -> None:
    """Guard against a vacuous pass: some attack of ``attacks`` decoded all n ``what``."""
    got = [getattr(s, what) for s in scores if s.phase == phase and s.attack in attacks]
    assert max(got, default=0) == n, (
        f"{phase}: the attacks {attacks} decoded {max(got, default=0)} of {n} {what}; "
        f"a parser that finds nothing would make this test pass vacuously\n{report(scores)}"
    )


def assert_no_better_than_chance(scores: list[Score]) -> None:
    print("\n" + report(scores))
    bad = [s for s in scores if s.failures()]
    assert not bad, (
        f"{len(bad)} of {len(scores)} forensic findings beat chance "
        f"(limits: at most {MAX_CORRECT_PAIRS} correct pairs, |rho| < max(0.25, 4.5/sqrt(k-1))):\n"
        + report(bad)
    )
