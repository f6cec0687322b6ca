"""The voting station's flow as a Qt-free state machine: locked → ballot → review → thanks.

Kept apart from the widgets (in the manner of Electrum's wizard) so every path — a
refusal, a change of mind, a walk-away, a failed cast — is unit-tested without a window,
and the window only draws what ``phase`` says.

Secrecy: the person id lives here only from the scan until the station locks again, and
only because ``cast`` needs it; the selection is kept only between the ballot and the
confirmation. Neither is logged, and ``lock`` forgets both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assembly_desk.domain.contests import Contest


class Phase(StrEnum):
    LOCKED = "locked"  # waiting for an attendant to scan a card
    UNLOCKING = "unlocking"  # the scan is with the database
    BALLOT = "ballot"  # the voter marks the current contest
    REVIEW = "review"  # the voter checks the choices in words
    CASTING = "casting"  # the confirmed ballot is with the database
    THANKS = "thanks"  # all done; back to LOCKED after a few seconds


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for the locked screen: a refusal (red) or a plain word (neutral)."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    refusal: bool = True


@dataclass
class StationState:
    """What the station is doing now. Methods return nothing; read ``phase`` after them."""

    phase: Phase = Phase.LOCKED
    notice: Notice | None = None
    contests: tuple[Contest, ...] = ()
    index: int = 0
    selection: dict[str, Any] | None = None
    cast_count: int = 0
    _person_id: int | None = field(default=None, repr=False)

    # -- reading ------------------------------------------------------------------------
    @property
    def contest(self) -> Contest | None:
        if self.phase in (Phase.BALLOT, Phase.REVIEW, Phase.CASTING):
            return self.contests[self.index]
        return None

    @property
    def person_id(self) -> int | None:
        return self._person_id

    @property
    def in_session(self) -> bool:
        """A voter is at the station: the abandon timer runs."""
        return self.phase in (Phase.BALLOT, Phase.REVIEW)

    @property
    def progress(self) -> tuple[int, int]:
        """(this contest's number from 1, how many contests this voter has)."""
        return self.index + 1, len(self.contests)

    # -- moves --------------------------------------------------------------------------
    def scanned(self) -> bool:
        """A card was read; False (ignored) unless the station is locked and idle."""
        if self.phase is not Phase.LOCKED:
            return False
        self.phase = Phase.UNLOCKING
        self.notice = None
        return True

    def unlocked(
        self, person_id: int | None, contests: tuple[Contest, ...], refusal: str | None
    ) -> None:
        """The database's answer to a scan: the ballots to show, or why not (stay locked)."""
        if self.phase is not Phase.UNLOCKING:
            return
        if refusal is not None or not contests or person_id is None:
            self.lock(Notice(f"gui.station.refused.{refusal or 'no_open_poll'}"))
            return
        self.phase = Phase.BALLOT
        self.contests = contests
        self.index = 0
        self.selection = None
        self.cast_count = 0
        self._person_id = person_id

    def unlock_failed(self, message_key: str = "gui.station.fault") -> None:
        if self.phase is Phase.UNLOCKING:
            self.lock(Notice(message_key))

    def chosen(self, selection: dict[str, Any]) -> None:
        """The voter finished marking (already validated): show it back in words."""
        if self.phase is Phase.BALLOT:
            self.selection = selection
            self.phase = Phase.REVIEW

    def revise(self) -> None:
        """수정: back to the same ballot, marks kept."""
        if self.phase is Phase.REVIEW:
            self.phase = Phase.BALLOT

    def confirm(self) -> tuple[int, int, dict[str, Any]] | None:
        """확인: (contest id, person id, selection) to cast, or None when not reviewing."""
        if self.phase is not Phase.REVIEW or self.selection is None or self._person_id is None:
            return None
        self.phase = Phase.CASTING
        return self.contests[self.index].id, self._person_id, self.selection

    def cast_done(self) -> None:
        """Stored: on to the next contest, or thanks after the last one."""
        if self.phase is not Phase.CASTING:
            return
        self.cast_count += 1
        self.selection = None
        if self.index + 1 < len(self.contests):
            self.index += 1
            self.phase = Phase.BALLOT
        else:
            self._forget()
            self.phase = Phase.THANKS

    def cast_failed(self, key: str) -> None:
        """Not stored (already voted at another station, poll closed meanwhile, a fault).

        The station locks with the reason; a rescan offers whatever is still open to them.
        """
        if self.phase is Phase.CASTING:
            self.lock(Notice(key))

    def timed_out(self) -> None:
        """Walked away mid-ballot: lock, store nothing; the voter may come back and rescan."""
        if self.in_session:
            self.lock(Notice("gui.station.timed_out", refusal=False))

    def thanks_over(self) -> None:
        if self.phase is Phase.THANKS:
            self.lock()

    def lock(self, notice: Notice | None = None) -> None:
        """Back to the locked screen, forgetting the voter and any unconfirmed marks."""
        self._forget()
        self.phase = Phase.LOCKED
        self.notice = notice

    def _forget(self) -> None:
        self._person_id = None
        self.selection = None
        self.contests = ()
        self.index = 0
