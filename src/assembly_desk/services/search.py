"""Search-as-you-type over the roll: name, initial consonants, birth date, phone's last four.

A roll of 100,000 people is held in memory as a few parallel lists (about 10 MB), so a
keystroke costs a list scan of plain strings, not a database round trip. Each search first
asks the database one O(1) question (the audit chain's head and the roll's highest id, both
ends of primary keys); only when one moved does the index read more:

* new people (a walk-in at another desk, an import) by ``id > last`` on the primary key;
* the people named in new ``person.corrected`` and ``roll.merged`` entries, reread so that a
  correction made at another desk is found by its new name, never by its old one, at the
  next keystroke (a merge touching many people, or an entry without its private part,
  rebuilds the index instead);
* a ``person.registered`` whose id the index lacks (PostgreSQL may commit ids out of order).

The shown fields and the check-in state of the hits come in one statement
(``search_rows.shown``), so an answer is at most four round trips and usually two.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import datetime

from assembly_desk.domain import hangul
from assembly_desk.domain.assembly import Assembly, Category
from assembly_desk.domain.eligibility import age_on
from assembly_desk.i18n import t
from assembly_desk.persistence.repositories import search_rows
from assembly_desk.persistence.repositories.search_rows import SearchKey, ShownRow
from assembly_desk.persistence.unit_of_work import UnitOfWork
from assembly_desk.services.assemblies import get_assembly
from assembly_desk.services.clock import as_utc
from assembly_desk.services.people import PersonView

MAX_RESULTS = 30
#: A merge changing more people than this rebuilds the index rather than rereading each.
REREAD_LIMIT = 2000
#: Small additions go into the sorted list one by one (``insort``); larger ones re-sort it.
_INSORT_BELOW = 64
_DATE = re.compile(r"^(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class SearchHit:
    person: PersonView
    checked_in_at: datetime | None
    desk: str


class _NameMatcher:
    """Exact, prefix and substring matches over one list of strings, best first.

    Exact matches come from a dict, prefixes from a sorted list with bisect, substrings from
    ``str.find`` over one joined string (a C loop instead of 100,000 Python iterations).
    Positions are never removed: a corrected person gets a new position and the old one is
    in ``dead``, which every match skips.
    """

    def __init__(self, dead: set[int]) -> None:
        self._dead = dead
        self._exact: dict[str, list[int]] = {}
        self._sorted: list[tuple[str, int]] = []
        self._joined = ""
        self._starts: list[int] = []

    def extend(self, first: int, names: list[str]) -> None:
        for offset, name in enumerate(names):
            self._exact.setdefault(name, []).append(first + offset)
        added = [(n, first + i) for i, n in enumerate(names)]
        if len(added) < _INSORT_BELOW:
            for item in added:
                bisect.insort(self._sorted, item)
        else:
            self._sorted = sorted(self._sorted + added)
        parts = [self._joined] if self._joined else []
        pos = len(self._joined) + (1 if self._joined else 0)
        for name in names:
            self._starts.append(pos)
            parts.append(name)
            pos += len(name) + 1
        self._joined = "\n".join(parts)

    def match(self, q: str, limit: int) -> list[int]:
        dead = self._dead
        out = [i for i in self._exact.get(q, ()) if i not in dead][:limit]
        seen = set(out) | dead
        i = bisect.bisect_left(self._sorted, (q, -1))
        while len(out) < limit and i < len(self._sorted) and self._sorted[i][0].startswith(q):
            idx = self._sorted[i][1]
            if idx not in seen:
                out.append(idx)
                seen.add(idx)
            i += 1
        pos = self._joined.find(q)
        while len(out) < limit and pos >= 0:
            idx = bisect.bisect_right(self._starts, pos) - 1
            if idx not in seen:
                out.append(idx)
                seen.add(idx)
            pos = self._joined.find(q, pos + 1)
        return out


class SearchIndex:
    """In-memory index of one assembly's roll. Not thread-safe: one per worker thread."""

    def __init__(self, assembly_id: int) -> None:
        self.assembly_id = assembly_id
        self._reset()

    def _reset(self) -> None:
        self._ids: list[int] = []  # position -> person id
        self._where: dict[int, int] = {}  # person id -> its live position
        self._dead: set[int] = set()
        self._names = _NameMatcher(self._dead)
        self._initials = _NameMatcher(self._dead)
        # Digit queries look up dicts: birth yyyymmdd, yymmdd, year, and phone's last four.
        self._digits: dict[str, list[int]] = {}
        self._top = 0  # highest person id read from the database (any assembly)
        self._seq: int | None = None  # the audit chain's head when last looked
        self._assembly: Assembly | None = None

    def __len__(self) -> int:
        return len(self._where)

    def refresh(self, uow: UnitOfWork) -> None:
        """Bring the index up to the roll as committed: newcomers, corrections, merges."""
        heads = search_rows.heads(uow)
        if heads.audit_seq < (self._seq or 0) or heads.person_id < self._top:
            self._reset()  # the database was replaced under us: start again
        if heads.person_id > self._top:
            self._add(search_rows.keys_after(uow, self._top, heads.person_id))
            self._top = heads.person_id
        if heads.audit_seq == self._seq:
            return
        if self._seq is None:  # a first load reads the roll as it is now: nothing to replay
            self._seq = heads.audit_seq
            return
        changes = search_rows.roll_changes(uow, self._seq, heads.audit_seq)
        self._seq = heads.audit_seq
        reread = self._changed_people(changes)
        if reread is None:
            self._reset()
            self.refresh(uow)
        elif reread:
            self._replace(reread, search_rows.keys_of(uow, sorted(reread)))

    def _changed_people(self, changes: list[search_rows.RollChange]) -> set[int] | None:
        """Whom to reread after these audit entries; None when only a rebuild will do."""
        ids: set[int] = set()
        for change in changes:
            if change.kind == "settings.changed":
                self._assembly = None
                continue
            if change.kind == "roll.imported":
                continue  # new ids only: read by ``keys_after``
            if change.private_json is None:
                return None
            private = json.loads(change.private_json)
            if change.kind == "roll.merged":
                ids.update(int(k) for k in private.get("changed", {}))
                continue
            person = int(private["person"])
            if change.kind == "person.corrected" or person not in self._where:
                ids.add(person)  # corrected, or registered with an id out of order
        return None if len(ids) > REREAD_LIMIT else ids

    def _replace(self, ids: set[int], rows: list[SearchKey]) -> None:
        """The reread people get new positions; their old ones are dead."""
        for pid in ids:
            old = self._where.pop(pid, None)
            if old is not None:
                self._dead.add(old)
        self._add(rows)

    def _add(self, rows: list[SearchKey]) -> None:
        """Index the rows of this assembly (the id range read holds every assembly's)."""
        first = len(self._ids)
        names = []
        for pid, assembly_id, name_key, birth, phone in rows:
            if assembly_id != self.assembly_id:
                continue
            index = len(self._ids)
            self._ids.append(pid)
            self._where[pid] = index
            names.append(name_key)
            ymd = birth.strftime("%Y%m%d")
            for key in ("b" + ymd, "s" + ymd[2:], "y" + ymd[:4], "p" + phone):
                self._digits.setdefault(key, []).append(index)
        if not names:
            return
        self._names.extend(first, names)
        self._initials.extend(first, [hangul.initials(n) for n in names])

    def assembly(self, uow: UnitOfWork) -> Assembly:
        """The assembly (for the numbers a reason quotes), reread after a rules change."""
        if self._assembly is None:
            self._assembly = get_assembly(uow, self.assembly_id)
        return self._assembly

    def match(self, query: str) -> list[int]:
        """Ids of matching people, best first: exact name, then prefix, then substring."""
        q = hangul.fold_name(query)
        if not q:
            return []
        if q.isdigit():
            return self._match_digits(q)
        date_match = _DATE.match(q)
        if date_match:
            y, m, d = date_match.groups()
            return self._lookup(f"b{y}{int(m):02d}{int(d):02d}")
        matcher = self._initials if hangul.is_initials_query(q) else self._names
        return [self._ids[i] for i in matcher.match(q, MAX_RESULTS)]

    def _match_digits(self, q: str) -> list[int]:
        if len(q) == 4:  # last four phone digits first, then a birth year
            phones = self._lookup("p" + q)
            years = [y for y in self._lookup("y" + q) if y not in phones]
            return (phones + years)[:MAX_RESULTS]
        if len(q) == 6:
            return self._lookup("s" + q)
        if len(q) == 8:
            return self._lookup("b" + q)
        return []

    def _lookup(self, key: str) -> list[int]:
        live = [i for i in self._digits.get(key, ()) if i not in self._dead]
        return [self._ids[i] for i in live[:MAX_RESULTS]]


def search(uow: UnitOfWork, index: SearchIndex, query: str) -> list[SearchHit]:
    """Refresh the index, match in memory, and fetch the hits' shown fields and check-ins."""
    index.refresh(uow)
    ids = index.match(query)
    if not ids:
        return []
    rows = search_rows.shown(uow, index.assembly_id, ids)
    assembly = index.assembly(uow) if any(r.ineligible_reason for r in rows.values()) else None
    return [
        SearchHit(
            _view(row, assembly),
            as_utc(row.at) if row.at is not None else None,
            row.desk or "",
        )
        for pid in ids
        if (row := rows.get(pid)) is not None
    ]


def _view(row: ShownRow, assembly: Assembly | None) -> PersonView:
    """``people.view`` from the search's own row (no ORM object per hit)."""
    params: dict[str, str] = {}
    if row.ineligible_reason and assembly is not None:
        params = {
            "age": str(age_on(row.birth_date, assembly.held_on)),
            "min_age": str(assembly.rules.min_age),
            "category": t(f"category.{row.category}"),
        }
    return PersonView(
        id=row.id,
        name=row.name,
        birth_date=row.birth_date,
        category=Category(row.category),
        tong=row.tong,
        ban=row.ban,
        phone_last4=row.phone_last4,
        eligible=row.eligible,
        reason_key=row.ineligible_reason,
        reason_params=params,
    )
