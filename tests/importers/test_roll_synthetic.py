"""The synthetic roll used by the demo and benchmarks: realistic, valid and reproducible."""

from __future__ import annotations

from collections import Counter
from datetime import date

from assembly_desk.domain.assembly import Category
from assembly_desk.importers import generate_sample_csv, parse_roll


def test_same_seed_same_file_other_seed_other_file(tmp_path):
    a = generate_sample_csv(tmp_path / "a.csv", 200, seed=42)
    b = generate_sample_csv(tmp_path / "b.csv", 200, seed=42)
    c = generate_sample_csv(tmp_path / "c.csv", 200, seed=43)

    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_sample_roll_imports_cleanly_with_namesakes(tmp_path):
    path = generate_sample_csv(tmp_path / "roll.csv", 2000, seed=1)

    preview = parse_roll(path, today=date(2026, 11, 28))

    assert preview.ok, [p.message("en") for p in preview.problems[:5]]
    assert preview.total_rows == len(preview.records) == 2000
    births_of_kim_minsu = {r.birth_date for r in preview.records if r.name == "김민수"}
    assert len(births_of_kim_minsu) >= 2
    categories = Counter(r.category for r in preview.records)
    assert categories[Category.RESIDENT] > 1500
    assert set(categories) == set(Category)
    assert all(date(1930, 1, 1) <= r.birth_date <= date(2015, 12, 31) for r in preview.records)
    assert all(len(r.phone_last4) in (0, 4) for r in preview.records)
    assert any(r.guardian_consent for r in preview.records)


def test_sample_roll_in_cp949_reads_back_the_same(tmp_path):
    utf8 = parse_roll(generate_sample_csv(tmp_path / "u.csv", 300, seed=5))
    cp949 = parse_roll(generate_sample_csv(tmp_path / "k.csv", 300, seed=5, encoding="cp949"))

    assert cp949.encoding == "cp949"
    assert cp949.records == utf8.records
