"""A desk that loses the database keeps its scans, and sends them when it is back.

After pretixSCAN's offline queue: a card read while the venue database cannot be reached
is kept on the laptop with a uuid, the card code, the desk and the time it was read, and
the volunteer is told so. When the database answers again each kept scan goes through the
ordinary check-in service (rules, audit-chain event, quorum) at the time it was read, in
one transaction with a row naming its uuid, and only then leaves the queue. A resend after
a crash between the two finds the uuid and changes nothing. Whatever did not simply check
someone in — the person came in at another desk meanwhile, the card is unknown, the
person is not eligible — is recorded as a conflict for the chair, never dropped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assembly_desk.domain.errors import DeskError, InvalidInput
from assembly_desk.i18n import t
from assembly_desk.persistence import offline_store
from assembly_desk.persistence.database import Database
from assembly_desk.persistence.engine import user_folder
from assembly_desk.persistence.errors import DatabaseUnreachable, StorageRefused, connection_lost
from assembly_desk.persistence.models import OfflineScanRow
from assembly_desk.persistence.repositories import offline_scans
from assembly_desk.persistence.unit_of_work import UnitOfWork, UnitOfWorkSource
from assembly_desk.services import checkin
from assembly_desk.services.checkin import Outcome
from assembly_desk.services.clock import as_utc, iso_utc, local_hhmm

__all__ = [
    "OFFLINE_DIR_VAR",
    "Conflict",
    "DatabaseUnreachable",
    "OfflineQueue",
    "QueuedScan",
    "SendFailure",
    "SendReport",
    "bound_waits",
    "conflicts",
    "default_queue_path",
    "is_unreachable",
    "receive",
    "send",
]

OFFLINE_DIR_VAR = "ASSEMBLY_DESK_OFFLINE_DIR"

log = logging.getLogger(__name__)


def is_unreachable(exc: BaseException) -> bool:
    """An outage, as opposed to a bug or a refusal: the fronts answer it differently.

    A unit of work already raises ``DatabaseUnreachable``; the driver's own errors are
    still recognised for what fails outside one (opening the database).
    """
    return isinstance(exc, DatabaseUnreachable) or connection_lost(exc)


def bound_waits(db: Database) -> None:
    """Connection attempts to a venue server give up within seconds (see offline_store)."""
    offline_store.bound_connect_waits(db.engine)


def default_queue_path(url: str) -> Path:
    """This laptop's queue file for the database at ``url`` (password left out of the name).

    In the app's own data folder (owner-only), never beside a file the user chose, so no
    file dialog or thumbnailer has a reason to open it. ``ASSEMBLY_DESK_OFFLINE_DIR``
    moves the folder (tests, a kiosk with a separate data disk).
    """
    forced = os.environ.get(OFFLINE_DIR_VAR)
    folder = Path(forced) if forced else user_folder() / "offline-scans"
    address = url.split("://", 1)[-1].split("@", 1)[-1]
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
    return folder / f"{digest}.jsonl"


@dataclass(frozen=True, slots=True)
class QueuedScan:
    """The desk's answer to a scan it kept: the scan and how many are waiting now."""

    id: str
    code: str
    desk: str
    at: datetime
    pending: int
    repeat: bool = False

    def headline(self, lang: str | None = None) -> str:
        return t("outage.queued.headline", lang)

    def detail(self, lang: str | None = None) -> str:
        return t("outage.queued.detail", lang, pending=self.pending)


@dataclass(frozen=True, slots=True)
class SendFailure:
    """A kept scan the database refused in this pass: it stays queued, and this says why."""

    scan_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SendReport:
    """One pass over the queue: what arrived, what was already there, what needs the chair."""

    sent: int = 0  # scans that left the queue
    checked_in: int = 0
    duplicates: int = 0  # already received earlier (a resend after a crash)
    conflicts: int = 0
    pending: int = 0  # still waiting (the database went away again mid-way, or failed)
    failed: int = 0  # refused by the database for another reason: kept, retried, logged
    failures: tuple[SendFailure, ...] = ()  # which, and why (empty when none failed)


class OfflineQueue:
    """The kept scans of one laptop for one database."""

    def __init__(self, path: Path) -> None:
        self.file = offline_store.LocalScanFile(path)

    @property
    def path(self) -> Path:
        return self.file.path

    def add(self, assembly_id: int, code: str, desk: str, at: datetime) -> QueuedScan:
        scan = offline_store.StoredScan(str(uuid.uuid4()), assembly_id, code, desk, iso_utc(at))
        self.file.append(scan)
        return QueuedScan(scan.id, code, desk, as_utc(at), len(self.file.pending()))

    def pending(self) -> list[offline_store.StoredScan]:
        return self.file.pending()

    def __len__(self) -> int:
        return len(self.file.pending())

    def mark_sent(self, scan_id: str, *, maybe_last: bool = True) -> None:
        self.file.mark_sent(scan_id, maybe_last=maybe_last)


def _parse_time(text: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise InvalidInput("error.bad_date", value=text) from None


def receive(uow: UnitOfWork, scan: offline_store.StoredScan, now: datetime) -> str:
    """Check one kept scan in (once); returns ``checked_in``, ``duplicate`` or ``conflict``.

    The uuid row is added first and flushed: a second desk process resending the same
    queue waits on it and then fails its insert, so the check-in below runs once. When the
    check-in succeeds, the check-in service's commit carries the uuid row with it.
    """
    if offline_scans.received(uow, scan.id):
        return "duplicate"
    at = _parse_time(scan.at)
    person = checkin.find_by_code(uow, scan.assembly_id, scan.code)
    row = OfflineScanRow(
        scan_id=scan.id,
        assembly_id=scan.assembly_id,
        code=scan.code,
        desk=scan.desk,
        scanned_at=at,
        received_at=now,
        outcome=Outcome.CHECKED_IN.value,
        person_id=person.id if person is not None else None,
        other_desk="",
        conflict=False,
    )
    if not offline_scans.add(uow, row):
        return "duplicate"  # another process sent this very scan meanwhile
    result = checkin.check_in_by_code(uow, scan.assembly_id, scan.code, scan.desk, at)
    if result.outcome is Outcome.CHECKED_IN:
        return "checked_in"  # committed by the check-in, uuid row included
    row.outcome = result.outcome.value
    row.other_desk = result.desk
    row.other_at = result.checked_in_at
    # Already in at this same desk: the card was read twice (once kept, once live), which
    # is one person in once, not something for the chair.
    row.conflict = not (result.outcome is Outcome.ALREADY and result.desk == scan.desk)
    uow.commit()
    return "conflict" if row.conflict else "duplicate"


def send(db: UnitOfWorkSource, queue: OfflineQueue, clock: Callable[[], datetime]) -> SendReport:
    """Send every kept scan, oldest first; stop (keeping the rest) if the database goes.

    Raises ``DatabaseUnreachable`` when not even the first scan could be sent, so the
    caller keeps showing the outage; a partial pass returns what it did. A scan the
    database refuses (``StorageRefused``: its assembly is gone, a limit) or the check-in
    rules refuse (a ``DeskError``) stays in the queue, is logged, and is named in the
    report's ``failures``: one bad line must neither be dropped nor hold back the scans
    behind it. Anything else is a bug and is raised, the scan still queued.
    """
    sent = checked = duplicates = conflicts = 0
    failures: list[SendFailure] = []
    pending = queue.pending()
    for index, scan in enumerate(pending):
        try:
            with db.uow() as uow:
                outcome = receive(uow, scan, clock())
        except DatabaseUnreachable:
            if sent == 0 and not failures:
                raise
            left = len(pending) - index + len(failures)
            log.warning("database lost mid-send: %d kept scans sent, %d stay queued", sent, left)
            return SendReport(
                sent, checked, duplicates, conflicts, left, len(failures), tuple(failures)
            )
        except (StorageRefused, DeskError) as exc:
            reason = exc.message() if isinstance(exc, DeskError) else str(exc)
            log.error("kept scan %s was refused and stays queued: %s", scan.id, reason)
            failures.append(SendFailure(scan.id, reason))
            continue
        queue.mark_sent(scan.id, maybe_last=index == len(pending) - 1)
        sent += 1
        checked += outcome == "checked_in"
        duplicates += outcome == "duplicate"
        conflicts += outcome == "conflict"
    failed = len(failures)
    return SendReport(sent, checked, duplicates, conflicts, failed, failed, tuple(failures))


@dataclass(frozen=True, slots=True)
class Conflict(offline_scans.ConflictRecord):
    """A kept scan the chair must look at (its times in UTC), ready to show."""

    def who(self, lang: str | None = None) -> str:
        return self.person_name or t("outage.unknown_person", lang)

    def what(self, lang: str | None = None) -> str:
        """What happened, in words: where they were already in, or why it did not count."""
        if self.outcome == Outcome.ALREADY.value:
            when = local_hhmm(self.other_at) if self.other_at else ""
            return t("outage.conflict.already", lang, time=when, desk=self.other_desk)
        key = f"outage.conflict.{self.outcome}"
        return t(key, lang, code=self.code)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.scan_id,
            "scanned_at": iso_utc(self.scanned_at),
            "desk": self.desk,
            "code": self.code,
            "outcome": self.outcome,
            "person": self.person_name,
            "other_desk": self.other_desk,
            "other_at": iso_utc(self.other_at) if self.other_at else None,
        }


def conflicts(uow: UnitOfWork, assembly_id: int) -> tuple[Conflict, ...]:
    return tuple(
        Conflict(
            c.scan_id,
            as_utc(c.scanned_at),
            c.desk,
            c.code,
            c.outcome,
            c.person_name,
            c.other_desk,
            as_utc(c.other_at) if c.other_at else None,
        )
        for c in offline_scans.conflicts(uow, assembly_id)
    )
