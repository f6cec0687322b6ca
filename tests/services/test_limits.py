"""The same limits on SQLite and PostgreSQL, checked before anything is written.

SQLite stores a 10,000-character name, a NUL or a lone surrogate; PostgreSQL raises on
them mid-transaction. Either way the volunteer must get a message that says what is wrong,
never a database exception, and the roll must be unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assembly_desk.domain import text_rules
from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.domain.errors import InvalidInput
from assembly_desk.persistence.models import AssemblyRow, CheckInRow, PersonRow
from assembly_desk.persistence.models_ballots import ContestOptionRow, ContestRow
from assembly_desk.services import checkin, contests, roll
from assembly_desk.services.database import Database
from tests.conftest import FIXED_NOW, make_assembly, write_csv
from tests.services.helpers import add_person

BIRTH = date(1980, 3, 15)
BAD_NAMES = {
    "10,000 characters": ("가" * 10_000, "최대 100자"),
    "a NUL byte": ("김\x00민수", "U+0000"),
    "a lone surrogate": ("김\ud800민수", "짝이 없는"),
    "a bell": ("김\x07민수", "U+0007"),
    "a bidi override": ("\u202e수민김", "U+202E"),
}


def _count(db: Database, table: type) -> int:
    with db.uow() as uow:
        return int(uow.session.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.parametrize("case", list(BAD_NAMES))
def test_walk_in_names_no_column_can_hold_get_a_message(any_db: Database, case: str) -> None:
    aid = make_assembly(any_db)
    name, expected = BAD_NAMES[case]

    with any_db.uow() as uow, pytest.raises(InvalidInput) as refused:
        roll.register_walk_in(uow, aid, roll.WalkIn(name, BIRTH), "정문", FIXED_NOW)

    assert expected in refused.value.message()
    assert refused.value.message().startswith("성명:")
    assert _count(any_db, PersonRow) == 0


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("address", "동" * 301, "주소"),
        ("address", "성산동\x001", "주소"),
        ("tong", "1" * 21, "통"),
        ("ban", "\ud800", "반"),
    ],
)
def test_walk_in_address_and_units_are_checked(
    any_db: Database, field: str, value: str, label: str
) -> None:
    aid = make_assembly(any_db)
    form = roll.WalkIn("김민수", BIRTH, **{field: value})

    with any_db.uow() as uow, pytest.raises(InvalidInput) as refused:
        roll.register_walk_in(uow, aid, form, "정문", FIXED_NOW)

    assert refused.value.message().startswith(f"{label}:")
    assert _count(any_db, PersonRow) == 0


def test_a_file_with_a_10000_character_name_imports_nothing(
    any_db: Database, tmp_path: Path
) -> None:
    aid = make_assembly(any_db)
    path = write_csv(
        tmp_path / "long.csv",
        [
            "성명,생년월일",
            "김민수,1980-03-15",
            f"{'가' * 10_000},1981-01-01",
            "이\x00영희,1975-01-09",
        ],
    )

    preview = roll.preview_import(path)
    with any_db.uow() as uow, pytest.raises(roll.ImportRejected) as rejected:
        roll.import_roll(uow, aid, path, FIXED_NOW, preview=preview)

    where = [(p.row, p.column, p.key) for p in rejected.value.problems]
    assert where == [(3, "성명", "input.too_long"), (4, "성명", "input.control")]
    assert "3행 ‘성명’ 열" in rejected.value.problems[0].message()
    assert _count(any_db, PersonRow) == 0


def test_a_41_character_desk_name_is_refused_before_the_check_in(any_db: Database) -> None:
    aid = make_assembly(any_db)
    person = add_person(any_db, aid, "김민수")

    with any_db.uow() as uow, pytest.raises(InvalidInput) as refused:
        checkin.check_in_by_code(uow, aid, person.card_code, "데" * 41, FIXED_NOW)
    with any_db.uow() as uow, pytest.raises(InvalidInput):
        checkin.check_in_person(uow, aid, person.person.id, "desk\x00", FIXED_NOW)

    assert refused.value.message() == "데스크 이름: 41자로 너무 깁니다(최대 40자)."
    assert _count(any_db, CheckInRow) == 0
    with any_db.uow() as uow:  # 40 is fine
        result = checkin.check_in_by_code(uow, aid, person.card_code, "데" * 40, FIXED_NOW)
    assert result.outcome is checkin.Outcome.CHECKED_IN


@pytest.mark.parametrize(
    ("title", "options"),
    [("도서관\x00 연장", ("찬성", "반대")), ("주민참여예산", ("놀이터\ud800", "도서관"))],
)
def test_contest_titles_and_options_are_checked(
    any_db: Database, title: str, options: tuple[str, ...]
) -> None:
    aid = make_assembly(any_db)
    definition = ContestDefinition(
        title=title,
        ballot_type=BallotType.CHOOSE_N,
        options=tuple(Option(name) for name in options),
        max_choices=1,
    )

    with any_db.uow() as uow, pytest.raises(InvalidInput) as refused:
        contests.create_contest(uow, aid, definition, FIXED_NOW)

    assert refused.value.message().split(":")[0] in ("안건 제목", "선택지 이름")
    assert _count(any_db, ContestRow) == 0


def test_the_limits_are_the_database_columns() -> None:
    """One set of limits: if a column is widened or narrowed, this names the constant."""

    def width(column: object) -> int:
        length = column.type.length  # type: ignore[attr-defined]
        assert isinstance(length, int)
        return length

    columns = PersonRow.__table__.c
    assert width(columns.name) == width(columns.name_key) == text_rules.NAME_MAX
    assert width(columns.address) == text_rules.ADDRESS_MAX
    assert width(columns.tong) == width(columns.ban) == text_rules.UNIT_MAX
    assert width(CheckInRow.__table__.c.desk) == text_rules.DESK_MAX
    assert width(ContestRow.__table__.c.title) == text_rules.TITLE_MAX
    assert width(ContestOptionRow.__table__.c.name) == text_rules.TITLE_MAX
    assert width(AssemblyRow.__table__.c.title) == text_rules.TITLE_MAX
    assert width(AssemblyRow.__table__.c.district) == text_rules.DISTRICT_MAX


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("title", "총" * 201, "총회 이름"),
        ("venue", "주민센터\x00", "장소"),
        ("district", "동" * 101, "지역"),
    ],
)
def test_assembly_texts_are_checked(any_db: Database, field: str, value: str, label: str) -> None:
    from assembly_desk.domain.assembly import AssemblyKind
    from assembly_desk.services import assemblies

    spec = assemblies.AssemblySpec(
        AssemblyKind.VILLAGE_ASSEMBLY, **{"title": "주민총회", "held_on": BIRTH, field: value}
    )

    with any_db.uow() as uow, pytest.raises(InvalidInput) as refused:
        assemblies.create_assembly(uow, spec, FIXED_NOW)

    assert refused.value.message().startswith(f"{label}:")
    assert _count(any_db, AssemblyRow) == 0


def test_the_command_line_says_what_is_wrong_with_a_long_desk_name(
    any_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from assembly_desk.cli import main
    from assembly_desk.services.database import open_database

    db = open_database(any_db_url)
    try:
        aid = make_assembly(db)
        person = add_person(db, aid, "김민수")
    finally:
        db.dispose()
    capsys.readouterr()

    code = main(["--db", any_db_url, "--desk", "d" * 41, "checkin", person.card_code])

    err = capsys.readouterr().err
    assert code == 2 and "데스크 이름" in err and "최대 40자" in err  # 2: bad input
    assert "Traceback" not in err and "DataError" not in err


def test_full_width_phone_digits_still_give_the_last_four(any_db: Database) -> None:
    aid = make_assembly(any_db)
    form = roll.WalkIn("김민수", BIRTH, phone="０１０-１２３４-５６７８")  # typed with a Korean IME

    with any_db.uow() as uow:
        registration = roll.register_walk_in(uow, aid, form, "정문", FIXED_NOW)

    assert registration.person.phone_last4 == "5678"
