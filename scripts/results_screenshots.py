"""Screenshot of the 결과 tab for the docs, from a throwaway database.

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/results_screenshots.py``.
Writes docs/images/results.png at 1280×800, in Korean: the whole window on a 주민참여예산
priority vote (IRV, three rounds, some ballots exhausted) just counted through the page
itself — seed typed, its hash committed, 개표 pressed — with a chair and a witness
registered, next to a 찬반 agenda already released and a poll still open.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ASSEMBLY_DESK_LANG"] = "ko"

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtWidgets import QApplication
from screenshot_kit import checked_in_people, wait

from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.gui.fonts import apply_korean_font
from assembly_desk.gui.main_window import RESULTS, MainWindow
from assembly_desk.i18n import set_language
from assembly_desk.services import assemblies, contests, signers, tally, voting
from assembly_desk.services.database import Database, open_database
from assembly_desk.services.facade import Services

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
CHAIR = "의장 암호 2026"
SEED = "주사위 4-1-6-6-2-3"
LIB, PLAY, CCTV, HALL = (
    "마을 도서관 리모델링",
    "어린이 놀이터 그늘막",
    "골목길 CCTV 확충",
    "경로당 냉난방기",
)
# First preferences 22/18/12/8; 경로당 out → 놀이터 +5, 도서관 +2, 1 exhausted; CCTV out →
# 놀이터 +7, 도서관 +3, 2 exhausted; 놀이터 30 of 57 continuing.
RANKINGS: list[tuple[int, list[str]]] = [
    (22, [LIB]),
    (11, [PLAY]),
    (7, [PLAY, CCTV]),
    (7, [CCTV, PLAY]),
    (3, [CCTV, LIB]),
    (2, [CCTV]),
    (5, [HALL, PLAY]),
    (2, [HALL, LIB]),
    (1, [HALL]),
]


def _vote(
    db: Database, aid: int, defn: ContestDefinition, voters: list[int], ballots: list[Any]
) -> int:
    """A contest created, opened and voted at the station by ``voters``; left open."""
    with db.uow() as uow:
        cid = contests.create_contest(uow, aid, defn, NOW).id
    with db.uow() as uow:
        contests.open_poll(uow, cid, CHAIR, NOW)
    for pid, selection in zip(voters, ballots, strict=False):
        with db.uow() as uow:
            voting.cast(uow, cid, pid, selection)
    return cid


def demo(db: Database) -> tuple[int, int]:
    """(assembly, the closed ranked contest to count on screen)."""
    spec = assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY,
        title="성산1동 주민총회",
        held_on=date(2026, 11, 28),
        venue="주민센터 3층",
        district="성산1동",
        rules=EligibilityRules(14, frozenset({Category.RESIDENT}), False),
        quorum=QuorumRule(QuorumKind.NUMBER, 30),
    )
    with db.uow() as uow:
        aid = assemblies.create_assembly(uow, spec, NOW).id
    voters = checked_in_people(db, aid, 64, NOW)
    with db.uow() as uow:
        contests.set_chair_passphrase(uow, aid, CHAIR, NOW)
    for name, role in (("김의장", "chair"), ("이참관", "witness")):
        public = public_key_hex(Ed25519PrivateKey.generate())
        with db.uow() as uow:
            signers.register_signer(
                uow, aid, PublicKeyInfo(name, role, public, fingerprint(public)), NOW
            )
    yes_no = ContestDefinition("안건 1: 마을 도서관 운영 시간 연장", BallotType.YES_NO)
    votes = [{"vote": "yes"}] * 41 + [{"vote": "no"}] * 15 + [{"vote": "abstain"}] * 4
    agenda = _vote(db, aid, yes_no, voters, votes)
    with db.uow() as uow:
        contests.close_poll(uow, agenda, CHAIR, NOW)
    with db.uow() as uow:
        tally.count_contest(uow, agenda, None, NOW)
    with db.uow() as uow:
        tally.mark_ready(uow, agenda, NOW)
    options = tuple(Option(name) for name in (LIB, PLAY, CCTV, HALL))
    ranked = ContestDefinition(
        "안건 2: 주민참여예산 우선 사업 (선호 투표)", BallotType.RANKED, options, max_choices=0
    )
    ballots = [{"ranking": r} for n, r in RANKINGS for _ in range(n)]
    budget = _vote(db, aid, ranked, voters, ballots)
    with db.uow() as uow:
        contests.close_poll(uow, budget, CHAIR, NOW)
    later = ContestDefinition("안건 3: 마을 축제 개최 여부", BallotType.YES_NO)
    _vote(db, aid, later, voters[:20], [{"vote": "yes"}] * 12)
    return aid, budget


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    family = apply_korean_font(app)
    set_language("ko")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'results.sqlite3'}")
        aid, budget = demo(db)
        window = MainWindow(Services(db), "의장석", aid, sounds=False, video_inputs=lambda: [])
        window.resize(1280, 800)
        window.show()
        wait(app, lambda: window.is_ready and window.worker.pending() == 0)
        window.tabs.setCurrentIndex(RESULTS)
        page = window.results_page
        wait(app, lambda: window.worker.pending() == 0)
        for row in range(page.table.rowCount()):
            if page.table.item(row, 0).text().startswith("안건 2"):
                page.table.selectRow(row)
        assert page.selected == budget
        page.seed_edit.setText(SEED)
        page.commit_seed()
        wait(app, lambda: window.worker.pending() == 0)
        page.seed_edit.setText(SEED)
        page.count()
        wait(app, lambda: window.worker.pending() == 0)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "results.png"
        window.grab().save(str(path))
        window.shutdown()
        window.close()
        db.dispose()
    print(f"wrote {path} (font: {family})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
