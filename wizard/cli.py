"""The `auditd-wizard` command. No traceback ever reaches the user: known errors become one
clear line and an exit code (see README "Exit codes")."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

from wizard import commands, export_cli
from wizard import trial_cli
from wizard.doctor import cli as doctor_cli, test_cli
from wizard.errors import UserError, EXIT_USAGE

OS_CHOICES = ("almalinux-8", "almalinux-9", "almalinux-9.2", "almalinux-10")


def _add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", metavar="DIR",
                   help="act on a sandbox root made by `auditd-wizard demo-root` instead of this host")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditd-wizard",
        description="Set up forwarding of Linux audit records to a remote host "
                    "(AlmaLinux/RHEL 8, 9, 10). Without a command, starts the wizard.")
    parser.add_argument("--demo", action="store_true",
                        help="run the wizard on a fresh demo sandbox (nothing on this machine changes)")
    parser.add_argument("--os", choices=OS_CHOICES, default="almalinux-9",
                        help="which release the demo sandbox pretends to be (default almalinux-9)")
    _add_root(parser)
    parser.add_argument("--answers", metavar="FILE", help="pre-fill every field from this answers file")
    parser.add_argument("--start-at", metavar="STEP", help="open at this step (number or name)")
    parser.add_argument("--ascii", action="store_true",
                        help="console mode: ASCII borders, 16 colours (automatic on TERM=linux/vt100/vt220)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("encrypt", help="start the wizard at the Security step (guided encryption)")
    _add_root(p)
    p.add_argument("--demo", action="store_true", help="on a fresh demo sandbox")
    p.add_argument("--os", choices=OS_CHOICES, default="almalinux-9")
    p.add_argument("--answers", metavar="FILE")
    p.add_argument("--ascii", action="store_true")

    p = sub.add_parser("plan", help="print what apply would change (diffs and commands); change nothing")
    p.add_argument("--answers", metavar="FILE", required=True)
    _add_root(p)

    p = sub.add_parser("apply", help="apply an answers file as one transaction")
    p.add_argument("--answers", metavar="FILE", required=True)
    _add_root(p)
    apply_parser = p
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub.add_parser("rollback", help="undo a finished (or interrupted) transaction")
    p.add_argument("id", nargs="?", help="transaction id (see `history`)")
    p.add_argument("--last", action="store_true", help="the newest applied transaction")
    _add_root(p)
    trial_cli.add_arguments(apply_parser, p, sub, _add_root)

    p = sub.add_parser("history", help="list past transactions")
    _add_root(p)

    p = sub.add_parser("answers", help="print the current settings as an answers file")
    _add_root(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--schema", action="store_true", help="print the JSON schema of the answers file")

    export_cli.add_parsers(sub)
    doctor_cli.add_parser(sub, _add_root)
    test_cli.add_parser(sub, _add_root)

    p = sub.add_parser("demo-root", help="create a sandbox root that looks like a stock install")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--os", choices=OS_CHOICES, default="almalinux-9")
    p.add_argument("--broken", action="store_true", help="seed it with the popular guide's mistakes")
    return parser


def _demo_root(os_name: str) -> str:
    from wizard.sandbox import make_demo_root
    directory = tempfile.mkdtemp(prefix=f"auditd-wizard-demo-{os_name}-")
    make_demo_root(Path(directory), os_name)
    return directory


def run(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command
    if command in (None, "encrypt"):
        root = args.root
        if args.demo:
            root = _demo_root(args.os)
            print(f"Demo sandbox: {root}", file=sys.stderr)
        start_at = "security" if command == "encrypt" else getattr(args, "start_at", None)
        return commands.tui(commands.resolve_root(root), args.answers, start_at, args.ascii)
    if command == "demo-root":
        return commands.demo_root(args.dir, args.os, args.broken)
    if command in export_cli.COMMANDS:
        return export_cli.run(args)
    if command == "answers" and args.schema:
        return commands.schema()
    root = commands.resolve_root(args.root)
    if command == "plan":
        return commands.plan(root, args.answers)
    if command == "apply" and args.confirm_within is not None:
        return trial_cli.apply_trial(root, args)
    if command == "apply":
        return commands.apply(root, args.answers, args.yes)
    if command == "rollback" and args.if_unconfirmed:
        return trial_cli.rollback_if_unconfirmed(root, args.id)
    if command == "rollback":
        return commands.rollback(root, args.id, args.last)
    if command == "confirm":
        return trial_cli.confirm(root, args.id)
    if command == "history":
        return commands.history(root)
    if command == "answers":
        return commands.answers(root, args.output)
    if command == "doctor":
        return doctor_cli.run(root, args)
    if command == "test":
        return test_cli.run(root, args)
    raise UserError(f"unknown command {command!r}", EXIT_USAGE)


def main(argv: Optional[List[str]] = None) -> int:
    try:
        return run(argv)
    except UserError as error:
        for line in error.lines:
            print(f"auditd-wizard: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("auditd-wizard: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the promise: never a traceback
        if os.environ.get("AUDITD_WIZARD_DEBUG"):
            raise
        print(f"auditd-wizard: internal error: {type(error).__name__}: {error} "
              "(set AUDITD_WIZARD_DEBUG=1 for details)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
