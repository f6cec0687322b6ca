"""Benchmark the signed tally bundle: export + sign, then verify with a full recount.

Targets (100,000 IRV ballots, 10 candidates): export + sign < 2 s, verify < 3 s.
The count itself (done by the app before export) is timed separately.

    .venv/bin/python benchmarks/bench_bundle.py [--ballots N] [--zip]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assembly_desk.audit.bundle import write_bundle, zip_bundle
from assembly_desk.audit.bundle_schema import ballot_from_cvr, contest_entry
from assembly_desk.audit.chain import GENESIS, make_entry
from assembly_desk.audit.keys import PublicKeyInfo, fingerprint, public_key_hex
from assembly_desk.audit.signing import SignaturePolicy
from assembly_desk.audit.verify import verify_bundle
from assembly_desk.counting import CountOptions, TieRule, count

SEED = "benchmark dice 6-1-4"


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def make_cvrs(voters: int, n: int = 10, seed: int = 1) -> list[dict[str, Any]]:
    """Plackett-Luce style rankings of random length 1..n (as bench_counting.py)."""
    rnd = random.Random(seed)
    names = [f"후보{i:02d}" for i in range(n)]
    weights = [rnd.uniform(0.2, 1.0) for _ in names]
    cvrs = []
    for _ in range(voters):
        keys = sorted(range(n), key=lambda i: -(rnd.random() ** (1 / weights[i])))
        ranking = [names[i] for i in keys[: rnd.randint(1, n)]]
        cvrs.append({"contest": "head", "ranking": ranking})
    return cvrs


def signer(name: str, role: str) -> tuple[Ed25519PrivateKey, PublicKeyInfo]:
    key = Ed25519PrivateKey.generate()
    public = public_key_hex(key)
    return key, PublicKeyInfo(name, role, public, fingerprint(public))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--zip", action="store_true", help="also verify the zipped bundle")
    args = parser.parse_args()

    cvrs = make_cvrs(args.ballots)
    options = CountOptions(tie=TieRule(seed=SEED))
    ballots = [ballot_from_cvr(c) for c in cvrs]
    result, t_count = timed(lambda: count("irv", ballots, options))
    chair, witness = signer("김의장", "chair"), signer("이참관", "witness")
    entries = [
        make_entry(GENESIS, 1, "2026-11-28T01:00:00.000Z", "poll.closed", {"cast": len(cvrs)})
    ]
    manifest = {
        "assembly": {"title": "벤치마크 총회", "date": "2026-11-28", "district": "성산1동"},
        "contests": [contest_entry("head", "동장 선호 투표", "irv", options)],
        "policy": SignaturePolicy(signers=(chair[1], witness[1])).to_dict(),
        "counts": {"checked_in": len(cvrs) + 10, "issued": {"head": len(cvrs) + 5}},
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bundle"
        _, t_write = timed(
            lambda: write_bundle(
                out, manifest, cvrs, entries, {"head": result}, {"head": SEED}, [chair, witness]
            )
        )
        size = sum(f.stat().st_size for f in out.iterdir())
        report, t_verify = timed(lambda: verify_bundle(out))
        assert report.ok, [c.to_dict() for c in report.failures]
        print(f"ballots: {len(cvrs):,} IRV, 10 candidates, {len(result.rounds)} rounds")
        print(f"count (before export, not part of the targets): {t_count:.3f} s")
        print(f"export + sign (write_bundle, 2 signers):          {t_write:.3f} s  (target < 2 s)")
        print(f"verify incl. full recount:                        {t_verify:.3f} s  (target < 3 s)")
        print(f"bundle size: {size / 1e6:.1f} MB")
        if args.zip:
            z = Path(tmp) / "bundle.zip"
            _, t_zip = timed(lambda: zip_bundle(out, z))
            report, t_vzip = timed(lambda: verify_bundle(z))
            assert report.ok
            print(f"zip: {t_zip:.3f} s, {z.stat().st_size / 1e6:.1f} MB; verify zip {t_vzip:.3f} s")


if __name__ == "__main__":
    main()
