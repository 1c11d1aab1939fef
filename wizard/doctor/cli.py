"""`auditd-wizard doctor`: run the checks, print them, optionally apply the fixes."""
from __future__ import annotations

import sys
from typing import Optional

from wizard.doctor.render import as_json, as_text
from wizard.errors import EXIT_FAILED, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, UserError


def add_parser(sub, add_root) -> None:
    p = sub.add_parser("doctor", help="check forwarding end to end and explain what is wrong "
                                      "(exit 3 when a problem is found)")
    add_root(p)
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--role", choices=("sender", "receiver"),
                   help="check this end (default: what the files say this host is)")
    p.add_argument("--answers", metavar="FILE",
                   help="values the fixes may use (e.g. remote.server when it is empty)")
    p.add_argument("--fix", action="store_true",
                   help="apply the fixes of the problems and warnings found, as one transaction")
    p.add_argument("--yes", action="store_true", help="with --fix: do not ask")


def _progress(index: int, total: int, name: str) -> None:
    if sys.stderr.isatty() and name != "done":
        print(f"\r[{index + 1}/{total}] {name:<24}", end="", file=sys.stderr, flush=True)
    elif sys.stderr.isatty():
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)


def run(root: str, args) -> int:
    from wizard.commands import _print_event, open_session
    session = open_session(root, args.answers)
    role = args.role or session.diagnostic_role()
    findings = session.diagnose(on_progress=None if args.json else _progress, role=role)
    sys.stdout.write(as_json(findings, role) if args.json else as_text(findings, verbose=False))
    if role is None and not args.json:
        print("No forwarding is configured on this host yet (give --role to check one end).")
    problems = any(f.status == "problem" for f in findings)
    if not args.fix:
        return EXIT_PROBLEM if problems else EXIT_OK
    chosen = [f for f in findings if f.fixes and f.status in ("problem", "warning")]
    if not chosen:
        print("Nothing the wizard can fix by itself.")
        return EXIT_PROBLEM if problems else EXIT_OK
    for item in session.fix_preview(chosen):
        print(f"# {item.title}\n{item.text.rstrip()}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("not fixed: confirm with --yes when not running on a terminal", EXIT_USAGE)
        if input(f"Apply these fixes? [y/N] ").strip().lower() not in ("y", "yes"):
            return EXIT_PROBLEM if problems else EXIT_OK
    result = session.apply_fixes(chosen, on_event=_print_event)
    if not result.ok:
        print(f"Failed: {result.error}; everything was restored.", file=sys.stderr)
        return EXIT_FAILED
    print(f"Fixed (transaction {result.tx_id}; undo with `auditd-wizard rollback {result.tx_id}`).")
    again = session.diagnose(role=role)
    still = [f for f in again if f.status == "problem"]
    for f in still:
        print(f"still a problem: {f.title}: {f.explanation}")
    return EXIT_PROBLEM if still else EXIT_OK
