import hashlib

from assembly_desk.counting import TieBreaker, TieRule, lot_order, seed_commitment


def test_seed_commitment_is_domain_separated_sha256() -> None:
    c = seed_commitment("주사위 3 5")
    assert len(c) == 64
    assert c != hashlib.sha256("주사위 3 5".encode()).hexdigest()
    assert c == seed_commitment(" 주사위 3 5 ")  # typed seeds are normalised
    assert c == seed_commitment("주사위 3 5".encode())


def test_lot_is_deterministic_and_input_order_free() -> None:
    a = lot_order("seed", "ctx", ["A", "B", "C", "D"])
    assert a == lot_order("seed", "ctx", ["D", "C", "B", "A"])
    assert sorted(a) == ["A", "B", "C", "D"]
    draws = {lot_order("seed", f"ctx{i}", ["A", "B", "C"]) for i in range(40)}
    assert len(draws) > 1  # different contexts give independent draws


def test_breaker_records_every_draw() -> None:
    breaker = TieBreaker(TieRule(seed=b"x"))
    chosen = breaker.pick(["B", "A"], 1, round_no=3, purpose="exclude", lowest=True)
    record = breaker.records[0]
    assert record.round == 3 and record.tied == ("A", "B") and record.chosen == chosen
    assert record.rules == ("lot",)
    # lowest picks the last of the lot order
    assert chosen == (record.lot_order[-1],)


def test_previous_rounds_latest_first() -> None:
    breaker = TieBreaker(TieRule())
    history = [{"A": 1, "B": 5}, {"A": 3, "B": 2}]
    # latest earlier round decides: A had 3 > B 2, so B is the lowest
    assert breaker.pick(
        ["A", "B"], 1, round_no=3, purpose="exclude", history=history, lowest=True
    ) == ("B",)
