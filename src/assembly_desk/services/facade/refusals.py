"""The words for a refused chair passphrase, shared by every screen that asks for it."""

from __future__ import annotations

from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import t


def passphrase_refusal_text(error: BaseException) -> str | None:
    """The words for a refused chair passphrase, with the wait when there is one.

    None for any other error, which the caller words as it always has.
    """
    if not isinstance(error, DeskError):
        return None
    if error.key == "chair.wait":
        return t("chair.wait", seconds=error.params.get("seconds", 0))
    if error.key == "poll.wrong_passphrase":
        wait = int(error.params.get("wait", 0) or 0)
        return t("kiosk.wrong_then_wait", seconds=wait) if wait else t(error.key)
    return None
