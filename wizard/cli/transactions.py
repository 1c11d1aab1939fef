"""Past transactions: `rollback` (also the trial timer's `rollback ID --if-unconfirmed`),
`confirm` (keep a trial apply), `history`."""
from __future__ import annotations

import sys
import time

from backends.host import Host
from backends.transaction import TransactionError
from wizard import trial
from wizard.cli.common import open_session, resolve_root
from wizard.cli.output import ChangeProgress
from wizard.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UserError


def rollback(args) -> int:
    root = resolve_root(args.root)
    if args.if_unconfirmed:
        return rollback_if_unconfirmed(root, args.id, args.after or 0)
    if args.after is not None:
        raise UserError("--after: only with --if-unconfirmed", EXIT_USAGE)
    tx_id = args.id
    session = open_session(root)
    if args.last:
        applied = [t for t in session.history() if t.status == "applied"]
        if not applied:
            raise UserError("no applied transaction to roll back", EXIT_USAGE)
        tx_id = applied[0].id
    if not tx_id:
        raise UserError("name a transaction id (see `auditd-wizard history`) or use --last", EXIT_USAGE)
    try:
        result = session.rollback(tx_id, on_event=ChangeProgress())
    except (TransactionError, KeyError, ValueError, FileNotFoundError) as error:
        raise UserError(f"rollback {tx_id}: {error}", EXIT_USAGE)
    if result.ok:
        print(f"Rolled back transaction {tx_id}.")
        return EXIT_OK
    print(f"Rollback of {tx_id} failed: {result.error}", file=sys.stderr)
    return EXIT_FAILED


def rollback_if_unconfirmed(root: str, tx_id, after: int) -> int:
    if not tx_id:
        raise UserError("--if-unconfirmed needs a transaction id", EXIT_USAGE)
    time.sleep(after)
    try:
        done = trial.rollback_if_unconfirmed(Host.for_root(root), tx_id)
    except trial.TrialError as error:
        raise UserError(str(error), EXIT_USAGE)
    print(f"Trial {tx_id}: {done.status}.")
    return EXIT_FAILED if done.status == trial.FAILED else EXIT_OK


def confirm(args) -> int:
    root = resolve_root(args.root)
    try:
        kept = open_session(root).confirm_trial(args.id)
    except trial.TrialError as error:
        raise UserError(str(error), EXIT_USAGE)
    print(f"Kept transaction {kept.tx_id}.")
    return EXIT_OK


def history(args) -> int:
    session = open_session(resolve_root(args.root))
    rows = session.history()
    if not rows:
        print("No transactions yet.")
    for tx in rows:
        print(f"{tx.id}  {tx.status:<12} {tx.n_changes:>3} changes  {tx.label}")
    return EXIT_OK
