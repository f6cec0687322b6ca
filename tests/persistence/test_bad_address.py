"""A database address that cannot be used is a plain error with the fix, never a traceback."""

from __future__ import annotations

import pytest

from assembly_desk.cli import main
from assembly_desk.i18n import set_language


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("nonsense://x", "Can't load plugin: sqlalchemy.dialects:nonsense"),
        ("postgresql://postgres@127.0.0.1/x?pgbouncer=maybe", "pgbouncer=maybe: use true or false"),
    ],
)
def test_a_bad_address_says_what_an_address_looks_like(
    address: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "--db", address, "status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: The database address cannot be used: {why}.")
    assert "sqlite:///path/to/file" in err and "Traceback" not in err
    set_language("ko")
    assert main(["--db", address, "status"]) == 2
    assert "데이터베이스 주소를 쓸 수 없습니다" in capsys.readouterr().err
