"""A whole sample assembly, headless: the same services a volunteer's clicks call.

Used by ``assembly-desk demo`` (to show the product without a screen), by the screenshot
script, and by the end-to-end test. After the check-in morning it runs the votes: three
contests (찬반, 1인 3표, 동장 공모 평가표) cast at stations and on paper, signing keys for
a chair and a witness, committed seeds, counts, and one signed bundle per contest that
is verified as an auditor would. Everything is deterministic by ``seed`` except the
random ballot ids and keys, which must never be predictable.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.bundle import add_signature
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.audit.keys import PublicKeyInfo, generate_key, load_private_key, save_private_key
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.contests import (
    BallotType,
    ContestDefinition,
    Criterion,
    Option,
    VoterScope,
)
from assembly_desk.domain.errors import Refused
from assembly_desk.i18n import t
from assembly_desk.importers.synthetic import generate_sample_csv
from assembly_desk.persistence.repositories import checkins, people
from assembly_desk.services import (
    assemblies,
    audit_log,
    cards,
    contests,
    roll,
    signers,
    status,
    tally,
    voting,
)
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession


@dataclass
class DemoReport:
    assembly_id: int
    imported: int
    scans: list[tuple[str, ScanResult]] = field(default_factory=list)
    status: status.Status | None = None
    audit_ok: bool = False
    audit_entries: int = 0
    audit_head: str = ""
    files: list[Path] = field(default_factory=list)
    signers: list[PublicKeyInfo] = field(default_factory=list)
    commitments: list[tuple[str, str]] = field(default_factory=list)
    tallies: list[tally.CountResult] = field(default_factory=list)
    bundles: list[tuple[Path, int]] = field(default_factory=list)
    undone: int = 0  # check-ins the scripted morning took back (present = admitted - undone)
    """Each exported bundle and the exit code of verifying it (0 = valid)."""

    @property
    def bundles_ok(self) -> bool:
        return bool(self.bundles) and all(code == 0 for _path, code in self.bundles)


def sample_spec(held_on: date | None = None) -> assemblies.AssemblySpec:
    return assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY,
        title="2026년 성산1동 주민총회",
        held_on=held_on or date.today(),
        venue="성산1동 주민센터 3층 대강당",
        district="서울특별시 마포구 성산1동",
        rules=EligibilityRules(
            min_age=14,
            allowed=frozenset({Category.RESIDENT, Category.WORKER, Category.STUDENT}),
            guardian_consent_under_14=False,
        ),
        quorum=QuorumRule(QuorumKind.PERCENT_OF_ROLL, 20),
    )


def run_demo(
    db: Database,
    out_dir: Path,
    residents: int = 300,
    seed: int = 2026,
    say: Callable[[str], None] = lambda _msg: None,
) -> DemoReport:
    """Create, import, print cards, and run a scripted morning at two desks.

    Refused (``fronts.demo.db_not_empty``) on a database that already holds an assembly: the
    demo adds a sample assembly, 300 invented people and closed polls, which must never
    land beside a real roll.
    """
    with db.uow() as uow:
        if assemblies.list_assemblies(uow):
            raise Refused("fronts.demo.db_not_empty", url=db.url)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    with db.uow() as uow:
        assembly = assemblies.create_assembly(uow, sample_spec(), utc_now())
    roll_path = out_dir / "roll.csv"
    generate_sample_csv(roll_path, residents, seed=seed)
    with db.uow() as uow:
        imported = roll.import_roll(uow, assembly.id, roll_path, utc_now())
    report = DemoReport(assembly.id, imported.imported, files=[roll_path])
    say(f"roll: {imported.imported} imported, {imported.eligible} eligible")

    cards_path = out_dir / "cards.pdf"
    with db.uow() as uow:
        cards.write_cards(uow, assembly.id, cards_path)
    report.files.append(cards_path)

    with db.uow() as uow:
        crowd = people.cards(uow, assembly.id)
    rng.shuffle(crowd)
    desks = [DeskSession(db, assembly.id, "desk-1"), DeskSession(db, assembly.id, "desk-2")]
    arriving = crowd[: max(1, len(crowd) * 3 // 5)]
    for i, person in enumerate(arriving):
        result = desks[i % 2].scan(person.card_code)
        report.scans.append((person.card_code, result))
    # The last arrival's card read again at the same desk within seconds (a double read:
    # counted once, answered again), then at the other desk (already checked in there).
    last_desk = (len(arriving) - 1) % 2
    first = arriving[-1].card_code
    # The same card again at the same desk (a double read) and at the other desk.
    report.scans.append((first, desks[last_desk].scan(first)))
    report.scans.append((first, desks[1 - last_desk].scan(first)))
    mistyped = first[:-2] + first[-1] + first[-2] if first[-1] != first[-2] else "12345678901"
    report.scans.append((mistyped, desks[1].scan(mistyped)))
    with db.uow() as uow:
        walk_in = roll.register_walk_in(
            uow,
            assembly.id,
            roll.WalkIn(name="홍길동", birth_date=date(1975, 5, 5), address="성산1동 1-1"),
            "desk-1",
            utc_now(),
        )
    report.scans.append((walk_in.card_code, desks[0].scan(walk_in.card_code)))
    desks[0].undo(arriving[1].id, "잘못된 사람을 선택함 (demo)")
    report.undone += 1
    with db.uow() as uow:
        report.status = status.status(uow, assembly.id)
    run_votes(db, assembly.id, out_dir, rng, report, say)
    with db.uow() as uow:
        chain = audit_log.verify(uow)
    report.audit_ok = chain.ok
    report.audit_entries = chain.count
    report.audit_head = chain.head
    return report


# --- the votes ----------------------------------------------------------------------------

#: Fixed in the demo only: a real chair and witnesses choose their own.
CHAIR_PASSPHRASE = "의장 암호 2026 demo"
KEY_PASSPHRASES = {"chair": "demo 의장 키 암호 2026", "witness": "demo 참관인 키 암호 2026"}
DEMO_SIGNERS = (("김의장", "chair"), ("이참관", "witness"))
PROJECTS = (
    "마을 도서관 연장 운영",
    "골목 가로등 교체",
    "어린이 놀이터 정비",
    "경로당 냉난방",
    "마을 축제",
    "하천 산책로 정비",
)
PROJECT_WEIGHTS = (9, 8, 7, 5, 3, 4)
CANDIDATES = ("박민정", "최영수", "정하늘")
CRITERIA = (Criterion("비전", 30), Criterion("실행계획", 40), Criterion("소통", 30))
PANEL_SIZE = 30
PAPER_VOTERS = 4


def _definitions() -> list[tuple[ContestDefinition, tally.CountRule]]:
    return [
        (ContestDefinition("마을 계획 승인", BallotType.YES_NO), tally.CountRule()),
        (
            ContestDefinition(
                "우선 추진 사업 선정 (1인 3표)",
                BallotType.CHOOSE_N,
                tuple(Option(name) for name in PROJECTS),
                max_choices=3,
            ),
            tally.CountRule(seats=3),
        ),
        (
            ContestDefinition(
                "주민추천 동장 공모 후보 평가",
                BallotType.SCORE,
                tuple(Option(name) for name in CANDIDATES),
                criteria=CRITERIA,
                scope=VoterScope.PANEL,
            ),
            tally.CountRule(seats=1),
        ),
    ]


def _selection(defn: ContestDefinition, rng: random.Random) -> dict[str, object]:
    """A plausible, valid ballot for the contest, drawn from ``rng``."""
    match defn.ballot_type:
        case BallotType.YES_NO:
            return {"vote": rng.choices(("yes", "no", "abstain"), (62, 30, 8))[0]}
        case BallotType.CHOOSE_N:
            marks = rng.choices((1, 2, 3), (1, 2, 7))[0]
            picked: list[str] = []
            while len(picked) < marks:
                name = rng.choices(PROJECTS, PROJECT_WEIGHTS)[0]
                if name not in picked:
                    picked.append(name)
            return {"choices": picked}
        case BallotType.SCORE:
            lean = {
                name: rng.gauss(0.0, 0.08) + 0.6 + 0.08 * i for i, name in enumerate(CANDIDATES)
            }
            return {
                "scores": {
                    name: {
                        c.name: max(
                            0,
                            min(
                                c.max_score, round(c.max_score * (lean[name] + rng.gauss(0.0, 0.1)))
                            ),
                        )
                        for c in CRITERIA
                    }
                    for name in CANDIDATES
                }
            }
    raise AssertionError(defn.ballot_type)


#: Paper ballots as marked: the last of each is spoiled, to show an invalid ballot counted.
PAPER_MARKS: dict[BallotType, list[dict[str, object]]] = {
    BallotType.YES_NO: [{"vote": "yes"}, {"vote": "yes"}, {"vote": "no"}, {"vote": None}],
    BallotType.CHOOSE_N: [
        {"choices": list(PROJECTS[:3])},
        {"choices": [PROJECTS[1], PROJECTS[4]]},
        {"choices": [PROJECTS[5]]},
        {"choices": list(PROJECTS[:4])},
    ],
}


def _demo_keys(out_dir: Path) -> list[tuple[Ed25519PrivateKey, Path]]:
    """A chair's and a witness's key files in ``out_dir/keys`` (as ``keys create`` writes)."""
    folder = out_dir / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, role in DEMO_SIGNERS:
        pem, info = generate_key(name, role, KEY_PASSPHRASES[role])
        key_path = folder / f"{role}.pem"
        save_private_key(key_path, pem)
        pub = folder / f"{role}.pub.json"
        pub.write_bytes(canonical_json(info.to_dict()) + b"\n")
        made.append((load_private_key(key_path, KEY_PASSPHRASES[role]), pub))
    return made


def run_votes(
    db: Database,
    assembly_id: int,
    out_dir: Path,
    rng: random.Random,
    report: DemoReport,
    say: Callable[[str], None] = lambda _msg: None,
) -> None:
    """Contests, station and paper ballots, keys, seeds, counts, and verified bundles."""
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, assembly_id, CHAIR_PASSPHRASE, utc_now())
        voters = checkins.eligible_person_ids(uow, assembly_id)
    panel = sorted(rng.sample(voters, min(PANEL_SIZE, len(voters))))
    paper = voters[-PAPER_VOTERS:] if len(voters) > 2 * PAPER_VOTERS else []
    created = []
    for defn, rule in _definitions():
        with db.uow() as uow:
            contest = contests.create_contest(uow, assembly_id, defn, utc_now())
        with db.uow() as uow:
            tally.configure_count(uow, contest.id, rule, utc_now())
        if defn.scope is VoterScope.PANEL:
            with db.uow() as uow:
                contests.set_panel(uow, contest.id, panel, utc_now())
        # The seed comes from a public act before counting (dice thrown in the room).
        dice = "-".join(str(rng.randint(1, 6)) for _ in range(3))
        seed = f"주사위 {dice} (안건 {contest.id})"
        with db.uow() as uow:
            commitment = tally.commit_seed(uow, contest.id, tally.commitment_for(seed), utc_now())
        report.commitments.append((defn.title, commitment))
        say(t("tally.demo.seed", title=defn.title, commitment=commitment))
        with db.uow() as uow:
            contests.open_poll(uow, contest.id, CHAIR_PASSPHRASE, utc_now())
        created.append((contest.id, defn, seed))

    for contest_id, defn, _seed in created:
        eligible = panel if defn.scope is VoterScope.PANEL else voters
        on_paper = [] if defn.ballot_type not in PAPER_MARKS else paper
        for person_id in on_paper:
            with db.uow() as uow:
                voting.issue_paper(uow, contest_id, person_id)
        at_station = [p for p in eligible if p not in on_paper]
        for person_id in at_station[: len(at_station) * 9 // 10]:
            with db.uow() as uow:
                voting.cast(uow, contest_id, person_id, _selection(defn, rng))
        with db.uow() as uow:
            contests.close_poll(uow, contest_id, CHAIR_PASSPHRASE, utc_now())
        for marks in PAPER_MARKS.get(defn.ballot_type, [])[: len(on_paper)]:
            with db.uow() as uow:
                voting.record_paper_ballot(uow, contest_id, marks)

    keys = _demo_keys(out_dir)
    for _key, pub in keys:
        with db.uow() as uow:
            signer = signers.register_signer(
                uow, assembly_id, signers.read_public_key_file(pub), utc_now()
            )
        report.signers.append(signer.info)
        info = signer.info
        say(t("tally.demo.keys", role=info.role, name=info.name, fingerprint=info.fingerprint))
    (chair_key, _), (witness_key, _) = keys
    chair_info, witness_info = report.signers

    bundles = out_dir / "bundles"
    if bundles.exists():
        shutil.rmtree(bundles)  # the demo's own output from an earlier run
    for contest_id, defn, seed in created:
        with db.uow() as uow:
            counted = tally.count_contest(uow, contest_id, seed, utc_now())
        with db.uow() as uow:
            tally.mark_ready(uow, contest_id, utc_now())
        report.tallies.append(counted)
        result = counted.result
        if result.passed is not None:
            outcome = t("tally.demo.passed" if result.passed else "tally.demo.failed")
        else:
            outcome = ", ".join(result.elected)
        say(
            t(
                "tally.demo.result",
                title=defn.title,
                method=counted.method,
                valid=result.valid,
                invalid=result.invalid,
                outcome=outcome,
            )
        )
        target = bundles / tally.contest_key(contest_id)
        with db.uow() as uow:
            path = tally.export_bundle(
                uow, assembly_id, [contest_id], target, [(chair_key, chair_info)], utc_now()
            )
        # The witness recounts and co-signs on "their own laptop" (here: the same folder).
        add_signature(path, witness_key, witness_info)
        verdict = verify_bundle(path)
        report.bundles.append((path, verdict.exit_code))
        report.files.append(path)
