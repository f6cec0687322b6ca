"""The quick CVR reader never accepts a file the line by line reader refuses.

``parse_cvrs`` reads a well-formed ``cvrs.jsonl`` in one pass of C-level work and falls
back to the line by line reader whenever any check fails. An attacker who could make
the quick pass accept what the strict reader refuses (a duplicate key, a float, a line
that is two values, a non-canonical spelling) would get a changed file past the
verifier. These tests mutate well-formed files byte by byte and demand that the quick
pass either gives exactly the strict reader's result or steps aside.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assembly_desk.audit.bundle_schema import SchemaError
from assembly_desk.audit.canonical import canonical_json
from assembly_desk.audit.verify_cvrs import _parse_quick, parse_cvrs, parse_cvrs_by_line
from assembly_desk.audit.verify_read import BundleUnreadable

NAMES = st.sampled_from(["김민수", "이영희", "Ann", "B", "\u2028", 'q"t', "back\\slash"])
IDS = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
CONTESTS = st.sampled_from(["c1", "c2", "동장"])


def _selection() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda v: {"vote": v}, st.sampled_from(["yes", "no", "abstain", None])),
        st.builds(lambda c: {"choices": c}, st.lists(NAMES, max_size=3, unique=True)),
        st.builds(lambda r: {"ranking": r}, st.lists(NAMES, max_size=4, unique=True)),
        st.builds(
            lambda r: {"ranking": r},
            st.lists(st.one_of(NAMES, st.lists(NAMES, min_size=1, max_size=2)), max_size=3),
        ),
        st.builds(
            lambda s, g: {"scores": s, **({"group": g} if g else {})},
            st.dictionaries(NAMES, st.integers(0, 100), max_size=3),
            st.sampled_from(["", "panel"]),
        ),
    )


CVR = st.builds(lambda i, c, s: {"id": i, "contest": c, **s}, IDS, CONTESTS, _selection())


def _file(cvrs: list[dict[str, Any]]) -> str:
    return "".join(canonical_json(c).decode("utf-8") + "\n" for c in cvrs)


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace"]),
        st.integers(0, 10_000),
        st.sampled_from([*' \n\t\r,:{}[]"0.5e-1truenullx\\/\u00e9', '"id":"0"', ".0", ",,"]),
    ),
    min_size=1,
    max_size=3,
)


def _mutate(text: str, steps: list[tuple[str, int, str]]) -> str:
    for kind, where, piece in steps:
        at = where % (len(text) + 1)
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + len(piece) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


def _strict(text: str) -> Any:
    lines = text.split("\n")[:-1] if text else []
    try:
        return parse_cvrs_by_line(lines)
    except (BundleUnreadable, SchemaError) as error:
        return error


def _same_outcome(text: str) -> None:
    strict = _strict(text)
    lines = text.split("\n")[:-1] if text else []
    quick = _parse_quick(text, lines) if text.endswith("\n") else None
    if isinstance(strict, Exception):
        assert quick is None, f"the quick reader accepted what the strict one refused: {strict}"
        try:
            parse_cvrs(text.encode("utf-8"))
        except (BundleUnreadable, SchemaError) as error:
            if text.endswith("\n"):
                assert str(error) == str(strict)
        else:
            raise AssertionError("parse_cvrs accepted a file the strict reader refused")
    elif quick is not None:
        assert quick == strict


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CVR, min_size=1, max_size=6))
def test_a_well_formed_file_is_read_the_quick_way_with_the_strict_result(cvrs) -> None:
    text = _file(cvrs)
    lines = text.split("\n")[:-1]
    quick = _parse_quick(text, lines)
    assert quick is not None, "a well-formed file should not need the slow reader"
    assert quick == parse_cvrs_by_line(lines)
    assert parse_cvrs(text.encode("utf-8")) == quick


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CVR, min_size=1, max_size=4), MUTATIONS)
def test_a_mutated_file_gets_the_strict_readers_verdict(cvrs, steps) -> None:
    _same_outcome(_mutate(_file(cvrs), steps))


ONE = '{"contest":"c1","id":"' + "a" * 32 + '","vote":"yes"}'
TWO = '{"contest":"c1","id":"' + "b" * 32 + '","vote":"no"}'


def test_hand_made_forgeries_are_refused_as_the_strict_reader_refuses_them() -> None:
    forgeries = [
        # a duplicate key: the decoder keeps the last, the canonical text has one
        '{"contest":"c1","id":"' + "a" * 32 + '","vote":"yes","vote":"no"}\n',
        # two values on one line that, joined with the next by a comma, still count right
        ONE + "," + TWO + "\n\n",
        ONE + "\n" + TWO + "\r\n",
        ONE.replace('"yes"', '"y\\u0065s"') + "\n",
        ONE.replace("{", "{ ", 1) + "\n",
        '{"contest":"c1","id":"' + "a" * 32 + '","scores":{"B":1.0}}\n',
        '{"contest":"c1","group":"g","id":"' + "a" * 32 + '","ranking":["B"]}\n',
        # two selections, or none, in canonical key order
        '{"choices":[],"contest":"c1","id":"' + "a" * 32 + '","vote":"yes"}\n',
        '{"contest":"c1","id":"' + "a" * 32 + '"}\n',
        '["contest","c1"]\n',
        ONE + "\n" + ONE.replace("c1", "c2") + "\n",
    ]
    for text in forgeries:
        _same_outcome(text)
    refused = [f for f in forgeries if isinstance(_strict(f), Exception)]
    # every forgery but the repeated-id file (which the id check, not the reader, refuses)
    assert len(refused) == len(forgeries) - 1
