"""Shared fixtures: a fresh database per test, on SQLite and (where asked) on PostgreSQL.

PostgreSQL runs on 127.0.0.1:5432 on development and CI machines. Without it the
PostgreSQL cases are skipped locally with a reason, but fail under CI (``CI=true``),
because a green run that silently skipped them would prove nothing.

Every test also lands in exactly one tier (``pytest_collection_modifyitems`` below), so
``-m unit``, ``-m service`` and ``-m slow`` select them separately; the default run runs
all three:

* ``slow``: races between real processes or threads, and kills (four desks at once,
  racing stations, a process killed mid-cast). Full strength, with their own timeout.
* ``service``: anything that opens a database (a fixture or the test itself does).
* ``unit``: the rest: no database.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("ASSEMBLY_DESK_LANG", "ko")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from assembly_desk.domain.assembly import (
    AssemblyKind,
    Category,
    EligibilityRules,
    QuorumKind,
    QuorumRule,
)
from assembly_desk.i18n import set_language
from assembly_desk.services import assemblies, chair_passphrase
from assembly_desk.services.database import Database, default_box_dir, open_database

PG_ADMIN_URL = os.environ.get(
    "ASSEMBLY_DESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DEFAULT_QUORUM = QuorumRule(QuorumKind.NUMBER, 3)
FIXED_NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 10:00 in Seoul


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


_PG_PROBLEM = _pg_available()

#: Seconds a slow concurrency test may take (four processes on a loaded two-core machine);
#: the rest keep the suite's default (``timeout`` in pyproject.toml).
SLOW_TIMEOUT = int(os.environ.get("ASSEMBLY_DESK_SLOW_TIMEOUT", "900"))

TIERS = ("unit", "service", "slow")

# What, in a test, a fixture it uses or a test helper they call, opens a database.
_DATABASE_CALLS = (
    "open_database(",
    "create_pg_database(",
    "make_engine(",
    "create_engine(",
    '"--db"',
)
_DATABASE_FIXTURES = frozenset({"db", "any_db", "any_db_url", "sqlite_url"})
# Tests whose database is opened inside the product, out of sight of the scan above.
_OPENS_A_DATABASE = frozenset({"tests/test_cli.py::test_demo_runs_a_whole_sample_assembly"})
# What, in a test or a test helper it calls, starts a race or a kill.
_RACE_CALLS = (
    "ctx.Process(",
    "mp.Process(",
    "multiprocessing.Process(",
    "threading.Thread(",
    ".kill()",
    "_run_desks(",  # four desk processes (tests/persistence/test_concurrency.py)
)
_CALLED = re.compile(r"\b([A-Za-z_]\w*)\(")


def _source(func: object, cache: dict[object, str]) -> str:
    """The source of ``func`` and of the test helpers (``tests.*`` functions) it calls."""
    key = getattr(func, "__code__", func)
    if key in cache:
        return cache[key]
    cache[key] = ""  # a helper that calls itself stops here
    try:
        text = inspect.getsource(func)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""
    parts = [text]
    names = getattr(func, "__globals__", {})
    for name in set(_CALLED.findall(text)):
        helper = names.get(name)
        if inspect.isfunction(helper) and helper.__module__.startswith("tests"):
            parts.append(_source(helper, cache))
    cache[key] = "\n".join(parts)
    return cache[key]


def _tier(item: pytest.Item, cache: dict[object, str]) -> str:
    function = getattr(item, "function", None)
    body = _source(function, cache) if function is not None else ""
    if any(call in body for call in _RACE_CALLS):
        return "slow"
    if (
        item.get_closest_marker("postgres")
        or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        or item.nodeid.split("[")[0] in _OPENS_A_DATABASE
        or any(call in body for call in _DATABASE_CALLS)
    ):
        return "service"
    info = getattr(item, "_fixtureinfo", None)
    for defs in info.name2fixturedefs.values() if info is not None else ():
        for fixturedef in defs:
            if any(call in _source(fixturedef.func, cache) for call in _DATABASE_CALLS):
                return "service"
    return "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put each test in one tier (unless it names its own) and give slow ones their timeout."""
    cache: dict[object, str] = {}
    for item in items:
        named = [t for t in TIERS if item.get_closest_marker(t) is not None]
        tier = named[0] if named else _tier(item, cache)
        if not named:
            item.add_marker(getattr(pytest.mark, tier))
        if tier == "slow" and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))


@pytest.fixture(autouse=True)
def _quick_chair_kdf(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """New chair passphrase hashes at scrypt N=2**12 instead of the product's 2**17.

    At about half a second per hash and check, the product's cost turned every test that
    sets a passphrase, opens and closes a poll into 1.3 s of hashing. A stored hash carries
    its own parameters, so nothing else changes; the tests of the cost itself (marked
    ``real_kdf``) and every test in another process keep the product's value.
    """
    if request.node.get_closest_marker("real_kdf") is None:
        monkeypatch.setattr(chair_passphrase, "_SCRYPT_N", 2**12)


@pytest.fixture(autouse=True)
def _korean() -> Iterator[None]:
    set_language("ko")
    yield
    set_language("ko")


def create_pg_database() -> str:
    """A brand-new PostgreSQL database for one test; returns its URL."""
    if _PG_PROBLEM is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI but unreachable: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable: {_PG_PROBLEM}")
    name = f"adtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    # The ballot boxes this laptop kept for that database (in the user's data folder).
    shutil.rmtree(default_box_dir(url), ignore_errors=True)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.sqlite3'}"


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = open_database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Runs the test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk.sqlite3'}"
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def any_db(any_db_url: str) -> Iterator[Database]:
    database = open_database(any_db_url)
    yield database
    database.dispose()


def make_assembly(
    database: Database,
    *,
    min_age: int = 14,
    allowed: frozenset[Category] = frozenset({Category.RESIDENT}),
    guardian: bool = False,
    quorum: QuorumRule = DEFAULT_QUORUM,
    held_on: date = date(2026, 11, 28),
) -> int:
    spec = assemblies.AssemblySpec(
        kind=AssemblyKind.VILLAGE_ASSEMBLY,
        title="성산1동 주민총회",
        held_on=held_on,
        venue="주민센터 3층",
        district="성산1동",
        rules=EligibilityRules(min_age, allowed, guardian),
        quorum=quorum,
    )
    with database.uow() as uow:
        return assemblies.create_assembly(uow, spec, FIXED_NOW).id


def write_csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(rows) + "\n").encode(encoding))
    return path
