"""Shared helpers for the benchmark scripts: timing, percentiles, a throwaway PostgreSQL DB."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"n={len(ms)} p50={percentile(ms, 50):.2f} ms p95={percentile(ms, 95):.2f} ms "
        f"p99={percentile(ms, 99):.2f} ms mean={statistics.fmean(ms):.2f} ms"
    )


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@contextmanager
def pg_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database, or None when no server is reachable."""
    name = f"adbench_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL not reachable, skipping its figures: {exc}")
        yield None
        return
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def percentiles_ms(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    return percentile(samples, 50) * 1000, percentile(samples, 99) * 1000


def ratio_line(name: str, samples: list[float], floor: list[float]) -> str:
    """One timed path against the floor measured in the same run: p50/p99 and their ratios."""
    p50, p99 = percentiles_ms(samples)
    f50, f99 = percentiles_ms(floor)
    return (
        f"{name}: p50 {p50:.2f} ms ({p50 / f50:.2f}× floor), "
        f"p99 {p99:.2f} ms ({p99 / f99:.2f}× floor)"
    )
