"""`auditd-wizard apply`: one transaction, or a trial that rolls itself back unless confirmed
(`--confirm-within`). Both show the plan and ask first, unless --yes."""
from __future__ import annotations

import sys

from backends.errors import UnfinishedTransaction
from backends.transaction import LockedError
from wizard.cli.common import confirm_or_stop, open_session, plan_or_fail, resolve_root, root_option
from wizard.cli.output import ChangeProgress
from wizard.cli.plan import render_findings, render_plan
from wizard.doctor.render import as_text
from wizard.errors import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_ROLLBACK_INCOMPLETE,
    EXIT_USAGE,
    UserError,
)


def _blocker_lines(finding) -> list:
    """A blocker whole: its first line, then what it says to run, indented."""
    head, *rest = finding.text.splitlines() or [""]
    return [f"not applied (step {finding.step}): {head}"] + ["    " + line.strip() for line in rest]


def apply(args) -> int:
    root = resolve_root(args.root)
    session = open_session(root, args.answers)
    stuck = session.interrupted()
    if stuck is not None:   # before planning: "nothing to change" would hide the half-made changes
        raise UserError(f"{UnfinishedTransaction(stuck.id, stuck.status)}{root_option(root)}",
                        EXIT_REFUSED)
    the_plan = plan_or_fail(session)
    if the_plan.empty:
        print("Nothing to change: the host already matches these answers.")
        return EXIT_OK
    findings = session.preflight()
    blockers = [f for f in findings if f.level == "blocker"]
    if blockers and not args.force:
        raise UserError([line for f in blockers for line in _blocker_lines(f)]
                        + ["fix these first, or apply anyway with --force"], EXIT_USAGE)
    for f in blockers:
        print("auditd-wizard: applying despite (--force): %s" % f.text.splitlines()[0], file=sys.stderr)
    if not args.yes:
        sys.stdout.write(render_plan(session, the_plan))
        sys.stdout.write(render_findings(findings))
        trial = f" as a trial ({args.confirm_within} s to confirm)" if args.confirm_within else ""
        confirm_or_stop(f"Apply these {len(the_plan.transaction())} changes{trial}?", "not applied")
    try:
        if args.confirm_within is not None:
            return _trial(session, root, args.confirm_within)
        result = session.apply(on_event=ChangeProgress())
    except LockedError as error:
        raise UserError(str(error), EXIT_REFUSED) from error
    if result.ok:
        print(f"Applied transaction {result.tx_id}. Undo with: auditd-wizard rollback {result.tx_id}"
              + root_option(root))
        return EXIT_OK
    print(f"Failed: {result.error}", file=sys.stderr)
    return print_restored(result)


def print_restored(result) -> int:
    """What the automatic rollback after a failure did: all of it, or which undo steps failed.
    Returns the exit code: 1, or 6 when not everything could be restored."""
    if result.journal_problem:
        print(f"Note: {result.journal_problem}", file=sys.stderr)
    if result.restored:
        print(f"Everything was restored (transaction {result.tx_id} rolled back: "
              f"{len(result.undone)} changes undone).", file=sys.stderr)
        return EXIT_FAILED
    print(f"NOT everything was restored (transaction {result.tx_id}); check these by hand:",
          file=sys.stderr)
    for problem in result.undo_errors:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_ROLLBACK_INCOMPLETE


def _trial(session, root: str, seconds: int) -> int:
    result = session.apply_trial(seconds, on_event=ChangeProgress())
    if not result.tx.ok:
        print(f"Failed: {result.tx.error}", file=sys.stderr)
        return print_restored(result.tx)
    sys.stdout.write(as_text(result.checks or [], verbose=False))
    print(f"Applied transaction {result.tx.tx_id} as a trial. Keep it with:\n"
          f"  auditd-wizard confirm{root_option(root)}\n"
          f"within {seconds} s, or it is rolled back by itself ({result.trial.timer}).")
    return EXIT_OK
