"""What is wrong with a card code, told apart: empty, not digits, too short, too long, typo."""

from __future__ import annotations

import pytest

from assembly_desk.domain import card_code, hangul
from assembly_desk.domain.card_code import CodeProblem

VALID = "12345678906"  # Damm check digit 6


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", CodeProblem.EMPTY),
        ("  ", CodeProblem.EMPTY),
        ("abc", CodeProblem.NOT_DIGITS),
        ("ㅁㄴㅇㄹ", CodeProblem.NOT_DIGITS),
        ("1234", CodeProblem.TOO_SHORT),
        ("1234567890", CodeProblem.TOO_SHORT),
        ("5" * 500, CodeProblem.TOO_LONG),
        ("12345678901", CodeProblem.CHECK_DIGIT),
        (VALID, None),
        ("１２３４-５６７８-９０６", None),  # full-width digits from a Korean IME
    ],
)
def test_each_kind_of_bad_code_is_named(typed: str, expected: CodeProblem | None) -> None:
    assert card_code.problem(card_code.normalise(typed)) is expected


def test_initials_match_in_either_jamo_form() -> None:
    conjoining = "\u1106\u1102\u110b\u1105"  # ㅁㄴㅇㄹ after NFKC
    assert hangul.fold_name(conjoining) == "ㅁㄴㅇㄹ"
    assert hangul.is_initials_query(hangul.fold_name(conjoining))
    assert hangul.fold_name("김 민수") == "김민수"  # syllables untouched
