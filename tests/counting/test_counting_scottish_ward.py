"""Scottish STV against a real count: Calton ward, Glasgow City Council, 3 May 2007.

Ballots: every paper of the ward (5,199 valid, 3 seats) from the preference data released
by Glasgow City Council after the count (``data/glasgow-2007-calton.blt``, see
``data/README.md``).

Official result, as published (first preferences and the final figures; collated in
"Council by elections 8th August", ukgeneralelection2020.blogspot.com/2015/08, and the
Wikipedia article "Calton (ward)"): Lab 1,982 (George Redmond) / 628 (Ruth Simpson),
SNP 1,143 (Alison Thewliss), Solidarity 302, Con 245, LD 231, Green 219, Unionist 195,
Ind 128, SSP 126; elected Lab, SNP, Lab "on the 7th count; final count Lab 1189, Sol 446,
Con 409 with a 60 votes SNP surplus"; councillors Redmond, Simpson, Thewliss.

The five-decimal figures of the stages are those of the reference report of the Droop
package's Scottish rule for this ward (github.com/jklundell/droop,
``test/ref/report/scotland/Calton-2007-scotland-fixed-p5-d5.txt``), an independent
implementation of the Scottish Local Government Elections Order 2007, Schedule 1,
rules 45-52, whose whole-vote figures agree with the official ones above.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from assembly_desk.counting import RankingBallot, count_stv
from assembly_desk.counting.results import Result

DATA = Path(__file__).parent / "data" / "glasgow-2007-calton.blt"

REDMOND, THEWLISS, SIMPSON = "George Redmond", "Alison E Thewliss", "Ruth Simpson"
FULLERTON, GILLESPIE = "Fiacra Fullerton", "Scott Gillespie"


def _read_blt(path: Path) -> tuple[list[str], int, list[RankingBallot]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    n_candidates, seats = map(int, lines[0].split())
    papers: list[tuple[int, list[int]]] = []
    i = 1
    while lines[i].strip() != "0":
        weight, *prefs = map(int, lines[i].split())
        assert prefs[-1] == 0
        papers.append((weight, prefs[:-1]))
        i += 1
    names = [line.strip().strip('"') for line in lines[i + 1 : i + 1 + n_candidates]]
    ballots = [
        RankingBallot(tuple(names[c - 1] for c in prefs))
        for weight, prefs in papers
        for _ in range(weight)
    ]
    return names, seats, ballots


@pytest.fixture(scope="module")
def calton() -> Result:
    names, seats, ballots = _read_blt(DATA)
    assert (len(ballots), seats) == (5199, 3)
    return count_stv(ballots, seats=seats, candidates=names)


def test_first_preferences_and_quota_are_the_official_ones(calton: Result) -> None:
    assert calton.valid == 5199
    assert calton.quota == 1300  # floor(5199 / 4) + 1
    assert calton.rounds[0].tallies == {
        "Gary Barton": 128,
        "Alasdair Duke - Wardrop": 219,
        FULLERTON: 302,
        GILLESPIE: 245,
        "Paul Graham": 231,
        "Danny Houston": 195,
        "Kenny Murray": 126,
        REDMOND: 1982,
        SIMPSON: 628,
        THEWLISS: 1143,
    }


def test_the_official_winners_in_the_official_order(calton: Result) -> None:
    assert calton.elected == (REDMOND, THEWLISS, SIMPSON)
    assert calton.rounds[0].elected == (REDMOND,)


def test_redmonds_surplus_moves_at_a_truncated_transfer_value(calton: Result) -> None:
    (surplus,) = calton.rounds[0].transfers
    assert (surplus.source, surplus.kind) == (REDMOND, "surplus")
    assert surplus.votes == 682  # 1,982 - 1,300
    # 682 / 1982 = 0.344096...: rule 48(3) keeps five decimals, the rest is ignored.
    assert surplus.value == Fraction("0.34409")
    assert surplus.to[SIMPSON] == Fraction("407.05847")
    assert surplus.to[THEWLISS] == Fraction("32.68855")
    assert surplus.exhausted == Fraction("158.62549")
    second = calton.rounds[1].tallies
    assert second[REDMOND] == 1300  # the elected candidate keeps the quota
    assert second[SIMPSON] == Fraction("1035.05847")
    assert second[THEWLISS] == Fraction("1175.68855")
    assert second[FULLERTON] == Fraction("325.39812")


def test_exclusions_then_the_seventh_stage_as_published(calton: Result) -> None:
    excluded = [name for r in calton.rounds[1:6] for name in r.eliminated]
    assert excluded == [
        "Gary Barton",
        "Kenny Murray",
        "Danny Houston",
        "Alasdair Duke - Wardrop",
        "Paul Graham",
    ]
    seventh = calton.rounds[6]
    assert seventh.number == 7
    assert seventh.elected == (THEWLISS,)
    # "final count Lab 1189, Sol 446, Con 409 with a 60 votes SNP surplus"
    whole = {name: int(votes) for name, votes in seventh.tallies.items()}
    assert (whole[SIMPSON], whole[FULLERTON], whole[GILLESPIE]) == (1189, 446, 409)
    assert int(seventh.tallies[THEWLISS] - calton.quota) == 60
    assert seventh.tallies[SIMPSON] == Fraction("1189.88661")
    assert seventh.tallies[THEWLISS] == Fraction("1360.12945")
