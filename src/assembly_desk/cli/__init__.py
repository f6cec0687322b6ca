"""The command line: the headless front over the same services as the window.

``assembly-desk`` alone opens the window; every subcommand runs without a screen.
Exit codes: 0 done, 1 refused (e.g. a check-in that did not admit), 2 error.
"""

from __future__ import annotations

import argparse
import os
import sys

from assembly_desk import __version__
from assembly_desk.cli.common import EXIT_ERROR, close_opened, fail
from assembly_desk.domain.errors import DeskError
from assembly_desk.i18n import LANGUAGES, set_language, system_language, t


def build_parser() -> argparse.ArgumentParser:
    from assembly_desk.cli import (
        audit_cmd,
        bundle_cmd,
        cast_cmd,
        contest_cmd,
        count_cmd,
        count_entry_cmd,
        demo_cmd,
        door_cmds,
        roll_cmd,
        setup_cmds,
        tally_cmd,
    )

    parser = argparse.ArgumentParser(prog="assembly-desk", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--db", help=t("cli.help.db"))
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help.lang"))
    parser.add_argument("--assembly", type=int, help=t("cli.help.assembly_id"))
    parser.add_argument("--desk", help=t("cli.help.desk"))
    sub = parser.add_subparsers(dest="command")
    gui = sub.add_parser("gui", help=t("cli.help.gui"))
    gui.set_defaults(func=_gui)
    auditor = sub.add_parser("audit-window", help=t("cli.help.audit_window"))
    auditor.add_argument("bundle", nargs="?", help=t("cli.help.bundle_path"))
    auditor.set_defaults(func=_auditor)
    setup_cmds.register(sub)
    door_cmds.register(sub)
    contest_cmd.register(sub)  # contest create|list|show|open|close, chair passphrase set
    cast_cmd.register(sub)
    count_entry_cmd.register(sub)  # count-entry create|batches|enter|compare|resolve|commit
    audit_cmd.register(sub)
    demo_cmd.register(sub)
    count_cmd.register(sub)
    bundle_cmd.register(sub)  # verify, keys create, bundle create|sign
    tally_cmd.register(sub)  # signer, seed, tally, export-bundle
    roll_cmd.register(sub)  # roll merge, person correction, export
    return parser


def _has_screen() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _gui(args: argparse.Namespace) -> int:
    if not _has_screen():
        print(t("cli.no_screen"))
        return 0  # the bare command's hint (how to try it headless), not a failure
    from assembly_desk.gui.app import run_gui

    return run_gui(db_url=args.db, assembly_id=args.assembly, desk=args.desk)


def _auditor(args: argparse.Namespace) -> int:
    if not _has_screen():
        # Asked for a window by name: without a screen that is a failure a script must see.
        print(t("cli.error", message=t("cli.no_screen_auditor")), file=sys.stderr)
        return EXIT_ERROR
    from assembly_desk.gui.auditor.launch import run_auditor

    return run_auditor(args.bundle)


def _warn_about_location(args: argparse.Namespace) -> None:
    """A database chosen in a folder of documents is allowed, and said on stderr."""
    url = getattr(args, "db", None) or os.environ.get("ASSEMBLY_DESK_DB")
    if not url:
        return  # the default lives in the app's own data folder
    from assembly_desk.services.db_location import location_warning

    warning = location_warning(url)
    if warning:
        print(warning, file=sys.stderr)


OWNER_ONLY_UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    # Everything this process writes (database, WAL, backups, keys, bundles in progress,
    # exports) starts owner-only; files meant to be shared are opened up explicitly.
    os.umask(OWNER_ONLY_UMASK)
    # Pre-read --lang so that help texts come out in the chosen language.
    raw = sys.argv[1:] if argv is None else argv
    lang = system_language()
    for i, arg in enumerate(raw):
        if arg == "--lang" and i + 1 < len(raw) and raw[i + 1] in LANGUAGES:
            lang = raw[i + 1]
        elif arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            lang = arg.split("=", 1)[1]
    set_language(lang)
    parser = build_parser()
    args = parser.parse_args(raw)
    func = getattr(args, "func", _gui)
    _warn_about_location(args)
    try:
        return int(func(args))
    except DeskError as error:
        return fail(error)
    except KeyboardInterrupt:
        return 130
    finally:
        close_opened()
