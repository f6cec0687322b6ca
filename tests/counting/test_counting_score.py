from fractions import Fraction

from assembly_desk.counting import ScoreBallot, YesNoBallot, count_score


def sheet(group: str = "", **scores: object) -> ScoreBallot:
    return ScoreBallot.of(scores, group)  # type: ignore[arg-type]


def test_means_and_ranking() -> None:
    ballots = [sheet(A=4, B=5), sheet(A=5, B=3), sheet(A=3), YesNoBallot("yes"), sheet()]
    r = count_score(ballots, candidates=["A", "B", "C"], seats=2)
    assert r.rounds[0].tallies == {"A": 4, "B": 4, "C": 0}
    assert r.details["scores"]["A"] == {"count": 3, "total": 12, "mean": 4}
    assert r.invalid_reasons == {"empty": 1, "wrong_kind": 1}
    assert r.elected == ("A", "B")


def test_weighted_criteria() -> None:
    weights = {"vision": 2, "plan": 1}
    ballots = [sheet(A={"vision": 5, "plan": 2}), sheet(A={"vision": 1})]
    r = count_score(ballots, criteria_weights=weights)
    assert r.rounds[0].tallies == {"A": 12}
    assert r.invalid_reasons == {"bad_score": 1}


def test_trimmed_mean_drops_one_high_one_low() -> None:
    ballots = [sheet(A=s) for s in (1, 8, 8, 9, 10)]
    r = count_score(ballots, trim=True)
    assert r.rounds[0].tallies["A"] == Fraction(25, 3)
    assert r.details["scores"]["A"]["mean"] == Fraction(36, 5)


def test_panels_combined_with_weights() -> None:
    ballots = [
        sheet("residents", A=80, B=60),
        sheet("residents", A=70, B=90),
        sheet("judges", A=90, B=70),
        sheet("visitors", A=1),
    ]
    r = count_score(ballots, group_weights={"residents": 50, "judges": 50})
    # A: (75 + 90) / 2 = 82.5; B: (75 + 70) / 2 = 72.5
    assert r.rounds[0].tallies == {"A": Fraction(165, 2), "B": Fraction(145, 2)}
    assert r.invalid_reasons == {"unknown_group": 1}
    assert r.details["ranking"] == ["A", "B"]
