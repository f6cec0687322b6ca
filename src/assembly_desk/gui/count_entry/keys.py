"""The count table's keypad, without Qt: keys in, paper ballots out.

Kept free of Qt (like Electrum's wizard state machine) so the rules a volunteer types by
are tested as plain Python, and the page only maps key events to these names:
``"0"``–``"9"``, ``"B"`` (blank), ``"X"`` (invalid), ``" "`` (separator), ``"ENTER"``,
``"BACKSPACE"``, ``"ESCAPE"``.

찬반: ``1`` 찬성, ``2`` 반대, ``3`` 기권, ``0``/``B`` 빈 투표지, ``9``/``X`` 무효, then Enter —
two keystrokes a paper. A second digit before Enter replaces the first (a slip is fixed by
typing the right key). 1인 N표, 예산, 우선순위: the option numbers, then Enter; with up to 9
options each digit is one option (``13⏎``), from 10 options numbers are separated by a
space, ``+``, ``,`` or ``.``. ``0``/``B`` alone is a blank paper, ``X`` an invalid one. After
``X`` (or 찬반's ``9``) a digit 1–5 picks the reason. Enter on nothing records nothing: a
double Enter must not invent a blank paper. Backspace takes back the last key, or with
nothing pending, the last paper.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assembly_desk.domain.contests import BallotType, ContestDefinition
from assembly_desk.i18n import t
from assembly_desk.services.count_entry import INVALID_REASONS, Mark, invalid_reason, is_blank

KEY_TYPES = frozenset(
    {BallotType.YES_NO, BallotType.CHOOSE_N, BallotType.BUDGET, BallotType.RANKED}
)
YES_NO_KEYS = {"1": "yes", "2": "no", "3": "abstain"}
SEPARATOR = " "


class Result(StrEnum):
    RECORDED = "recorded"  # a paper was added
    UNDONE = "undone"  # the last paper was taken back
    PENDING = "pending"  # the pending keys changed
    IGNORED = "ignored"  # nothing happened (with a hint)
    REJECTED = "rejected"  # a key that makes no sense here (with the reason)


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    message: str = ""  # catalogue key
    params: dict[str, Any] | None = None

    def text(self) -> str:
        return t(self.message, **(self.params or {})) if self.message else ""


class KeyPad:
    """The pending keys and the papers typed so far for one entry of one batch."""

    def __init__(self, defn: ContestDefinition) -> None:
        self.defn = defn
        self.kind = defn.ballot_type
        self.supported = self.kind in KEY_TYPES
        self.pending = ""
        self.marks: list[Mark] = []
        self.names = defn.names

    # -- keys -----------------------------------------------------------------------------
    def press(self, key: str) -> Outcome:
        if not self.supported:
            return Outcome(Result.REJECTED, "count_entry.type_unsupported")
        if key == "ENTER":
            return self._enter()
        if key == "BACKSPACE":
            if self.pending:
                self.pending = self.pending[:-1]
                return Outcome(Result.PENDING)
            if not self.marks:
                return Outcome(Result.IGNORED, "count_entry.hint.nothing_to_undo")
            self.marks.pop()
            return Outcome(Result.UNDONE)
        if key == "ESCAPE":
            self.pending = ""
            return Outcome(Result.PENDING)
        if self.pending.startswith("X") and key.isdigit():
            if not 1 <= int(key) <= len(INVALID_REASONS):
                return Outcome(Result.REJECTED, "count_entry.hint.reason_digit")
            self.pending = "X" + key
            return Outcome(Result.PENDING)
        if key == "B" or (key == "0" and (self.kind is BallotType.YES_NO or not self.pending)):
            self.pending = "B"
            return Outcome(Result.PENDING)
        if key == "X" or (key == "9" and self.kind is BallotType.YES_NO):
            self.pending = "X"
            return Outcome(Result.PENDING)
        if self.kind is BallotType.YES_NO:
            if key in YES_NO_KEYS:
                self.pending = key
                return Outcome(Result.PENDING)
            return Outcome(Result.REJECTED, "count_entry.hint.yes_no_keys")
        return self._option_key(key)

    def _option_key(self, key: str) -> Outcome:
        if self.pending == "B":
            self.pending = ""
        if key == SEPARATOR:
            if self.pending and not self.pending.endswith(SEPARATOR):
                self.pending += SEPARATOR
            return Outcome(Result.PENDING)
        if not key.isdigit():
            return Outcome(Result.REJECTED, "count_entry.hint.option_keys")
        if len(self.names) <= 9 and not 1 <= int(key) <= len(self.names):
            return Outcome(Result.REJECTED, "count_entry.no_such_option", {"n": key})
        self.pending += key
        return Outcome(Result.PENDING)

    def numbers(self) -> list[int]:
        """The option numbers pending (1-based), as the volunteer means them."""
        text = self.pending.strip()
        if not text or text[0] in "BX" or self.kind is BallotType.YES_NO:
            return []
        if len(self.names) <= 9:
            return [int(c) for c in text if c.isdigit()]
        return [int(part) for part in text.split()]

    def pending_mark(self) -> Mark | None:
        """What Enter would record now, or None."""
        if not self.pending:
            return None
        if self.pending == "B":
            return {"blank": True}
        if self.pending.startswith("X"):
            index = int(self.pending[1:] or "1") - 1
            return {"invalid": INVALID_REASONS[index]}
        if self.kind is BallotType.YES_NO:
            return {"vote": YES_NO_KEYS[self.pending]}
        names = [self.names[n - 1] for n in self.numbers() if 1 <= n <= len(self.names)]
        if self.kind is BallotType.RANKED:
            return {"ranking": names}
        return {"choices": list(dict.fromkeys(names))}

    def _enter(self) -> Outcome:
        if not self.pending.strip():
            self.pending = ""
            return Outcome(Result.IGNORED, "count_entry.hint.empty_enter")
        bad = [n for n in self.numbers() if not 1 <= n <= len(self.names)]
        if bad:
            return Outcome(Result.REJECTED, "count_entry.no_such_option", {"n": bad[0]})
        mark = self.pending_mark()
        assert mark is not None
        self.marks.append(mark)
        self.pending = ""
        return Outcome(Result.RECORDED)

    # -- showing ----------------------------------------------------------------------------
    def describe(self, mark: Mark) -> str:
        return describe(self.defn, mark)

    def pending_text(self) -> str:
        mark = self.pending_mark()
        if mark is None:
            return ""
        if ("choices" in mark or "ranking" in mark) and not self.numbers():
            return self.pending
        return describe(self.defn, mark)

    def tally(self) -> list[tuple[str, int]]:
        """(label, count) for the running counts under the list: options, blank, invalid."""
        return tally(self.defn, self.marks)


def describe(defn: ContestDefinition, mark: Mark) -> str:
    """One paper as listed on screen: 찬성, ``1 김민수 · 3 박철수``, 빈 투표지, 무효 (사유)."""
    if is_blank(mark):
        return t("count_entry.blank")
    reason = invalid_reason(mark)
    if reason is not None:
        return t("count_entry.invalid_with", reason=t(f"count_entry.reason.{reason}"))
    if "vote" in mark:
        return t(f"count_entry.vote.{mark['vote']}")
    names = mark.get("choices", mark.get("ranking")) or []
    number = {n: i + 1 for i, n in enumerate(defn.names)}
    parts = [f"{number.get(n, '?')} {n}" for n in names if isinstance(n, str)]
    joined = " · ".join(parts) if defn.ballot_type is not BallotType.RANKED else " > ".join(parts)
    if defn.ballot_type is BallotType.CHOOSE_N and len(names) > defn.max_choices:
        return t("count_entry.overvote", marks=joined)
    return joined


def tally(defn: ContestDefinition, marks: list[Mark]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for mark in marks:
        if is_blank(mark):
            counts["blank"] += 1
        elif invalid_reason(mark) is not None:
            counts["invalid"] += 1
        elif "vote" in mark:
            counts[mark["vote"]] += 1
        else:
            names = mark.get("choices") or mark.get("ranking") or []
            first = names[:1] if defn.ballot_type is BallotType.RANKED else names
            for name in first:
                counts[name] += 1
    if defn.ballot_type is BallotType.YES_NO:
        rows = [(t(f"count_entry.vote.{v}"), counts[v]) for v in ("yes", "no", "abstain")]
    else:
        rows = [(n, counts[n]) for n in defn.names]
    rows += [
        (t("count_entry.blank"), counts["blank"]),
        (t("count_entry.invalid"), counts["invalid"]),
    ]
    return rows
