from fractions import Fraction

import pytest

from assembly_desk.counting import YesNoBallot, count_yesno, to_json_dict


def votes(yes: int, no: int, abstain: int = 0, blank: int = 0, bad: int = 0) -> list[YesNoBallot]:
    return (
        [YesNoBallot("yes")] * yes
        + [YesNoBallot("반대")] * no
        + [YesNoBallot("기권")] * abstain
        + [YesNoBallot(None)] * blank
        + [YesNoBallot("maybe")] * bad
    )


def test_simple_majority_ignores_abstentions() -> None:
    r = count_yesno(votes(10, 9, 50))
    assert r.passed is True
    assert r.details["yes"] == 10 and r.details["abstain"] == 50
    assert count_yesno(votes(9, 9)).passed is False


def test_absolute_majority_of_valid_counts_abstentions_against() -> None:
    assert count_yesno(votes(10, 9, 2), threshold="absolute", base="valid").passed is False
    assert count_yesno(votes(11, 9, 1), threshold="absolute", base="valid").passed is True
    # exactly half is not more than half
    assert count_yesno(votes(10, 10), threshold="absolute").passed is False


def test_two_thirds_and_three_quarters_are_inclusive() -> None:
    r = count_yesno(votes(20, 10), threshold="two-thirds")
    assert r.passed is True and r.details["required"] == 20
    assert count_yesno(votes(19, 10), threshold="two-thirds").passed is False
    assert count_yesno(votes(30, 10), threshold="three-quarters").passed is True
    assert count_yesno(votes(29, 10), threshold="three-quarters").passed is False


def test_bases_cast_present_eligible() -> None:
    # cast includes invalid ballots
    r = count_yesno(votes(6, 3, blank=2), threshold="two-thirds", base="cast")
    assert r.details["cast"] == 11 and r.details["required"] == Fraction(22, 3)
    assert r.passed is False
    assert (
        count_yesno(votes(6, 3), threshold="absolute", base="present", present=12).passed is False
    )
    assert count_yesno(votes(7, 3), threshold="absolute", base="present", present=12).passed is True
    r = count_yesno(votes(50, 0), threshold="absolute", base="eligible", eligible=100)
    assert r.passed is False


def test_quorum() -> None:
    r = count_yesno(votes(10, 0), present=49, quorum=50)
    assert r.passed is False and r.details["quorum_met"] is False
    assert count_yesno(votes(10, 0), present=50, quorum=50).passed is True


def test_invalid_reasons_and_json_has_no_floats() -> None:
    r = count_yesno(votes(2, 1, blank=2, bad=1), threshold="two-thirds", base="cast")
    assert r.invalid == 3 and r.invalid_reasons == {"bad_vote": 1, "empty": 2}
    data = to_json_dict(r)
    assert data["passed"] is False and data["details"]["required"] == 4
    assert "float" not in repr(data)


def test_missing_numbers_are_errors() -> None:
    with pytest.raises(ValueError):
        count_yesno(votes(1, 0), threshold="absolute", base="present")
    with pytest.raises(ValueError):
        count_yesno(votes(1, 0), quorum=3)
    with pytest.raises(ValueError):
        count_yesno(votes(1, 0), threshold="most")
