"""Trust anchors in the auditor's window: which keys the auditor got from outside.

A bundle can be internally perfect and still be signed by keys nobody in the room ever
saw. The fingerprints printed in the minutes or pinned to the notice board are what
ties keys to people, so the window lets the auditor type them (or pick the ``.pub.json``
files handed over) and then verifies with ``--trust`` semantics: the signers must be
exactly those keys. Without anchors a badge says plainly that identities were not
checked, next to the fingerprints to compare.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.audit.verify import TrustAnchor, TrustError, parse_trust
from assembly_desk.gui import theme
from assembly_desk.gui.widgets.file_dialogs import get_open_file_name
from assembly_desk.i18n import t
from assembly_desk.services.bundle_review import AuditOutcome

__all__ = ["TrustDialog", "identity_state", "parse_lines"]


def parse_lines(text: str) -> list[TrustAnchor]:
    """One fingerprint, public key or key file path per non-empty line; raises TrustError."""
    return [parse_trust(line) for line in text.splitlines() if line.strip()]


def identity_state(outcome: AuditOutcome | None) -> tuple[str, str]:
    """(``unchecked`` | ``trusted`` | ``mismatch`` | ``none``, the badge text)."""
    if outcome is None or outcome.report.unreadable:
        return "none", ""
    report = outcome.report
    if not report.identities_checked:
        return "unchecked", t("gui.auditor.identities.unchecked")
    ok = all(check.ok for check in report.checks if check.name == "identities")
    if ok:
        return "trusted", t("gui.auditor.identities.checked")
    return "mismatch", t("gui.auditor.identities.mismatch")


class TrustDialog(QDialog):
    """Fingerprints typed one per line, or key files added with a file picker."""

    def __init__(self, current: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trustDialog")
        self.setWindowTitle(t("gui.auditor.trust.title"))
        self.prompt = QLabel(t("gui.auditor.trust.prompt"))
        self.prompt.setWordWrap(True)
        self.edit = QPlainTextEdit("\n".join(current))
        self.edit.setObjectName("trustLines")
        self.error = QLabel()
        self.error.setObjectName("trustError")
        self.error.setStyleSheet(theme.fg(theme.PALETTE.error))
        self.error.setWordWrap(True)
        self.error.hide()
        add = QPushButton(t("gui.auditor.trust.add_file"))
        add.clicked.connect(self._add_file)
        clear = QPushButton(t("gui.auditor.trust.clear"))
        clear.clicked.connect(self.edit.clear)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(clear)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def lines(self) -> list[str]:
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def accept(self) -> None:
        """Refuse to close on a value that is not a key: an auditor must not think it held."""
        try:
            parse_lines(self.edit.toPlainText())
        except TrustError as error:
            self.error.setText(t("gui.auditor.trust.bad", reason=str(error)))
            self.error.show()
            return
        super().accept()

    def _add_file(self) -> None:
        name = get_open_file_name(
            self, t("gui.auditor.trust.add_file"), "", t("gui.auditor.trust.key_filter")
        )
        if name:
            self.edit.appendPlainText(name)
