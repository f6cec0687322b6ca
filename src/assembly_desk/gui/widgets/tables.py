"""Table widgets the pages share."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableWidget


def pick_list(columns: int) -> QTableWidget:
    """A read-only list to pick one row from: the first column takes the spare width.

    The chair's contest lists (polls, results) are this shape; keeping one builder keeps
    them behaving alike (one row at a time, no accidental edits).
    """
    table = QTableWidget(0, columns)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, columns):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return table
