"""Reading roll files (CSV, TSV, XLSX): parsing and validation only, no database, no Qt.

``parse_roll`` returns a preview (records, problems, a masked sample) that the services
layer shows before it writes anything. A 주민등록번호 is never kept: a column of them
refuses the file, a stray one rejects its row. See ``docs/roll-format.md``.
"""

from __future__ import annotations

from assembly_desk.importers.records import FIELDS, Problem, RollPreview, RollRecord
from assembly_desk.importers.roll_file import parse_roll
from assembly_desk.importers.synthetic import generate_sample_csv

__all__ = [
    "FIELDS",
    "Problem",
    "RollPreview",
    "RollRecord",
    "generate_sample_csv",
    "parse_roll",
]
