"""Search results at the desk: just enough to tell two 김민수 apart, nothing more.

Each row shows name, birth year.month, 통/반, the last four phone digits and the time of
check-in if any. The list never takes keyboard focus: arrow keys arrive from the scan
field (``move``), clicks select and hand focus straight back, a double click checks in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assembly_desk.gui import theme
from assembly_desk.i18n import t
from assembly_desk.services.clock import local_hhmm
from assembly_desk.services.search import SearchHit

_HEADER_KEYS = (
    "gui.results.name",
    "gui.results.birth",
    "gui.results.place",
    "gui.results.phone",
    "gui.results.checked_in",
)


def row_texts(hit: SearchHit) -> list[str]:
    """The five cells of one row (also used by tests and screenshots)."""
    person = hit.person
    phone = f"☎ {person.phone_last4}" if person.phone_last4 else ""
    when = t("gui.results.in_at", time=local_hhmm(hit.checked_in_at)) if hit.checked_in_at else ""
    return [person.name, person.birth_hint(), person.place_hint(), phone, when]


class ResultsList(QWidget):
    checkInRequested = Signal(object)  # SearchHit
    undoRequested = Signal(object)  # SearchHit
    touched = Signal()  # a click anywhere here: the page gives focus back to the field

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[SearchHit, ...] = ()
        self._query = ""
        self._searched = False
        self._code_hint = False
        self.caption = QLabel()
        self.caption.setObjectName("resultsCaption")
        self.tree = QTreeWidget()
        self.tree.setObjectName("results")
        self.tree.setColumnCount(len(_HEADER_KEYS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setStyleSheet(
            theme.rule("QTreeWidget", theme.font(theme.TYPE.large))
            + "QTreeWidget::item { padding: 6px 4px; }"
            + theme.rule("QHeaderView::section", theme.font(theme.TYPE.small), "padding: 4px;")
        )
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemClicked.connect(lambda *_: self.touched.emit())
        self.tree.itemSelectionChanged.connect(self._update_buttons)

        self.check_in_button = QPushButton()
        self.undo_button = QPushButton()
        for button in (self.check_in_button, self.undo_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(40)
        self.check_in_button.clicked.connect(self._check_in_selected)
        self.undo_button.clicked.connect(self._undo_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.check_in_button)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        self.retranslate()

    # -- content -------------------------------------------------------------------------
    def set_hits(self, hits: tuple[SearchHit, ...], query: str) -> None:
        self._hits = hits
        self._query = query
        self._searched = bool(query)
        self._code_hint = False
        self.tree.clear()
        for hit in hits:
            item = QTreeWidgetItem(row_texts(hit))
            item.setData(0, Qt.ItemDataRole.UserRole, hit.person.id)
            if hit.checked_in_at is not None:
                for column in range(self.tree.columnCount()):
                    item.setForeground(column, Qt.GlobalColor.darkGreen)
            self.tree.addTopLevelItem(item)
        self._update_caption()
        self._update_buttons()

    def clear_hits(self) -> None:
        self.set_hits((), "")

    def set_code_hint(self, query: str) -> None:
        """Typed digits that look like a card code: say that Enter will check the card in."""
        self.set_hits((), query)
        self._code_hint = True
        self._update_caption()

    @property
    def hits(self) -> tuple[SearchHit, ...]:
        return self._hits

    @property
    def query(self) -> str:
        return self._query

    def selected_hit(self) -> SearchHit | None:
        items = self.tree.selectedItems()
        if not items:
            return None
        index = self.tree.indexOfTopLevelItem(items[0])
        return self._hits[index] if 0 <= index < len(self._hits) else None

    def move_selection(self, delta: int) -> None:
        """Arrow keys from the field: select the next/previous row (first Down selects row 1)."""
        count = self.tree.topLevelItemCount()
        if count == 0:
            return
        selected = self.tree.currentItem() if self.selected_hit() else None
        current = self.tree.indexOfTopLevelItem(selected) if selected is not None else -1
        if current < 0:
            target = 0 if delta > 0 else count - 1
        else:
            target = max(0, min(count - 1, current + delta))
        item = self.tree.topLevelItem(target)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        item.setSelected(True)
        self.tree.scrollToItem(item)

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([t(key) for key in _HEADER_KEYS])
        self.check_in_button.setText(t("gui.results.check_in"))
        self.undo_button.setText(t("gui.results.undo"))
        for index, hit in enumerate(self._hits):
            item = self.tree.topLevelItem(index)
            for column, text in enumerate(row_texts(hit)):
                if item is not None:
                    item.setText(column, text)
        self._update_caption()

    # -- internals -----------------------------------------------------------------------
    def _update_caption(self) -> None:
        if self._code_hint:
            self.caption.setText(t("gui.results.code_hint"))
        elif not self._searched:
            self.caption.setText(t("gui.results.hint"))
        elif not self._hits:
            # Echo the query as typed (ㅁㄴㅇㄹ), so the volunteer sees what was searched.
            self.caption.setText(t("search.none_for", query=self._query))
        elif len(self._hits) == 1:
            self.caption.setText(t("gui.results.one"))
        else:
            self.caption.setText(t("gui.results.many", count=len(self._hits)))

    def _update_buttons(self) -> None:
        hit = self.selected_hit()
        self.check_in_button.setEnabled(hit is not None and hit.checked_in_at is None)
        self.undo_button.setEnabled(hit is not None and hit.checked_in_at is not None)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        index = self.tree.indexOfTopLevelItem(item)
        if 0 <= index < len(self._hits):
            self.checkInRequested.emit(self._hits[index])
        self.touched.emit()

    def _check_in_selected(self) -> None:
        hit = self.selected_hit()
        if hit is not None:
            self.checkInRequested.emit(hit)
        self.touched.emit()

    def _undo_selected(self) -> None:
        hit = self.selected_hit()
        if hit is not None:
            self.undoRequested.emit(hit)
        self.touched.emit()
