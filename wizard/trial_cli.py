"""The command-line side of the trial apply: `apply --confirm-within`, `confirm`, and the
timer's `rollback ID --if-unconfirmed`."""
from __future__ import annotations

import sys

from wizard.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UserError


def add_arguments(apply_parser, rollback_parser, sub, add_root) -> None:
    apply_parser.add_argument("--confirm-within", type=int, metavar="SECONDS",
                              help="trial: roll back by itself unless `auditd-wizard confirm` "
                                   "runs within SECONDS (also if this session dies)")
    rollback_parser.add_argument("--if-unconfirmed", action="store_true",
                                 help="only when the trial apply was not confirmed (the timer uses this)")
    p = sub.add_parser("confirm", help="keep the changes of a trial apply (apply --confirm-within)")
    p.add_argument("id", nargs="?", help="transaction id (default: the pending trial)")
    add_root(p)


def apply_trial(root: str, args) -> int:
    from wizard.commands import _plan_or_fail, _print_event, open_session
    if args.confirm_within < 10:
        raise UserError("--confirm-within: give at least 10 seconds", EXIT_USAGE)
    session = open_session(root, args.answers)
    if _plan_or_fail(session).empty:
        print("Nothing to change: the host already matches these answers.")
        return EXIT_OK
    if not args.yes and not sys.stdin.isatty():
        raise UserError("not applied: confirm with --yes when not running on a terminal", EXIT_USAGE)
    result = session.apply_trial(args.confirm_within, on_event=_print_event)
    if not result.tx.ok:
        print(f"Failed: {result.tx.error}; everything was restored.", file=sys.stderr)
        return EXIT_FAILED
    from wizard.doctor.render import as_text
    sys.stdout.write(as_text(result.checks or [], verbose=False))
    where = f" --root {root}" if root != "/" else ""
    print(f"Applied transaction {result.tx.tx_id} as a trial. Keep it with:\n"
          f"  auditd-wizard confirm{where}\n"
          f"within {args.confirm_within} s, or it is rolled back by itself ({result.trial.timer}).")
    return EXIT_OK


def confirm(root: str, tx_id) -> int:
    from wizard.commands import open_session
    from wizard.trial import TrialError
    try:
        kept = open_session(root).confirm_trial(tx_id)
    except TrialError as error:
        raise UserError(str(error), EXIT_USAGE)
    print(f"Kept transaction {kept.tx_id}.")
    return EXIT_OK


def rollback_if_unconfirmed(root: str, tx_id) -> int:
    from backends.host import Host
    from wizard import trial
    import wizard.doctor  # noqa: F401  (the doctor's change kinds, for its fixes' rollback)
    if not tx_id:
        raise UserError("--if-unconfirmed needs a transaction id", EXIT_USAGE)
    try:
        done = trial.rollback_if_unconfirmed(Host.for_root(root), tx_id)
    except trial.TrialError as error:
        raise UserError(str(error), EXIT_USAGE)
    print(f"Trial {tx_id}: {done.status}.")
    return EXIT_FAILED if done.status == trial.FAILED else EXIT_OK
