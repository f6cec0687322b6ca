"""The keypad rules, without Qt: what each key does for each ballot type."""

from __future__ import annotations

from assembly_desk.domain.contests import BallotType, ContestDefinition, Option
from assembly_desk.gui.count_entry.keys import KeyPad, Result, describe
from tests.ballots.helpers import choose, ranked, score, yes_no


def _type(pad: KeyPad, keys: str) -> list[Result]:
    names = {"⏎": "ENTER", "⌫": "BACKSPACE", "⎋": "ESCAPE"}
    return [pad.press(names.get(k, k)).result for k in keys]


def test_yes_no_is_two_keystrokes_and_a_second_digit_replaces_the_first() -> None:
    pad = KeyPad(yes_no())
    assert _type(pad, "1⏎") == [Result.PENDING, Result.RECORDED]
    _type(pad, "12⏎3⏎")
    assert pad.marks == [{"vote": "yes"}, {"vote": "no"}, {"vote": "abstain"}]
    assert _type(pad, "4") == [Result.REJECTED]
    assert _type(pad, "⏎") == [Result.IGNORED]  # Enter on nothing: no blank invented


def test_invalid_reasons_and_backspace_and_escape() -> None:
    pad = KeyPad(yes_no())
    _type(pad, "93⏎X⏎")
    assert pad.marks == [{"invalid": "damaged"}, {"invalid": "unclear"}]
    assert _type(pad, "X7") == [Result.PENDING, Result.REJECTED]
    _type(pad, "⎋")
    assert pad.pending == ""
    assert _type(pad, "⌫⌫⌫") == [Result.UNDONE, Result.UNDONE, Result.IGNORED]
    _type(pad, "1⌫2⏎")
    assert pad.marks == [{"vote": "no"}]


def test_choose_n_digits_blank_overvote_and_unknown_option() -> None:
    pad = KeyPad(choose(2))
    _type(pad, "31⏎0⏎B⏎123⏎11⏎")
    assert pad.marks == [
        {"choices": ["박철수", "김민수"]},
        {"blank": True},
        {"blank": True},
        {"choices": ["김민수", "이영희", "박철수"]},  # kept as marked: the count rejects it
        {"choices": ["김민수"]},
    ]
    assert "초과" in describe(pad.defn, pad.marks[3])
    assert _type(pad, "5") == [Result.REJECTED]
    assert [label for label, _ in pad.tally()][:2] == ["김민수", "이영희"]


def test_more_than_nine_options_are_separated() -> None:
    names = tuple(Option(f"후보{i}") for i in range(1, 13))
    pad = KeyPad(ContestDefinition("위원 선출", BallotType.CHOOSE_N, names, max_choices=3))
    _type(pad, "3 12 1⏎")  # the page maps + , . to the separator too
    assert pad.marks == [{"choices": ["후보3", "후보12", "후보1"]}]
    assert _type(pad, "13⏎") == [Result.PENDING, Result.PENDING, Result.REJECTED]


def test_ranked_keeps_the_order_and_score_sheets_are_not_typed() -> None:
    pad = KeyPad(ranked())
    _type(pad, "312⏎")
    assert pad.marks == [{"ranking": ["C", "A", "B"]}]
    assert describe(pad.defn, pad.marks[0]) == "3 C > 1 A > 2 B"
    sheet = KeyPad(score())
    assert not sheet.supported and _type(sheet, "1") == [Result.REJECTED]
