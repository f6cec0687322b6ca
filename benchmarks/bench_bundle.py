"""Benchmark the signed tally bundle as the product makes it: export + sign, then verify.

A fresh SQLite database gets one assembly with one ranked (IRV) contest over 10
candidates and ``--ballots`` paper ballots (default 100,000; Plackett-Luce rankings of
random length 1..10, as bench_counting.py draws them). The set-up goes through the
product's services wherever the timed result depends on it:

* the assembly (``assemblies.create_assembly``), the chair passphrase, the contest
  (``contests.create_contest``), its rule (``tally.configure_count``: IRV), the seed
  commitment (``tally.commit_seed``), the poll opened (``contests.open_poll``) and
  closed (``contests.close_poll``);
* the ballots through the count table's bulk path (``services.count_entry``): batches of
  up to 20,000 papers typed twice (entries A and B), compared, and committed, each batch
  in one transaction as ``commit_batch`` stores it. This is the fastest path the product
  has for loading ballots; casting 100,000 at a station one by one would take minutes;
* two signers (a chair and a witness) with key files as ``keys create`` writes them,
  registered (``signers.register_signer``), then the count (``tally.count_contest``).

Only the people are not: ``--ballots`` residents, their check-ins and, once the poll is
open, one paper ballot issued to each (the rows ``voting.issue_paper`` writes; it logs
nothing) are inserted in bulk, as scripts/screenshot_kit.py does for the count-entry
benchmark. A door scan and an issue per voter, one transaction each, would take about
5 ms apiece (over 8 minutes for 100,000) and are the check-in and door benchmarks'
business; the bundle sees only their counts (``checked_in``, ``issued``).

Timed (``time.perf_counter``, median of ``--runs``), each beside its floor:

(a) export + sign: ``services.bundle_export.export_signed`` with both key files (the
    command line's ``bundle export``: keys opened, contest recounted from the database,
    four canonical files written and fsynced, signed, ``bundle.exported`` logged), into a
    new folder each run. Floor: writing the same four files' bytes to a new folder with
    ``open().write`` + ``flush`` + ``os.fsync`` per file, as ``bundle_files.write_folder``
    does (it fsyncs each file before renaming the folder into place).
(b) verify: ``audit.verify.verify_bundle(folder)``, full recount included. Floor: the
    recount alone, ``count(method, ballots, options)`` on the bundle's ballots with the
    manifest's options and the revealed seed (ballots parsed beforehand; no file reading,
    hashing, chain or signatures).
(c) with ``--zip``: ``zip_bundle`` once, then ``verify_bundle(zip)`` against the same floor.

``--before PATH`` times verify (folder, and zip with ``--zip``) in a child process with
``PYTHONPATH=PATH/src`` and, for a like-for-like figure, the same child with this tree's
``src``. Make an older tree with ``git worktree add /tmp/before <commit>`` and remove it
afterwards with ``git worktree remove /tmp/before``.

Targets: export + sign < 2 s and within 2x of writing the files; verify < 3 s and within
2x of the recount alone.

    .venv/bin/python benchmarks/bench_bundle.py [--ballots N] [--runs R] [--zip]
        [--before PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from assembly_desk.audit.bundle import zip_bundle
from assembly_desk.audit.bundle_schema import (
    FILES,
    ballot_from_cvr,
    options_from_json,
    tie_rule_from_json,
)
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.audit.keys import generate_key, save_private_key
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.counting import count
from assembly_desk.domain import card_code
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.persistence.models import CheckInRow, PersonRow
from assembly_desk.persistence.models_ballots import BallotIssueRow
from assembly_desk.services import (
    assemblies,
    contests,
    count_entry,
    signers,
    tally,
    voting,
)
from assembly_desk.services.bundle_export import KeyFile, export_signed
from assembly_desk.services.count_entry import Side
from assembly_desk.services.database import Database, open_database

SEED = "benchmark dice 6-1-4"
CHAIR = "벤치마크 의장 암호 2026"
NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
CANDIDATES = tuple(f"후보{i:02d}" for i in range(10))
SIGNERS = (
    ("김의장", "chair", "벤치마크 의장 키 암호"),
    ("이참관", "witness", "벤치마크 참관 키 암호"),
)
BATCH = count_entry.MAX_BATCH

#: The child for --before: verify's median over the given runs, as JSON on stdout.
CHILD = """
import json, statistics, sys, time
from assembly_desk.audit.verify import verify_bundle
runs = int(sys.argv[1])
out = {}
for path in sys.argv[2:]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = verify_bundle(path)
        times.append(time.perf_counter() - t0)
        assert report.ok, [c.name for c in report.checks if not c.ok]
    out[path] = statistics.median(times)
import assembly_desk
out["module"] = assembly_desk.__file__
print(json.dumps(out))
"""


def median_time(fn: Callable[[int], Any], runs: int) -> tuple[float, Any]:
    """Median seconds of ``fn(run)`` over ``runs`` calls, and the first call's value."""
    times, first = [], None
    for run in range(runs):
        start = time.perf_counter()
        value = fn(run)
        times.append(time.perf_counter() - start)
        if run == 0:
            first = value
    return statistics.median(times), first


def rankings(voters: int, n: int = 10, seed: int = 1) -> list[list[str]]:
    """Plackett-Luce style rankings of random length 1..n (as bench_counting.py)."""
    rnd = random.Random(seed)
    weights = [rnd.uniform(0.2, 1.0) for _ in range(n)]
    out = []
    for _ in range(voters):
        keys = sorted(range(n), key=lambda i: -(rnd.random() ** (1 / weights[i])))
        out.append([CANDIDATES[i] for i in keys[: rnd.randint(1, n)]])
    return out


def checked_in_people(db: Database, aid: int, n: int) -> list[int]:
    """``n`` residents inserted in bulk and checked in at the door; their person ids."""
    codes: set[str] = set()
    while len(codes) < n:
        codes.add(card_code.new_code())
    with db.uow() as uow:
        uow.session.execute(
            insert(PersonRow),
            [
                {
                    "assembly_id": aid,
                    "name": f"주민{i}",
                    "name_key": f"주민{i}",
                    "birth_date": date(1970, 1, 1),
                    "category": "resident",
                    "card_code": code,
                    "created_at": NOW,
                }
                for i, code in enumerate(sorted(codes))
            ],
        )
        ids = list(
            uow.session.execute(select(PersonRow.id).where(PersonRow.assembly_id == aid)).scalars()
        )
        uow.session.execute(
            insert(CheckInRow),
            [{"assembly_id": aid, "person_id": p, "desk": "door", "at": NOW} for p in ids],
        )
        uow.commit()
    return ids


def build_assembly(db: Database, ballots: int, keys_dir: Path) -> tuple[int, list[KeyFile]]:
    """The assembly, its counted IRV contest and two registered signers' key files."""
    spec = assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY,
        title="벤치마크 총회",
        held_on=date(2026, 11, 28),
        venue="성산1동 주민센터",
        district="성산1동",
        rules=EligibilityRules(14, frozenset({Category.RESIDENT}), False),
        quorum=QuorumRule(QuorumKind.NUMBER, 3),
    )
    with db.uow() as uow:
        aid = assemblies.create_assembly(uow, spec, NOW).id
    people = checked_in_people(db, aid, ballots)
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, CHAIR, NOW)
    defn = ContestDefinition(
        "동장 선호 투표", BallotType.RANKED, tuple(Option(name) for name in CANDIDATES)
    )
    with db.uow() as uow:
        cid = contests.create_contest(uow, aid, defn, NOW).id
    with db.uow() as uow:
        tally.configure_count(uow, cid, tally.CountRule(method="irv", seats=1), NOW)
    with db.uow() as uow:
        tally.commit_seed(uow, cid, tally.commitment_for(SEED), NOW)
    with db.uow() as uow:
        contests.open_poll(uow, cid, CHAIR, NOW)
    with db.uow() as uow:  # what voting.issue_paper writes, for every voter at once
        uow.session.execute(
            insert(BallotIssueRow),
            [{"contest_id": cid, "person_id": p, "channel": voting.PAPER} for p in people],
        )
        uow.commit()
    with db.uow() as uow:
        contests.close_poll(uow, cid, CHAIR, NOW)
    papers = [{"ranking": r} for r in rankings(ballots)]
    for number, start in enumerate(range(0, ballots, BATCH), start=1):
        stack = papers[start : start + BATCH]
        with db.uow() as uow:
            batch = count_entry.create_batch(uow, cid, f"상자 {number}", NOW).id
        for side, volunteer in ((Side.A, "김하나"), (Side.B, "이두리")):
            with db.uow() as uow:
                count_entry.save_entry(uow, batch, side, volunteer, stack, NOW)
        with db.uow() as uow:
            done = count_entry.commit_batch(uow, batch, NOW)
        assert done.papers == len(stack)
    keys = []
    keys_dir.mkdir(parents=True, exist_ok=True)
    for name, role, passphrase in SIGNERS:
        pem, info = generate_key(name, role, passphrase)
        key_path = keys_dir / f"{role}.pem"
        save_private_key(key_path, pem)
        pub = keys_dir / f"{role}.pub.json"
        pub.write_bytes(canonical_json(info.to_dict()) + b"\n")
        with db.uow() as uow:
            signers.register_signer(uow, aid, signers.read_public_key_file(pub), NOW)
        keys.append(KeyFile(str(key_path), passphrase))
    with db.uow() as uow:
        counted = tally.count_contest(uow, cid, SEED, NOW)
    assert counted.ballots == ballots
    return aid, keys


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """The floor of (a): the same bytes, one fsync per file (as write_folder does)."""
    folder.mkdir()
    for name, data in files.items():
        with open(folder / name, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def recount_inputs(folder: Path) -> tuple[str, list[Any], Any]:
    """The bundle's one contest: its method, ballots and options (parsed, not timed)."""
    manifest = json.loads((folder / "manifest.json").read_bytes())
    tally_json = json.loads((folder / "tally.json").read_bytes())
    (contest,) = manifest["contests"]
    tie = tie_rule_from_json(contest["tie_rule"], tally_json["body"]["seeds"].get(contest["id"]))
    options = options_from_json(contest["options"], tie)
    lines = (folder / "cvrs.jsonl").read_bytes().splitlines()
    ballots = [ballot_from_cvr(json.loads(line)) for line in lines]
    return contest["method"], ballots, options


def child_verify(src: Path, runs: int, paths: list[Path]) -> dict[str, float]:
    """Verify's median in a child process importing ``assembly_desk`` from ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(runs), *map(str, paths)],
        env=env,
        cwd=paths[0].parent,
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout)
    module = out.pop("module")
    if not Path(module).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"the child imported {module}, not the tree at {src}")
    return out


def line(name: str, seconds: float, floor_name: str, floor: float, target: float) -> str:
    return (
        f"{name:<34} {seconds:7.3f} s  (target < {target:g} s)   {floor_name:<24} "
        f"{floor:7.3f} s   ratio {seconds / floor:5.2f}x (target <= 2x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--zip", action="store_true", help="also verify the zipped bundle")
    parser.add_argument("--before", type=Path, help="an older tree to time verify with")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = open_database(f"sqlite:///{tmp / 'bench.sqlite3'}")
        t0 = time.perf_counter()
        aid, keys = build_assembly(db, args.ballots, tmp / "keys")
        setup = time.perf_counter() - t0

        def export(run: int) -> Path:
            return export_signed(db, aid, keys, out=tmp / f"export-{run}", now=NOW)

        t_export, folder = median_time(export, args.runs)
        files = {name: (folder / name).read_bytes() for name in FILES}
        t_write, _ = median_time(lambda run: write_files(tmp / f"floor-{run}", files), args.runs)

        t_verify, report = median_time(lambda _run: verify_bundle(folder), args.runs)
        assert report.ok, [c.to_dict() for c in report.failures]
        method, ballots, options = recount_inputs(folder)
        t_recount, result = median_time(lambda _run: count(method, ballots, options), args.runs)

        size = sum(len(data) for data in files.values())
        print(
            f"ballots: {len(ballots):,} IRV, {len(CANDIDATES)} candidates, "
            f"{len(result.rounds)} rounds; bundle {size / 1e6:.1f} MB; "
            f"set-up {setup:.1f} s (not timed below); median of {args.runs}"
        )
        print(line("export + sign (export_signed)", t_export, "write the 4 files", t_write, 2))
        print(line("verify folder, full recount", t_verify, "recount alone", t_recount, 3))
        paths = [folder]
        if args.zip:
            z = tmp / "bundle.zip"
            t_zip, _ = median_time(lambda _run: zip_bundle(folder, z), 1)
            t_vzip, report = median_time(lambda _run: verify_bundle(z), args.runs)
            assert report.ok, [c.to_dict() for c in report.failures]
            print(line("verify zip, full recount", t_vzip, "recount alone", t_recount, 3))
            print(f"zip_bundle: {t_zip:.3f} s, {z.stat().st_size / 1e6:.1f} MB")
            paths.append(z)
        if args.before is not None:
            here = Path(__file__).resolve().parents[1] / "src"
            before = child_verify(args.before / "src", args.runs, paths)
            after = child_verify(here, args.runs, paths)
            for path in paths:
                kind = "zip" if path.suffix == ".zip" else "folder"
                old, new = before[str(path)], after[str(path)]
                print(
                    f"verify {kind} in a child: before ({args.before}) {old:.3f} s, "
                    f"this tree {new:.3f} s ({old / new:.2f}x faster)"
                )
        db.dispose()


if __name__ == "__main__":
    main()
