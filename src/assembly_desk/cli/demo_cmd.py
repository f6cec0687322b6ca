"""``assembly-desk demo``: a whole sample assembly, headless, in a folder of its own.

With ``--db`` the demo runs in the database given, which must be empty: it refuses one
that already holds an assembly rather than mixing invented people into a real roll.
The scan summary counts each person once: a double read answered again is a ``repeat``,
and the check-in the script undoes is shown, so the summary adds up to the status line.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from assembly_desk.cli.common import EXIT_OK, EXIT_REFUSED
from assembly_desk.i18n import t

if TYPE_CHECKING:  # the services (and the PDFs' reportlab) load when the demo runs
    from assembly_desk.services.checkin import ScanResult
    from assembly_desk.services.facade import Services


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help=t("cli.help.demo"))
    demo.add_argument("--out", type=Path, default=Path("assembly-desk-demo"))
    demo.add_argument("--residents", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    from assembly_desk.services.facade import Services

    out: Path = args.out
    db_path = out / "demo.sqlite3"
    if args.db is None:  # a fresh file of its own; with --db the demo first checks it is empty
        out.mkdir(parents=True, exist_ok=True)
        if db_path.exists():
            db_path.unlink()
    services = Services.open(args.db or f"sqlite:///{db_path}")
    try:
        return _run(services, args, out)
    finally:
        services.close()


def _kind(result: ScanResult) -> str:
    return "repeat" if result.repeat else result.outcome.value


def _run(services: Services, args: argparse.Namespace, out: Path) -> int:
    report = services.setup.run_demo(out, residents=args.residents, seed=args.seed, say=print)
    outcomes = Counter(_kind(result) for _code, result in report.scans)
    if report.undone:
        outcomes["undone"] = report.undone
    print(t("demo.scans", summary=", ".join(f"{k}={v}" for k, v in sorted(outcomes.items()))))
    for code, result in report.scans[-4:]:
        who = result.person.name if result.person else "—"
        print(f"  {code}: [{result.colour.value}] {result.headline()} {who} {result.detail()}")
    assert report.status is not None
    (out / "status.json").write_text(
        json.dumps(report.status.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    st = report.status
    print(t("status.line", checked_in=st.checked_in, eligible=st.eligible, roll=st.roll_total))
    print(t("status.quorum", required=st.quorum_required, missing=st.quorum_missing))
    print(
        t(
            "audit.ok" if report.audit_ok else "audit.broken",
            count=report.audit_entries,
            head=report.audit_head,
            error="",
        )
    )
    for path, exit_code in report.bundles:
        verdict = t("tally.demo.valid" if exit_code == 0 else "tally.demo.invalid")
        print(t("tally.demo.bundle", path=str(path), verdict=verdict, code=exit_code))
    print(t("demo.files", path=str(out.resolve())))
    return EXIT_OK if report.audit_ok and report.bundles_ok else EXIT_REFUSED
