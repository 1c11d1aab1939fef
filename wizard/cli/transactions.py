"""Past transactions: `rollback` (also the trial timer's `rollback ID --if-unconfirmed`),
`confirm` (keep a trial apply), `history`."""
from __future__ import annotations

import sys
import time

from backends.drift import describe
from backends.errors import UnknownTransaction
from backends.host import Host
from backends.transaction import DriftRefused, OrderRefused, TransactionError
from wizard import trial
from wizard.cli.common import open_session, resolve_root, root_option
from wizard.cli.output import ChangeProgress
from wizard.errors import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_ROLLBACK_INCOMPLETE,
    EXIT_USAGE,
    UserError,
)


def rollback(args) -> int:
    root = resolve_root(args.root)
    if args.if_unconfirmed:
        return rollback_if_unconfirmed(root, args.id, args.after or 0)
    if args.after is not None:
        raise UserError("--after: only with --if-unconfirmed", EXIT_USAGE)
    tx_id = args.id
    session = open_session(root)
    if args.last:
        # The newest one still in effect: applied, or interrupted (kill -9) half-way.
        applied = [t for t in session.history() if t.status == "applied" or t.interrupted]
        if not applied:
            raise UserError("no applied transaction to roll back", EXIT_USAGE)
        tx_id = applied[0].id
    if not tx_id:
        raise UserError("name a transaction id (see `auditd-wizard history`) or use --last", EXIT_USAGE)
    try:
        result = session.rollback(tx_id, on_event=ChangeProgress(), force=args.force,
                                  cascade=args.cascade)
    except DriftRefused as refused:
        for line in describe(refused.drift):
            print(line, file=sys.stderr)
        raise UserError(f"rollback {tx_id}: {refused} (see `auditd-wizard status"
                        f"{root_option(root)}`)", EXIT_REFUSED) from refused
    except OrderRefused as refused:
        raise UserError(f"rollback {tx_id}: {refused}", EXIT_REFUSED) from refused
    except UnknownTransaction as error:
        raise UserError(f"rollback {tx_id}: {error}", EXIT_USAGE) from error
    except TransactionError as error:
        raise UserError(f"rollback {tx_id}: {error}", EXIT_REFUSED) from error
    for kept in result.kept:
        print(f"Your version of {kept.path} is kept in {kept.copy}")
    if result.journal_problem:
        print(f"Note: {result.journal_problem}", file=sys.stderr)
    ids = result.rolled_back or [tx_id]
    done = ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]
    if result.ok:
        print(f"Rolled back transaction{'s' if len(result.rolled_back) > 1 else ''} {done}: "
              f"{len(result.undone)} changes restored.")
        return EXIT_OK
    print(f"Rollback of {done} is INCOMPLETE: {len(result.undone)} changes restored; not "
          "restored, check these by hand:", file=sys.stderr)
    for problem in result.undo_errors:
        print(f"  {problem}", file=sys.stderr)
    print(f"Run `auditd-wizard rollback {tx_id}{root_option(root)}` again once that is fixed.",
          file=sys.stderr)
    return EXIT_ROLLBACK_INCOMPLETE


def rollback_if_unconfirmed(root: str, tx_id, after: int) -> int:
    if not tx_id:
        raise UserError("--if-unconfirmed needs a transaction id", EXIT_USAGE)
    time.sleep(after)
    try:
        done = trial.rollback_if_unconfirmed(Host.for_root(root), tx_id)
    except trial.TrialError as error:
        raise UserError(str(error), EXIT_USAGE) from error
    print(f"Trial {tx_id}: {done.status}.")
    return EXIT_FAILED if done.status == trial.FAILED else EXIT_OK


def confirm(args) -> int:
    root = resolve_root(args.root)
    try:
        kept = open_session(root).confirm_trial(args.id)
    except trial.TrialError as error:
        raise UserError(str(error), EXIT_USAGE) from error
    print(f"Kept transaction {kept.tx_id}.")
    return EXIT_OK


def history(args) -> int:
    root = resolve_root(args.root)
    rows = open_session(root).history()
    if not rows:
        print("No transactions yet.")
    for tx in rows:
        print(f"{tx.id}  {tx.status:<12} {tx.n_changes:>3} changes  {tx.label}")
        if tx.interrupted:
            print(f"    interrupted: nothing can be applied until it is rolled back: "
                  f"auditd-wizard rollback {tx.id}{root_option(root)}")
        elif tx.later:
            print(f"    roll back {', '.join(tx.later)} first (or all at once: "
                  f"auditd-wizard rollback {tx.id} --cascade{root_option(root)})")
    return EXIT_OK
