"""How long reading a large roll takes: the import target is 10 s for 100,000 people.

Run: ``python benchmarks/bench_roll_parse.py [rows] [--xlsx]``. Prints wall and CPU time
for ``parse_roll`` on a synthetic roll (CSV in UTF-8 and CP949; XLSX when asked, which is
slower because openpyxl parses XML cell by cell).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date
from pathlib import Path

from assembly_desk.importers import generate_sample_csv, parse_roll


def timed(path: Path) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    preview = parse_roll(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{path.name:>14}: {preview.total_rows:>7} rows, {len(preview.records):>7} records, "
        f"{len(preview.problems)} problems — {wall:.2f} s wall, {cpu:.2f} s CPU"
    )


def to_xlsx(source: Path, target: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("명부")
    with source.open(encoding="utf-8", newline="") as handle:
        for index, row in enumerate(csv.reader(handle)):
            if index and row[1]:
                row[1] = date.fromisoformat(row[1])  # a real Excel date cell
            sheet.append(row)
    book.save(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="also time an XLSX roll")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        utf8 = generate_sample_csv(Path(folder) / "roll-utf8.csv", args.rows, seed=1)
        cp949 = generate_sample_csv(
            Path(folder) / "roll-cp949.csv", args.rows, seed=1, encoding="cp949"
        )
        timed(utf8)
        timed(cp949)
        if args.xlsx:
            timed(to_xlsx(utf8, Path(folder) / "roll.xlsx"))


if __name__ == "__main__":
    main()
