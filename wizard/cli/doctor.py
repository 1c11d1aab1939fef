"""`auditd-wizard doctor`: run the checks, print them, optionally apply the fixes."""
from __future__ import annotations

import sys

from wizard.cli.apply import print_restored
from wizard.cli.common import confirm_or_stop, open_session, resolve_root
from wizard.cli.output import ChangeProgress
from wizard.doctor.render import as_json, as_text
from wizard.errors import EXIT_OK, EXIT_PROBLEM


def _progress(index: int, total: int, name: str) -> None:
    if sys.stderr.isatty() and name != "done":
        print(f"\r[{index + 1}/{total}] {name:<24}", end="", file=sys.stderr, flush=True)
    elif sys.stderr.isatty():
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)


def doctor(args) -> int:
    session = open_session(resolve_root(args.root), args.answers)
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
        confirm_or_stop("Apply these fixes?", "not fixed")
    result = session.apply_fixes(chosen, on_event=ChangeProgress())
    if not result.ok:
        print(f"Failed: {result.error}", file=sys.stderr)
        return print_restored(result)   # "everything was restored" only when it was
    print(f"Fixed (transaction {result.tx_id}; undo with `auditd-wizard rollback {result.tx_id}`).")
    again = session.diagnose(role=role)
    still = [f for f in again if f.status == "problem"]
    for f in still:
        print(f"still a problem: {f.title}: {f.explanation}")
    return EXIT_PROBLEM if still else EXIT_OK
