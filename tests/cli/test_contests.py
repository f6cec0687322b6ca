"""``contest create|list|show|open|close`` and ``chair passphrase set``, as a chair types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import assembly_with_people, out_err, passphrase_file, run


@pytest.fixture
def url(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    assembly_with_people(sqlite_url)
    capsys.readouterr()
    return sqlite_url


def test_create_from_flags_and_from_a_file_then_list_with_numbers(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(url, "contest", "create", "--title", "마을 계획 승인", "--type", "yes_no") == 0
    spec = {"title": "우선 사업", "type": "choose_n", "candidates": ["도서관", "가로등", "놀이터"],
            "max_choices": 2}  # fmt: skip
    (tmp_path / "c.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    assert run(url, "contest", "create", "--file", str(tmp_path / "c.json")) == 0
    out, _ = out_err(capsys)
    assert "no. 2" in out and "우선 사업" in out
    assert run(url, "contest", "list") == 0
    lines = out_err(capsys)[0].splitlines()
    assert lines[0].startswith("No. 1") and "마을 계획 승인" in lines[0] and "Draft" in lines[0]
    assert lines[1].startswith("No. 2") and "우선 사업" in lines[1]
    assert run(url, "contest", "show", "2", "--json") == 0
    shown = json.loads(out_err(capsys)[0])
    assert shown["number"] == 2 and shown["state"] == "draft"
    assert [o["name"] for o in shown["definition"]["options"]] == ["도서관", "가로등", "놀이터"]
    assert shown["definition"]["max_choices"] == 2


def test_a_file_with_a_misspelt_key_or_a_bad_rule_is_refused_in_words(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "type": "choose_n", "option": ["a", "b"]}', encoding="utf-8")
    assert run(url, "contest", "create", "--file", str(bad)) == 2
    assert "Unknown keys: option" in out_err(capsys)[1]
    assert run(url, "contest", "create", "--title", "x", "--type", "choose_n",
               "--option", "a", "--option", "b", "--max-choices", "3", lang="ko") == 2  # fmt: skip
    assert "선택 수는 1에서 2 사이" in out_err(capsys)[1]
    assert run(url, "contest", "list") == 0
    assert "No contests yet" in out_err(capsys)[0]


def test_open_and_close_need_the_chairs_passphrase(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(url, "contest", "create", "--title", "마을 계획 승인", "--type", "yes_no") == 0
    # Under pytest stdin is no terminal: a clear error, never an EOFError traceback.
    assert run(url, "contest", "open", "1") == 2
    _, err = out_err(capsys)
    assert "no terminal" in err and "--passphrase-file" in err and "Traceback" not in err
    good = passphrase_file(tmp_path)
    assert run(url, "contest", "open", "1", "--passphrase-file", good) == 2
    assert "No chair passphrase has been set" in out_err(capsys)[1]
    assert run(url, "chair", "passphrase", "set", "--passphrase-file", good) == 0
    out, _ = out_err(capsys)
    assert "의장 암호 2026" not in out  # never echoed
    wrong = passphrase_file(tmp_path, "아닌 암호 1234", "wrong.txt")
    assert run(url, "contest", "open", "1", "--passphrase-file", wrong, lang="ko") == 1
    assert "의장 암호가 맞지 않습니다" in out_err(capsys)[1]
    assert run(url, "contest", "show", "1") == 0
    assert "— Draft" in out_err(capsys)[0]  # the wrong passphrase opened nothing
    assert run(url, "contest", "open", "1", "--passphrase-file", good) == 0


def test_open_then_close_changes_the_state_shown(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = passphrase_file(tmp_path)
    assert run(url, "chair", "passphrase", "set", "--passphrase-file", good) == 0
    assert run(url, "contest", "create", "--title", "마을 계획 승인", "--type", "yes_no") == 0
    assert run(url, "contest", "open", "1", "--passphrase-file", good) == 0
    assert "is open" in out_err(capsys)[0]
    assert run(url, "contest", "show", "1") == 0
    assert "— Open" in out_err(capsys)[0]
    assert run(url, "contest", "close", "1", "--passphrase-file", good) == 0
    assert "is closed" in out_err(capsys)[0]
    assert run(url, "contest", "show", "1", "--json") == 0
    assert json.loads(out_err(capsys)[0])["state"] == "closed"
    # Changing the passphrase needs the current one, from its own file.
    new = passphrase_file(tmp_path, "새 의장 암호 2027", "new.txt")
    assert run(url, "chair", "passphrase", "set", "--passphrase-file", new) == 2
    assert "no terminal" in out_err(capsys)[1]
    assert run(url, "chair", "passphrase", "set", "--passphrase-file", new,
               "--current-passphrase-file", good) == 0  # fmt: skip
