"""What the station says when something is refused or under way, without Qt.

The locked screen shows one notice (checking…, a refusal in red, a plain word, or a wait
that counts down); a refused 확인 and a refused passphrase are turned into words here, so
the window only places them and the mapping is read in one spot.
"""

from __future__ import annotations

from dataclasses import dataclass

from assembly_desk.domain.errors import DeskError
from assembly_desk.gui.station.state import Notice, Phase, StationState
from assembly_desk.i18n import t
from assembly_desk.services.facade.refusals import passphrase_refusal_text

# Service refusals at 확인, in a voter's words.
_CAST_REFUSALS = {
    "vote.already": "gui.station.cast.already",
    "poll.not_open": "gui.station.cast.closed",
}
#: Notices that count a wait down on the locked screen.
WAIT_KEYS = ("chair.wait", "kiosk.wrong_then_wait")


def locked_notice(state: StationState) -> tuple[str, str]:
    """The locked screen's notice and its kind (wait / none / red / info)."""
    if state.phase is Phase.UNLOCKING:
        return t("gui.station.checking"), "wait"
    notice = state.notice
    if notice is None:
        return "", "none"
    return t(notice.key, **dict(notice.params)), "red" if notice.refusal else "info"


def cast_refusal_key(error: BaseException) -> str:
    """The message key for a ballot the service would not store."""
    if isinstance(error, DeskError):
        return _CAST_REFUSALS.get(error.key, "gui.station.fault")
    return "gui.station.fault"


@dataclass(frozen=True, slots=True)
class ExitRefusal:
    """A refused passphrase: the words, the locked screen's notice, and the wait (s)."""

    text: str
    notice: Notice
    wait: int


def exit_refusal(error: BaseException) -> ExitRefusal:
    """Wrong (audited), or still waiting after earlier wrong tries."""
    text = passphrase_refusal_text(error) or t("gui.station.exit_wrong")
    if isinstance(error, DeskError) and error.key == "chair.wait":
        wait = int(error.params.get("seconds", 0))
        return ExitRefusal(text, Notice("chair.wait", (("seconds", wait),)), wait)
    if isinstance(error, DeskError) and error.params.get("wait"):
        wait = int(error.params["wait"])
        return ExitRefusal(text, Notice("kiosk.wrong_then_wait", (("seconds", wait),)), wait)
    return ExitRefusal(text, Notice("gui.station.exit_wrong"), 0)
