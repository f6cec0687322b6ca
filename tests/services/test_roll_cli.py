"""The roll commands: ``roll import --merge`` previews until ``--yes``; correct; export; card."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembly_desk.cli import main
from assembly_desk.persistence.repositories import people
from assembly_desk.services.database import open_database
from tests.conftest import make_assembly, write_csv

HEADER = "성명,생년월일,주소,통,반,연락처"


def test_merge_previews_then_applies_with_yes_and_corrects_exports_and_reprints(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(sqlite_url)
    aid = make_assembly(db, min_age=19)
    db.dispose()
    first = write_csv(
        tmp_path / "first.csv",
        [HEADER, "김민수,1980-03-15,성산동 1,3,2,010-1234-5678", "이영희,1975-06-01,성산동 2,4,1,"],
    )
    assert main(["--db", sqlite_url, "roll", "import", str(first)]) == 0
    assert "2명 중 참여 자격자 2명" in capsys.readouterr().out
    updated = write_csv(
        tmp_path / "updated.csv",
        [HEADER, "김민수,1980-03-15,망원동 9,3,2,010-1234-5678", "최지우,2012-08-08,성산동 4,6,2,"],
    )

    assert main(["--db", sqlite_url, "roll", "import", str(updated), "--merge"]) == 0
    out = capsys.readouterr().out
    assert "새로 추가 1명(자격자 0명)" in out and "바뀜 1명" in out and "파일에 없음 1명" in out
    assert "주소: 성산동 1 → 망원동 9" in out and "이영희" in out and "--yes" in out
    db = open_database(sqlite_url)
    with db.uow() as uow:
        assert people.count(uow, aid) == 2  # a preview changes nothing

    assert main(["--db", sqlite_url, "roll", "import", str(updated), "--merge", "--yes"]) == 0
    assert "추가 1명" in capsys.readouterr().out
    with db.uow() as uow:
        listing = {p.name: (p.id, p.card_code, p.address) for p in people.roll_listing(uow, aid)}
    assert len(listing) == 3 and listing["김민수"][2] == "망원동 9"
    kim_id, kim_code, _ = listing["김민수"]

    assert main(["--db", sqlite_url, "roll", "correct", str(kim_id), "--name", "김민서"]) == 0
    assert "카드 번호는 그대로" in capsys.readouterr().out
    with db.uow() as uow:
        fixed = people.get(uow, kim_id)
        assert fixed is not None and (fixed.name, fixed.card_code) == ("김민서", kim_code)

    out_csv = tmp_path / "export.csv"
    assert main(["--db", sqlite_url, "roll", "export", str(out_csv)]) == 0
    text = out_csv.read_text(encoding="utf-8-sig")
    assert "김민서" in text and kim_code not in text

    card = tmp_path / "card.pdf"
    assert main(["--db", sqlite_url, "roll", "card", str(kim_id), "--out", str(card)]) == 0
    assert card.read_bytes().startswith(b"%PDF")
    assert main(["--db", sqlite_url, "roll", "correct", "9999", "--name", "누구"]) == 2
    assert "9999번이 없습니다" in capsys.readouterr().err
    db.dispose()
