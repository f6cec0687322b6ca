"""The results page's service calls, run inside the database thread (``DbWorker``).

Each method is one of the chair's actions and opens its own unit of work, so a failure
(wrong seed, open poll, wrong passphrase) leaves nothing half-written. Key-file problems
come from ``audit.keys`` as plain exceptions; they are turned into ``DeskError`` here so
the page shows them in words like any other refusal, not as "unexpected error".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assembly_desk.audit.keys import KeyFileError, KeyFileUnreadable, WrongPassphrase
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.domain.contests import BallotType
from assembly_desk.domain.errors import InvalidInput, Refused
from assembly_desk.services import contests, signers, tally
from assembly_desk.services.bundle_export import KeyFile, export_signed
from assembly_desk.services.clock import utc_now
from assembly_desk.services.database import Database
from assembly_desk.services.signers import Signer
from assembly_desk.services.tally import TallyState


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One contest in the list: its ballot type and where its count stands."""

    ballot_type: BallotType
    tally: TallyState

    @property
    def status(self) -> str:
        """``not_counted`` / ``counted`` / ``ready`` (the list's tally column)."""
        if self.tally.ready:
            return "ready"
        return "counted" if self.tally.result_hash else "not_counted"


@dataclass(frozen=True, slots=True)
class ResultsView:
    rows: tuple[ResultRow, ...]
    signers: tuple[Signer, ...]
    policy: SignaturePolicy


@dataclass(frozen=True, slots=True)
class NewKey:
    """What the create-key dialog collects (passphrase already typed twice and matched)."""

    name: str
    role: str
    passphrase: str
    path: str


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the export dialog collects: whose key, its passphrase, the folder to write in."""

    key_path: str
    passphrase: str
    folder: str


def _key_error(error: KeyFileError) -> InvalidInput | Refused:
    """A key-file exception in the results screen's words (a wrong passphrase without the
    path the chair has just picked)."""
    if isinstance(error, WrongPassphrase):
        return Refused("gui.results.wrong_passphrase")
    text = error.message()
    if isinstance(error, KeyFileUnreadable):
        return InvalidInput("gui.results.key_unreadable", detail=text)
    return InvalidInput("gui.results.key_problem", detail=text)


class ResultsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, assembly_id: int) -> ResultsView:
        with self.db.uow() as uow:
            rows = tuple(
                ResultRow(c.definition.ballot_type, tally.get_tally(uow, c.id))
                for c in contests.list_contests(uow, assembly_id)
            )
            return ResultsView(
                rows,
                tuple(signers.list_signers(uow, assembly_id)),
                signers.policy_for(uow, assembly_id),
            )

    def commit_seed(self, contest_id: int, seed: str) -> str:
        """Commit the hash of ``seed`` (the seed itself stays with the room until the count)."""
        text = seed.strip()
        if not text:
            raise InvalidInput("tally.empty_seed")
        with self.db.uow() as uow:
            return tally.commit_seed(uow, contest_id, tally.commitment_for(text), utc_now())

    def count(self, contest_id: int, seed: str | None) -> TallyState:
        with self.db.uow() as uow:
            tally.count_contest(uow, contest_id, seed or None, utc_now())
        with self.db.uow() as uow:
            return tally.get_tally(uow, contest_id)

    def mark_ready(self, contest_id: int) -> TallyState:
        with self.db.uow() as uow:
            tally.mark_ready(uow, contest_id, utc_now())
        with self.db.uow() as uow:
            return tally.get_tally(uow, contest_id)

    def register_file(self, assembly_id: int, path: str) -> Signer:
        info = signers.read_public_key_file(path)
        with self.db.uow() as uow:
            return signers.register_signer(uow, assembly_id, info, utc_now())

    def create_key(self, assembly_id: int, request: NewKey) -> Signer:
        try:
            with self.db.uow() as uow:
                return signers.create_signer_key(
                    uow,
                    assembly_id,
                    request.name,
                    request.role,
                    request.passphrase,
                    request.path,
                    utc_now(),
                )
        except KeyFileError as error:
            raise _key_error(error) from None

    def export(self, assembly_id: int, request: ExportRequest) -> Path:
        """Sign every counted contest with one key into a new folder inside ``folder``.

        The one way the product exports (``services.bundle_export``, as the command line's
        ``export-bundle``): a fresh sub-folder per export because a bundle is written only
        into an empty folder; the chair picks where (a USB stick), not a name to get right.
        The key must be a registered signer's; the bundle lists the registered name and role.
        """
        key = KeyFile(request.key_path, request.passphrase)
        try:
            return export_signed(self.db, assembly_id, [key], into=request.folder, now=utc_now())
        except KeyFileError as error:
            raise _key_error(error) from None
