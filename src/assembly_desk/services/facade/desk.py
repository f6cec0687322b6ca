"""The services as the window calls them, from inside the database thread only.

``DeskSession`` and its ``SearchIndex`` keep state that is not thread-safe, so this object
creates the session lazily on first use — which is always inside the worker thread — and
checks that it stays there. The UI never calls these methods directly; it submits them to
``DbWorker`` (``worker.submit(lambda: backend.scan(code), on_done)``).

The backend also owns this laptop's offline queue: a scan made while the database cannot
be reached comes back as a ``QueuedScan`` (kept, fsynced), and ``sync_offline`` — run by
the status poller every refresh — sends the queue once the database answers again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assembly_desk.domain.assembly import Assembly, EligibilityRules, QuorumRule
from assembly_desk.domain.eligibility import Verdict, age_on
from assembly_desk.domain.errors import NotFound
from assembly_desk.i18n import t
from assembly_desk.importers.records import RollPreview
from assembly_desk.services import assemblies, cards, offline_queue, roll, roll_edit, roll_merge
from assembly_desk.services.checkin import ScanResult
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database
from assembly_desk.services.desk import DeskSession
from assembly_desk.services.facade.roll import RollService
from assembly_desk.services.offline_queue import (
    DatabaseUnreachable,
    OfflineQueue,
    QueuedScan,
    SendReport,
    is_unreachable,
)
from assembly_desk.services.search import SearchHit
from assembly_desk.services.status import Status, status


@dataclass(frozen=True, slots=True)
class EnterAnswer:
    """Enter on typed text: a check-in when exactly one person matched, else the hits."""

    scan: ScanResult | None
    hits: tuple[SearchHit, ...]
    query: str
    queued: QueuedScan | None = None


@dataclass(frozen=True, slots=True)
class OfflineState:
    """What the desk shows about its queue: kept scans waiting, and the last send (if any)."""

    pending: int
    report: SendReport | None = None


@dataclass(frozen=True, slots=True)
class WalkInVerdict:
    verdict: Verdict
    params: dict[str, str]

    def text(self) -> str:
        if self.verdict.eligible:
            return t("gui.walkin.eligible")
        return t(self.verdict.reason, **self.params)


@dataclass(frozen=True, slots=True)
class WalkInAnswer:
    registration: roll.Registration
    scan: ScanResult | None


class DeskService:
    """Holds the database, the chosen assembly, the desk name and (lazily) the session."""

    def __init__(
        self,
        db: Database,
        desk: str,
        queue_path: Path | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.db = db
        self.desk = desk
        self.clock = clock
        self.roll = RollService(db)
        self.queue = OfflineQueue(queue_path or offline_queue.default_queue_path(db.url))
        self.assembly_id: int | None = None
        self._session: DeskSession | None = None
        self._thread: int | None = None
        offline_queue.bound_waits(db)

    # -- choosing what we work on -------------------------------------------------------
    def open(self, assembly_id: int | None) -> Assembly | None:
        """Pick the assembly (``None``: the newest); ``None`` back when there is none yet."""
        try:
            with self.db.uow() as uow:
                assembly = assemblies.get_assembly(uow, assembly_id)
        except NotFound:
            if assembly_id is not None:
                raise
            return None
        self.use(assembly.id)
        return assembly

    def use(self, assembly_id: int) -> None:
        if assembly_id != self.assembly_id:
            self.assembly_id = assembly_id
            self._session = None

    def rename_desk(self, desk: str) -> None:
        self.desk = desk
        if self._session is not None:
            self._session.desk = desk

    def warm_search(self) -> int:
        """Load the roll into the search index now, so the first keystroke is fast.

        Only a head start: without the database it gives up quietly (each search refreshes
        the index anyway), so a background job never covers a scan's answer with an error.
        """
        session = self.session()
        try:
            with self.db.uow() as uow:
                session.index.refresh(uow)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
        return len(session.index)

    def session(self) -> DeskSession:
        self._check_thread()
        if self.assembly_id is None:
            raise NotFound("error.no_assembly")
        if self._session is None:
            self._session = DeskSession(
                self.db, self.assembly_id, self.desk, self.clock, queue=self.queue
            )
        return self._session

    def _check_thread(self) -> None:
        ident = threading.get_ident()
        if self._thread is None:
            self._thread = ident
        elif self._thread != ident:
            raise RuntimeError("DeskService used outside its worker thread")

    # -- the desk ------------------------------------------------------------------------
    def scan(self, code: str) -> ScanResult | QueuedScan:
        """A card read: checked in, or kept on this laptop while the database is gone."""
        return self.session().take(code)

    def enter(self, text: str) -> EnterAnswer:
        """Enter on typed text: a code scans; one search hit checks in; several are listed."""
        answer = self.session().submit(text)
        if answer.queued is not None:
            return EnterAnswer(None, (), text, answer.queued)
        if answer.scan is not None:
            return EnterAnswer(answer.scan, (), text)
        if len(answer.hits) == 1:
            return EnterAnswer(self.check_in(answer.hits[0].person.id), answer.hits, text)
        return EnterAnswer(None, answer.hits, text)

    def search(self, query: str) -> tuple[SearchHit, ...]:
        return tuple(self.session().search(query))

    def check_in(self, person_id: int, guardian_consent: bool = False) -> ScanResult:
        return self.session().check_in_person(person_id, guardian_consent)

    def undo(self, person_id: int, reason: str) -> None:
        self.session().undo(person_id, reason)

    def status(self) -> Status:
        self._check_thread()
        try:
            with self.db.uow() as uow:
                current = status(uow, self._require_assembly())
        except Exception as exc:
            if is_unreachable(exc) and not isinstance(exc, DatabaseUnreachable):
                raise DatabaseUnreachable() from exc
            raise
        if self._session is not None:
            self._session.mark_online()  # scans try the database again at once
        return current

    def sync_offline(self) -> OfflineState:
        """Send the kept scans if there are any; ``DatabaseUnreachable`` while it is gone.

        With nothing kept this costs one small file stat; the status refresh that follows
        finds out whether the database is there.
        """
        self._check_thread()
        if not self.queue.pending():
            return OfflineState(0)
        report = offline_queue.send(self.db, self.queue, self.clock)
        if self._session is not None and report.pending == 0:
            self._session.mark_online()
        return OfflineState(report.pending, report)

    # -- the roll ------------------------------------------------------------------------
    def judge_walk_in(self, form: roll.WalkIn) -> WalkInVerdict:
        """The verdict with the numbers its reason quotes (age, minimum age, category)."""
        with self.db.uow() as uow:
            verdict = roll.judge_walk_in(uow, self._require_assembly(), form)
            assembly = assemblies.get_assembly(uow, self._require_assembly())
        params = {
            "age": str(age_on(form.birth_date, assembly.held_on)),
            "min_age": str(assembly.rules.min_age),
            "category": t(f"category.{form.category.value}"),
        }
        return WalkInVerdict(verdict, params)

    def register_walk_in(self, form: roll.WalkIn, check_in: bool) -> WalkInAnswer:
        with self.db.uow() as uow:
            registration = roll.register_walk_in(
                uow, self._require_assembly(), form, self.desk, utc_now()
            )
        scan = self.check_in(registration.person.id) if check_in else None
        return WalkInAnswer(registration, scan)

    def preview_import(self, path: Path) -> RollPreview:
        """The preview, with how many of its people are eligible once an assembly is open."""
        return self.roll.preview_import(self.assembly_id, path)

    def import_roll(self, path: Path, preview: RollPreview | None) -> roll.ImportReport:
        return self.roll.import_roll(self._require_assembly(), path, preview)

    def preview_merge(self, path: Path) -> roll_merge.MergePlan:
        return self.roll.preview_merge(self._require_assembly(), path)

    def merge_roll(self, path: Path, plan: roll_merge.MergePlan) -> roll_merge.MergeReport:
        return self.roll.merge_roll(self._require_assembly(), path, plan)

    def list_roll(self, flt: roll_edit.RollFilter) -> list[roll_edit.RollEntry]:
        return self.roll.list_roll(self._require_assembly(), flt)

    def correct_person(
        self, person_id: int, correction: roll_edit.Correction
    ) -> roll_edit.Corrected:
        # The desk's search rereads the corrected person at its next keystroke (the
        # ``person.corrected`` entry moves the audit head it checks): nothing to forget.
        return self.roll.correct_person(self._require_assembly(), person_id, correction, self.desk)

    def export_roll(self, path: Path) -> int:
        return self.roll.export_roll(self._require_assembly(), path)

    def write_card(self, person_id: int, path: Path) -> cards.CardsResult:
        return self.roll.write_card(self._require_assembly(), person_id, path, self.desk)

    # -- set-up --------------------------------------------------------------------------
    def list_assemblies(self) -> list[Assembly]:
        with self.db.uow() as uow:
            return assemblies.list_assemblies(uow)

    def create_assembly(self, spec: assemblies.AssemblySpec) -> Assembly:
        with self.db.uow() as uow:
            created = assemblies.create_assembly(uow, spec, utc_now())
        self.use(created.id)
        return created

    def update_rules(
        self, assembly_id: int, rules: EligibilityRules, quorum: QuorumRule
    ) -> Assembly:
        with self.db.uow() as uow:
            return assemblies.update_rules(uow, assembly_id, rules, quorum, utc_now())

    def _require_assembly(self) -> int:
        if self.assembly_id is None:
            raise NotFound("error.no_assembly")
        return self.assembly_id
