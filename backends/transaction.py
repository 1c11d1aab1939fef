"""Apply a list of Changes as one transaction: journal first, apply in order, undo in reverse.

A change's journal entry goes pending -> applying -> applied (-> undone). The before-state and
the backups are on disk (fsynced) before the change is applied, so a transaction killed at any
point can be rolled back by the next run (see `interrupted`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, List, Optional, Sequence

from backends.changes import Change
from backends.journal import Journal
from backends.lock import HostLock, LockedError, TransactionError, lock_holder

__all__ = ["Transaction", "TxEvent", "TxResult", "TxSummary", "TxRecord", "LockedError",
           "TransactionError", "rollback", "history", "interrupted", "load"]

UNFINISHED = ("applying", "rolling-back")
ROLLBACK_ALLOWED = ("applied", "applying", "rolling-back", "rollback-incomplete")


@dataclass(frozen=True)
class TxEvent:
    kind: str  # "start" | "change-start" | "change-done" | "change-failed" | "undo" | "done"
    index: Optional[int]  # the change's position; None for "start" and "done"
    total: int
    text: str


@dataclass
class TxResult:
    ok: bool
    tx_id: str
    failed_index: Optional[int] = None
    error: Optional[str] = None
    restored: bool = False
    undo_errors: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class TxSummary:
    id: str
    label: str
    time: str
    status: str
    n_changes: int
    error: Optional[str] = None


@dataclass
class TxRecord:
    summary: TxSummary
    changes: List[Change]
    before: List[Optional[dict]]
    states: List[str]
    meta: dict

    @property
    def id(self) -> str:
        return self.summary.id


EventSink = Optional[Callable[[TxEvent], None]]


def _message(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(err, (KeyboardInterrupt, SystemExit)):
        return f"interrupted ({type(err).__name__})"
    return first or type(err).__name__


def _summary(journal: Journal) -> TxSummary:
    m = journal.manifest
    return TxSummary(id=m["id"], label=m.get("label", ""), time=m.get("created", ""),
                     status=m.get("status", "?"), n_changes=len(m.get("changes", [])),
                     error=m.get("error"))


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _undo_all(host, journal: Journal, changes: Sequence[Change], emit: Callable[..., None]) -> List[str]:
    """Undo every applied or applying change in reverse order, then re-run the applied commands
    marked rerun_after_rollback (e.g. restart auditd so it runs the restored files).
    Returns the problems met; it keeps going after one so as much as possible is restored."""
    journal.manifest["status"] = "rolling-back"
    journal.save()
    total = len(changes)
    touched = [i for i, entry in enumerate(journal.entries)
               if entry["state"] in ("applied", "applying") or entry.get("undo_error")]
    problems: List[str] = []
    for i in reversed(touched):
        change, entry = changes[i], journal.entries[i]
        if entry["before"] is None:
            continue  # never captured, so never applied
        emit("undo", i, f"Undo: {change.describe()}")
        try:
            change.undo(host, entry["before"])
            entry["state"], entry["undo_error"] = "undone", None
        except Exception as err:
            entry["undo_error"] = _message(err)
            problems.append(f"undo of '{change.describe()}' failed: {_message(err)}")
        journal.save()
    for i in touched:
        change = changes[i]
        if getattr(change, "rerun_after_rollback", False):
            emit("undo", i, f"Run again after the rollback: {change.describe()}")
            try:
                change.rerun(host)
            except Exception as err:
                problems.append(f"'{change.describe()}' after the rollback failed: {_message(err)}")
    journal.manifest["status"] = "rollback-incomplete" if problems else "rolled-back"
    journal.manifest["undo_errors"] = problems
    journal.manifest["finished"] = _now()
    journal.save()
    return problems


def _emitter(on_event: EventSink, total: int, swallow: bool = False) -> Callable[..., None]:
    def emit(kind: str, index: Optional[int], text: str) -> None:
        if on_event is None:
            return
        try:
            on_event(TxEvent(kind=kind, index=index, total=total, text=text))
        except Exception:
            if not swallow:
                raise
    return emit


class Transaction:
    """One apply of a list of Changes on a Host."""

    @classmethod
    def run(cls, host, changes: Sequence[Change], *, label: str, meta: Optional[dict] = None,
            on_event: EventSink = None) -> TxResult:
        changes = list(changes)
        total = len(changes)
        with HostLock(host.state_dir()):
            journal = Journal.create(host, label, meta, [c.to_dict() for c in changes])
            emit = _emitter(on_event, total)
            failed_index: Optional[int] = None
            try:
                emit("start", None, f"{label}: {total} changes")
                for i, change in enumerate(changes):
                    failed_index = i
                    entry = journal.entries[i]
                    entry["before"] = change.capture(host, backup_to=journal.backup_path(i))
                    entry["state"] = "applying"
                    journal.save()  # the before-state is on disk before anything changes
                    emit("change-start", i, change.describe())
                    change.apply(host)
                    entry["state"] = "applied"
                    journal.save()
                    emit("change-done", i, change.describe())
                failed_index = None
                journal.manifest["status"] = "applied"
                journal.manifest["finished"] = _now()
                journal.save()
                emit("done", None, f"{label}: {total} changes applied")
                return TxResult(ok=True, tx_id=journal.tx_id)
            except BaseException as err:
                return cls._fail(host, journal, changes, failed_index, err, on_event)

    @staticmethod
    def _fail(host, journal: Journal, changes: List[Change], failed_index: Optional[int],
              err: BaseException, on_event: EventSink) -> TxResult:
        emit = _emitter(on_event, len(changes), swallow=True)
        message = _message(err)
        if failed_index is not None:
            journal.entries[failed_index]["error"] = message
        journal.manifest["failed_index"] = failed_index
        journal.manifest["error"] = message
        journal.save()
        emit("change-failed", failed_index, message)
        problems = _undo_all(host, journal, changes, emit)
        done_text = "rolled back" if not problems else "rollback incomplete: " + "; ".join(problems)
        emit("done", None, done_text)
        if not isinstance(err, Exception):
            raise err  # Ctrl-C / SystemExit: the host is restored, now let it through
        return TxResult(ok=False, tx_id=journal.tx_id, failed_index=failed_index, error=message,
                        restored=not problems, undo_errors=problems)


def rollback(host, tx_id: str, on_event: EventSink = None) -> TxResult:
    """Undo a finished (or interrupted) transaction, later, by id."""
    with HostLock(host.state_dir()):
        journal = Journal.open(host, tx_id)
        status = journal.manifest.get("status")
        if status == "rolled-back":
            raise TransactionError(f"transaction {tx_id} was already rolled back "
                                   f"({journal.manifest.get('finished') or 'earlier'})")
        if status not in ROLLBACK_ALLOWED:
            raise TransactionError(f"transaction {tx_id} cannot be rolled back (status {status})")
        changes = [Change.from_dict(e["change"]) for e in journal.entries]
        emit = _emitter(on_event, len(changes), swallow=True)
        emit("start", None, f"Rolling back {tx_id}: {journal.manifest.get('label', '')}")
        problems = _undo_all(host, journal, changes, emit)
        emit("done", None, "rolled back" if not problems else "; ".join(problems))
        return TxResult(ok=not problems, tx_id=tx_id, restored=not problems,
                        error="; ".join(problems) or None, undo_errors=problems)


def history(host) -> List[TxSummary]:
    """Every transaction on this host, newest first."""
    return [_summary(j) for j in Journal.all(host)]


def interrupted(host) -> Optional[TxSummary]:
    """The newest transaction that was killed while applying or rolling back — only when no
    live auditd-wizard holds the lock (otherwise it is simply still running)."""
    if lock_holder(host.state_dir()) is not None:
        return None
    for journal in Journal.all(host):
        if journal.manifest.get("status") in UNFINISHED:
            return _summary(journal)
    return None


def load(host, tx_id: str) -> TxRecord:
    journal = Journal.open(host, tx_id)
    entries = journal.entries
    return TxRecord(summary=_summary(journal),
                    changes=[Change.from_dict(e["change"]) for e in entries],
                    before=[e.get("before") for e in entries],
                    states=[e.get("state", "?") for e in entries],
                    meta=dict(journal.manifest.get("meta") or {}))
