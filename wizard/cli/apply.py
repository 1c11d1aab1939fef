"""`auditd-wizard apply`: one transaction, or a trial that rolls itself back unless confirmed
(`--confirm-within`)."""
from __future__ import annotations

import sys

from backends.transaction import LockedError
from wizard.cli.common import open_session, plan_or_fail, print_event, resolve_root, root_option
from wizard.cli.plan import render_plan
from wizard.doctor.render import as_text
from wizard.errors import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, UserError


def apply(args) -> int:
    root = resolve_root(args.root)
    if args.confirm_within is not None:
        return apply_trial(root, args)
    session = open_session(root, args.answers)
    the_plan = plan_or_fail(session)
    if the_plan.empty:
        print("Nothing to change: the host already matches these answers.")
        return EXIT_OK
    if not args.yes:
        sys.stdout.write(render_plan(session, the_plan))
        if not sys.stdin.isatty():
            raise UserError("not applied: confirm with --yes when not running on a terminal", EXIT_USAGE)
        if input(f"Apply these {len(the_plan.changes)} changes? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Not applied; nothing was changed.")
            return EXIT_OK
    try:
        result = session.apply(on_event=print_event)
    except LockedError as error:
        raise UserError(str(error), EXIT_REFUSED)
    if result.ok:
        print(f"Applied transaction {result.tx_id}. Undo with: auditd-wizard rollback {result.tx_id}"
              + root_option(root))
        return EXIT_OK
    print(f"Failed: {result.error}", file=sys.stderr)
    print(f"Everything was restored (transaction {result.tx_id} rolled back).", file=sys.stderr)
    return EXIT_FAILED


def apply_trial(root: str, args) -> int:
    if args.confirm_within < 10:
        raise UserError("--confirm-within: give at least 10 seconds", EXIT_USAGE)
    session = open_session(root, args.answers)
    if plan_or_fail(session).empty:
        print("Nothing to change: the host already matches these answers.")
        return EXIT_OK
    if not args.yes and not sys.stdin.isatty():
        raise UserError("not applied: confirm with --yes when not running on a terminal", EXIT_USAGE)
    result = session.apply_trial(args.confirm_within, on_event=print_event)
    if not result.tx.ok:
        print(f"Failed: {result.tx.error}; everything was restored.", file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(as_text(result.checks or [], verbose=False))
    print(f"Applied transaction {result.tx.tx_id} as a trial. Keep it with:\n"
          f"  auditd-wizard confirm{root_option(root)}\n"
          f"within {args.confirm_within} s, or it is rolled back by itself ({result.trial.timer}).")
    return EXIT_OK
