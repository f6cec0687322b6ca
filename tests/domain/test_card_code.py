"""The card code's Damm check digit against the algorithm's published vectors.

H. Michael Damm, "Total anti-symmetrische Quasigruppen", dissertation, Philipps-Universität
Marburg, 2004; the operation table and worked example as reproduced in the Wikipedia article
"Damm algorithm": for 572 the interim digit runs 0 -> 9 -> 7 -> 4, so the check digit is 4
and 5724 validates (interim 0). Further vectors (5724 valid, 5727 not; 112946 valid,
112949 not) are the Rosetta Code "Damm algorithm" task's.
"""

from __future__ import annotations

import pytest

from assembly_desk.domain import card_code

# The published operation table, row = interim digit, column = next digit.
PUBLISHED_TABLE = (
    "0317598642",
    "7092154863",
    "4206871359",
    "1750983426",
    "6123045978",
    "3674209581",
    "5869720134",
    "8945362017",
    "9438617205",
    "2581436790",
)


@pytest.mark.parametrize(
    ("digits", "check"),
    [
        ("572", 4),  # Damm's worked example
        ("5724", 0),  # a number followed by its check digit gives interim 0
        ("5727", 9),
        ("112946", 0),
        ("112949", 4),
        ("11294", 6),
        ("", 0),
    ],
)
def test_published_vectors(digits: str, check: int) -> None:
    assert card_code.damm_digit(digits) == check


def test_single_digits_follow_the_first_row_of_the_published_table() -> None:
    assert [card_code.damm_digit(str(d)) for d in range(10)] == [int(c) for c in PUBLISHED_TABLE[0]]


def test_every_pair_of_digits_follows_the_published_table() -> None:
    # damm(ab) = T[T[0][a]][b]: all 100 two-digit inputs read the whole table back.
    for a in range(10):
        row = PUBLISHED_TABLE[int(PUBLISHED_TABLE[0][a])]
        assert [card_code.damm_digit(f"{a}{b}") for b in range(10)] == [int(c) for c in row]


def test_a_code_with_its_check_digit_is_valid_and_every_typo_is_caught() -> None:
    body = "5724011294"
    code = body + str(card_code.damm_digit(body))
    # by hand from the table: 5724 -> 0, then 0 -> 0, 1 -> 3, 1 -> 7, 2 -> 4, 9 -> 8, 4 -> 6
    assert code == "57240112946"
    assert card_code.is_valid(code)
    assert card_code.display(code) == "5724-0112-946"
    for i in range(len(code)):  # every single wrong digit
        for d in "0123456789":
            if d != code[i]:
                assert not card_code.is_valid(code[:i] + d + code[i + 1 :]), (i, d)
    for i in range(len(code) - 1):  # every swap of two different neighbours
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not card_code.is_valid(swapped), i
    assert not card_code.is_valid(body)  # the check digit left off
