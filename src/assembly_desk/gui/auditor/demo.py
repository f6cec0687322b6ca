"""A small, realistic signed bundle for the auditor window's screenshots and demos.

The bundle is made the way the product makes one, not by hand: an assembly in a
throw-away SQLite database, voters registered and checked in, contests opened, voted at
the station and closed with the chair's passphrase, the lot seed committed before the
count, the counts run, and the export signed through ``services.bundle_export`` (what
the results screen and ``assembly-desk export-bundle`` use). So the auditor's demo shows
a bundle exactly as an assembly would hand it over.

Three contests exercise what the window must show: an STV election whose surplus
transfer yields fractional tallies (decimals with exact tooltips), an instant runoff
with a tie settled by lot from the committed seed, and a yes/no motion. The chair and
one witness sign; a second witness is registered but has not signed yet, so the signers
panel shows all three states an auditor meets on the day.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from assembly_desk.audit.canonical import canonical_json
from assembly_desk.audit.keys import generate_key, save_private_key
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.services import assemblies, checkin, contests, roll, signers, tally, voting
from assembly_desk.services.bundle_export import KeyFile, export_signed, sidecar_path
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.demo import sample_spec

SEED = "공개추첨 주사위 4-1-6"
HELD_ON = date(2026, 11, 28)
CHAIR_PASSPHRASE = "의장 암호 2026 demo"
KEY_PASSPHRASE = "demo 서명 키 암호 2026"
SIGNERS = (("김의장", "chair"), ("이참관", "witness"), ("박참관", "witness"))
CHECKED_IN = 64  # two of them take a paper ballot in each contest and do not return it
STV_NAMES = ("김민수", "이영희", "박철수", "최지은", "정다은")
IRV_NAMES = ("홍길동", "성춘향", "이몽룡")


def _contests() -> list[tuple[ContestDefinition, tally.CountRule, str | None]]:
    """(definition, count rule, seed to commit) for the three contests."""
    return [
        (
            ContestDefinition(
                "주민자치위원 선출 (2명)",
                BallotType.RANKED,
                tuple(Option(n) for n in STV_NAMES),
                max_choices=0,
            ),
            tally.CountRule(method="stv", seats=2),
            None,
        ),
        (
            ContestDefinition(
                "동장 후보 선호 투표",
                BallotType.RANKED,
                tuple(Option(n) for n in IRV_NAMES),
                max_choices=0,
            ),
            tally.CountRule(method="irv"),
            SEED,
        ),
        (
            ContestDefinition("안건 1: 마을 도서관 운영시간 연장", BallotType.YES_NO),
            tally.CountRule(threshold="absolute", base="valid"),
            None,
        ),
    ]


def demo_selections() -> list[list[dict[str, Any]]]:
    """60 ballots per contest, in the order of :func:`_contests`."""
    kim, lee, park, choi, jung = STV_NAMES
    stv = (
        [[kim, lee]] * 21
        + [[kim, park]] * 10
        + [[lee]] * 12
        + [[park, lee]] * 8
        + [[choi, park]] * 5
        + [[jung, choi, lee]] * 4
    )
    hong, sung, lee2 = IRV_NAMES
    irv = (
        [[hong, sung]] * 24
        + [[sung, hong]] * 10
        + [[sung, lee2]] * 8
        + [[lee2, sung]] * 12
        + [[lee2]] * 6
    )
    motion = ["yes"] * 41 + ["no"] * 15 + ["abstain"] * 4
    return [
        [{"ranking": r} for r in stv],
        [{"ranking": r} for r in irv],
        [{"vote": v} for v in motion],
    ]


def _check_in_voters(db: Database, assembly_id: int) -> list[int]:
    """Register ``CHECKED_IN`` residents at the desk and check each of them in."""
    voters = []
    for i in range(CHECKED_IN):
        form = roll.WalkIn(
            name=f"주민{i + 1:02d}",
            birth_date=date(1950 + i % 40, 1 + i % 12, 1 + i % 28),
            address=f"성산1동 {i + 1}번지",
        )
        with db.uow() as uow:
            registered = roll.register_walk_in(uow, assembly_id, form, "desk-1", utc_now())
        with db.uow() as uow:
            checkin.check_in_by_code(uow, assembly_id, registered.card_code, "desk-1", utc_now())
        voters.append(registered.person.id)
    return voters


def _signer_keys(db: Database, assembly_id: int, folder: Path) -> list[KeyFile]:
    """Key files as ``assembly-desk keys create`` writes them, each registered as a signer."""
    keys = []
    for i, (name, role) in enumerate(SIGNERS):
        pem, info = generate_key(name, role, KEY_PASSPHRASE)
        path = folder / f"{i + 1}-{role}.pem"
        save_private_key(path, pem)
        sidecar_path(path).write_bytes(canonical_json(info.to_dict()) + b"\n")
        with db.uow() as uow:
            signers.register_signer(uow, assembly_id, info, utc_now())
        keys.append(KeyFile(str(path), KEY_PASSPHRASE))
    return keys


def _vote(
    db: Database,
    contest_id: int,
    voters: Sequence[int],
    ballots: Sequence[dict[str, Any]],
) -> None:
    """The poll opened, the ballots cast at the station, two papers never returned, closed."""
    with db.uow() as uow:
        contests.open_poll(uow, contest_id, CHAIR_PASSPHRASE, utc_now())
    for person_id, selection in zip(voters, ballots, strict=False):
        with db.uow() as uow:
            voting.cast(uow, contest_id, person_id, selection)
    for person_id in voters[len(ballots) : len(ballots) + 2]:
        with db.uow() as uow:
            voting.issue_paper(uow, contest_id, person_id)
    with db.uow() as uow:
        contests.close_poll(uow, contest_id, CHAIR_PASSPHRASE, utc_now())


def write_demo_bundle(out: Path) -> Path:
    """Write the demo bundle folder at ``out`` (which must not exist yet)."""
    with tempfile.TemporaryDirectory(prefix="assembly-desk-demo-") as tmp:
        work = Path(tmp)
        db = open_database(f"sqlite:///{work / 'demo.sqlite3'}", work / "ballot-boxes")
        try:
            return _run(db, work, out)
        finally:
            db.dispose()


def _run(db: Database, work: Path, out: Path) -> Path:
    with db.uow() as uow:
        assembly = assemblies.create_assembly(uow, sample_spec(HELD_ON), utc_now())
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, assembly.id, CHAIR_PASSPHRASE, utc_now())
    voters = _check_in_voters(db, assembly.id)
    keys = _signer_keys(db, assembly.id, work)  # the policy is fixed before any count
    made = []
    for (defn, rule, seed), ballots in zip(_contests(), demo_selections(), strict=True):
        with db.uow() as uow:
            contest = contests.create_contest(uow, assembly.id, defn, utc_now())
        with db.uow() as uow:
            tally.configure_count(uow, contest.id, rule, utc_now())
        if seed is not None:  # committed before the poll opens: the room sees the hash
            with db.uow() as uow:
                tally.commit_seed(uow, contest.id, tally.commitment_for(seed), utc_now())
        _vote(db, contest.id, voters, ballots)
        made.append((contest.id, seed))
    for contest_id, seed in made:
        with db.uow() as uow:
            tally.count_contest(uow, contest_id, seed, utc_now())
    chair, witness, _late = keys
    return export_signed(db, assembly.id, [chair, witness], out=out)


def tamper_one_vote(bundle: Path) -> None:
    """Change one byte of cvrs.jsonl: a "no" becomes "n0", as a careless edit would."""
    path = bundle / "cvrs.jsonl"
    data = path.read_bytes()
    at = data.index(b'"vote":"no"') + len(b'"vote":"n')
    path.write_bytes(data[:at] + b"0" + data[at + 1 :])
