"""Who may sign, who did, and whether each signature holds.

Fingerprints are shown exactly as grouped in the file and in a fixed-width font, because
the auditor's job here is to read them aloud against the ones noted in the minutes or
printed by ``assembly-desk keys create``; a proportional font makes that error-prone.
Above the table a badge says whether the signers' identities were checked against
trusted keys; without trust anchors it says, in amber, that they were not, and the
"trusted keys" button next to it is where the minutes' fingerprints are entered.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.bundle_review import SignerRow, role_text

_HEADERS = (
    "gui.auditor.signers.name",
    "gui.auditor.signers.role",
    "gui.auditor.signers.fingerprint",
    "gui.auditor.signers.status",
)
_P = theme.PALETTE
_COLOURS = {"valid": _P.ok, "bad": _P.error, "missing": _P.warn_mark, "unchecked": _P.text_quiet}
_MARKS = {"valid": "✓", "bad": "✗", "missing": "–", "unchecked": "?"}


def mono_font(point_size: int = 12) -> QFont:
    """The system's fixed-width font (hex digits only, so no Hangul needed)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(point_size)
    return font


_BADGES = {
    "unchecked": theme.style(
        theme.bg(_P.warn_bg), theme.fg(_P.warn_mark), theme.border(1, _P.warn_border_soft)
    ),
    "trusted": theme.style(theme.bg(_P.ok_bg), theme.fg(_P.ok), theme.border(1, _P.ok_border_soft)),
    "mismatch": theme.style(
        theme.bg(_P.error_bg_soft), theme.fg(_P.error), theme.border(1, _P.error_border_soft)
    ),
}


class SignersPanel(QWidget):
    """The signers table, the policy sentence and the identity badge with its button."""

    trust_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SignerRow] = []
        self._policy = ""
        self._identity = ("none", "")
        self._trusted = 0
        self.title = QLabel()
        self.title.setObjectName("signersTitle")
        self.identity = QLabel()
        self.identity.setObjectName("identityBadge")
        self.identity.setWordWrap(True)
        self.trust_button = QPushButton()
        self.trust_button.setObjectName("trustButton")
        self.trust_button.clicked.connect(self.trust_requested.emit)
        self.policy = QLabel()
        self.policy.setObjectName("signersPolicy")
        self.policy.setWordWrap(True)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setObjectName("signersTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.identity, 1)
        badge_row.addWidget(self.trust_button)
        layout.addLayout(badge_row)
        layout.addWidget(self.policy)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def set_signers(self, rows: list[SignerRow], policy: str) -> None:
        self._rows = rows
        self._policy = policy
        self._fill()

    def set_identity(self, state: str, text: str, trusted: int) -> None:
        """``state`` from :func:`auditor_trust.identity_state`; ``trusted``: anchors given."""
        self._identity = (state, text)
        self._trusted = trusted
        self._fill()

    def rows(self) -> list[SignerRow]:
        return list(self._rows)

    def retranslate(self) -> None:
        self.title.setText(t("gui.auditor.signers.title"))
        self.trust_button.setText(t("gui.auditor.trust.button"))
        self.table.setHorizontalHeaderLabels([t(key) for key in _HEADERS])
        self._fill()

    def _fill(self) -> None:
        state, text = self._identity
        if self._trusted:
            text = f"{text}  ({t('gui.auditor.trust.count', count=self._trusted)})"
        self.identity.setText(("⚠ " if state == "unchecked" else "") + text)
        self.identity.setVisible(bool(text))
        self.identity.setStyleSheet(
            "QLabel#identityBadge { padding: 4px 8px; border-radius: 4px; font-weight: 700; "
            + _BADGES.get(state, "")
            + " }"
        )
        self.policy.setText(self._policy)
        self.policy.setVisible(bool(self._policy))
        self.table.setRowCount(len(self._rows))
        mono = mono_font()
        for row, signer in enumerate(self._rows):
            colour = QBrush(QColor(_COLOURS.get(signer.status, _P.text_secondary)))
            status = f"{_MARKS.get(signer.status, '')} {signer.status_text()}"
            cells = (signer.name, role_text(signer.role), signer.fingerprint, status)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 2:
                    item.setFont(mono)
                if column == 3:
                    item.setForeground(colour)
                    bold = QFont()
                    bold.setBold(True)
                    item.setFont(bold)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
