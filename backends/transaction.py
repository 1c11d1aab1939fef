"""Apply a list of Changes as one transaction: check, journal first, apply in order, undo in
reverse.

A change's journal entry goes pending -> applying -> applied (-> undone). The before-state and
the backups are on disk (fsynced) before the change is applied, and what it left ("after") once
it is, so a transaction killed at any point can be rolled back by the next run, and a rollback
can tell what someone changed since (drift) from what the wizard did.

Rules a rollback keeps:
- drift (an admin's edit since the apply) is never overwritten silently: refused, or with
  force the admin's version is kept in the journal first;
- a transaction is undone only when no later one still applied touched the same artifacts
  (else refused, or with cascade the later ones are undone first, newest first);
- it can be resumed after a kill, and re-runs the transaction's restarts at the end.
An interrupted transaction blocks new ones until it is rolled back."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from backends import preflight
from backends.changes import Change
from backends.drift import Drift, KeptCopy, artifact_name, drift_of, first_befores, keep_copies
from backends.errors import Refused, TransactionError, UnfinishedTransaction
from backends.host import STATE_DIR
from backends.journal import Journal, sweep_temp_files
from backends.lock import HostLock, LockedError

# What the first screen needs lives in recovery (light to import); the names stay here too.
from backends.recovery import UNFINISHED, TxSummary, interrupted, summary_of, tidy

__all__ = ["Transaction", "TxEvent", "TxResult", "TxSummary", "TxRecord", "LockedError",
           "TransactionError", "DriftRefused", "OrderRefused", "UnfinishedTransaction",
           "rollback", "history", "interrupted", "load", "tidy", "verify", "VerifyReport"]

ROLLBACK_ALLOWED = ("applied", "applying", "rolling-back", "rollback-incomplete")


class DriftRefused(TransactionError):
    """Something the transactions left was changed since; `drift` lists each artifact."""

    def __init__(self, drift: List[Drift]) -> None:
        self.drift = drift
        names = ", ".join(artifact_name(d.artifact) for d in drift[:5])
        more = f" and {len(drift) - 5} more" if len(drift) > 5 else ""
        super().__init__(f"changed since the wizard applied them: {names}{more}; not rolled back, "
                         "nothing was changed (--force restores them and keeps your versions "
                         "in the journal)")


class OrderRefused(TransactionError):
    """Later transactions, still applied, touched the same artifacts: `later` is
    [(tx_id, [artifacts])], newest first."""

    def __init__(self, tx_id: str, later: List[Tuple[str, List[str]]]) -> None:
        self.tx_id = tx_id
        self.later = later
        names = "; ".join(f"{t} ({', '.join(artifact_name(a) for a in _host_first(arts)[:3])}"
                          f"{' ...' if len(arts) > 3 else ''})" for t, arts in later)
        super().__init__(f"transaction {tx_id} cannot be rolled back before the later "
                         f"transactions that changed the same things: {names}; roll those back "
                         "first, or all of them at once, newest first, with --cascade")


def _host_first(artifacts: List[str]) -> List[str]:
    """What the admin knows (configs, packages, ports) before the wizard's own ledger files."""
    own = "file:" + STATE_DIR + "/"
    return sorted(artifacts, key=lambda a: a.startswith(own))


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
    # What a rollback (or the undo of a failed apply) put back, and what it could not.
    undone: List[str] = field(default_factory=list)
    kept: List[KeptCopy] = field(default_factory=list)      # the admin's versions (--force)
    rolled_back: List[str] = field(default_factory=list)    # ids, newest first (--cascade)
    journal_problem: Optional[str] = None                   # the journal could not be updated

    @property
    def incomplete(self) -> bool:
        """A rollback ran and could not restore everything (its own exit code in the CLI)."""
        return bool(self.undo_errors)


@dataclass
class TxRecord:
    summary: TxSummary
    changes: List[Change]
    before: List[Optional[dict]]
    states: List[str]
    meta: dict
    after: List[Optional[dict]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.summary.id


@dataclass
class VerifyReport:
    """`status`/`verify`: what the wizard owns now (artifacts of transactions still applied)
    and what changed since it left them."""
    checked: int
    transactions: List[str]
    drift: List[Drift]
    unfinished: List[str]


EventSink = Optional[Callable[[TxEvent], None]]


def _message(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(err, (KeyboardInterrupt, SystemExit)):
        return f"interrupted ({type(err).__name__})"
    if isinstance(err, OSError) and err.strerror:
        where = f": {err.filename}" if err.filename else ""
        return f"{err.strerror}{where}"
    return first or type(err).__name__


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


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


@dataclass
class _Undo:
    problems: List[str] = field(default_factory=list)
    undone: List[str] = field(default_factory=list)
    journal_problem: Optional[str] = None


def _save(journal: Journal, report: _Undo) -> None:
    problem = journal.try_save()
    if problem and not report.journal_problem:
        report.journal_problem = problem


def _undo_all(host, journal: Journal, changes: Sequence[Change], emit: Callable[..., None]) -> _Undo:
    """Undo every applied or applying change in reverse order, then re-run every restart the
    transaction ran (also those undone by an earlier, interrupted rollback), so the daemons
    read the restored files. Works from the journal in memory: a journal that can no longer
    be written (a full disk) does not stop the undo. Keeps going after a problem so as much
    as possible is restored."""
    report = _Undo()
    journal.manifest["status"] = "rolling-back"
    _save(journal, report)
    touched = [i for i, entry in enumerate(journal.entries)
               if entry["state"] in ("applied", "applying") or entry.get("undo_error")]
    for i in reversed(touched):
        change, entry = changes[i], journal.entries[i]
        if entry["before"] is None:
            continue  # never captured, so never applied
        emit("undo", i, f"Undo: {change.describe()}")
        try:
            change.undo(host, entry["before"])
            entry["state"], entry["undo_error"] = "undone", None
            report.undone.append(change.describe())
        except Exception as err:
            entry["undo_error"] = _message(err)
            report.problems.append(f"not restored: '{change.describe()}': {_message(err)}")
        _save(journal, report)
    for i, (change, entry) in enumerate(zip(changes, journal.entries)):
        ran = entry.get("before") is not None and entry["state"] in ("applied", "applying", "undone")
        rerun = getattr(change, "rerun", None) if getattr(change, "rerun_after_rollback", False) else None
        if ran and rerun is not None:
            emit("undo", i, f"Run again after the rollback: {change.describe()}")
            try:
                rerun(host)
            except Exception as err:
                report.problems.append(f"'{change.describe()}' after the rollback failed: {_message(err)}")
    sweep_temp_files(host, [journal])
    journal.manifest["status"] = "rollback-incomplete" if report.problems else "rolled-back"
    journal.manifest["undo_errors"] = report.problems
    journal.manifest["finished"] = _now()
    _save(journal, report)
    return report


def _unfinished(host) -> List[Journal]:
    return [j for j in Journal.all(host) if j.status in UNFINISHED]


def require_no_interrupted(host) -> None:
    """Raises UnfinishedTransaction naming `auditd-wizard rollback ID` while an interrupted
    transaction exists (apply, fixes and confirming a trial call it)."""
    for journal in _unfinished(host):
        raise UnfinishedTransaction(journal.tx_id, journal.status)


class Transaction:
    """One apply of a list of Changes on a Host."""

    @classmethod
    def run(cls, host, changes: Sequence[Change], *, label: str, meta: Optional[dict] = None,
            on_event: EventSink = None) -> TxResult:
        """Raises LockedError, UnfinishedTransaction, Refused / NotEnoughSpace (nothing
        changed); otherwise returns the TxResult (a failure is undone before it returns)."""
        changes = list(changes)
        total = len(changes)
        state_dir = host.state_dir()
        with HostLock(state_dir):
            sweep_temp_files(host, Journal.all(host))
            require_no_interrupted(host)
            preflight.check(host, changes, state_dir)
            try:
                journal = Journal.create(host, label, meta, [c.to_dict() for c in changes])
            except OSError as err:
                problems = preflight.space_problems(host, changes, state_dir)
                raise Refused(problems or [f"the journal cannot be written in "
                                                     f"{host.shown(state_dir)}: {_message(err)}"]) from None
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
                    entry["change"] = change.to_dict()   # as applied (an EditFile's content)
                    entry["after"] = change.observe(host)
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
        journal.try_save()
        emit("change-failed", failed_index, message)
        report = _undo_all(host, journal, changes, emit)
        journal_problem = report.journal_problem
        if journal_problem and not report.problems and journal.try_save() is not None:
            # Everything is restored, but the journal on disk may still say "applying", which
            # would block the next apply: a journal that records nothing left is removed.
            if journal.remove():
                journal_problem += "; everything was restored, so this transaction's journal was removed"
        done_text = "rolled back" if not report.problems else "rollback incomplete: " + "; ".join(report.problems)
        emit("done", None, done_text)
        if not isinstance(err, Exception):
            raise err  # Ctrl-C / SystemExit: the host is restored, now let it through
        return TxResult(ok=False, tx_id=journal.tx_id, failed_index=failed_index, error=message,
                        restored=not report.problems, undo_errors=report.problems,
                        undone=report.undone, journal_problem=journal_problem)


# ---------------------------------------------------------------- order

def _later_conflicts(journal: Journal, journals: List[Journal]) -> List[Tuple[Journal, List[str]]]:
    """Later transactions (not rolled back) that must be rolled back before `journal`,
    because they touched its artifacts or those of another such one; newest first."""
    mine = journal.manifest.get("created_ns", 0), journal.tx_id
    later = sorted((j for j in journals
                    if (j.manifest.get("created_ns", 0), j.tx_id) > mine and j.status != "rolled-back"),
                   key=lambda j: (j.manifest.get("created_ns", 0), j.tx_id))
    try:
        owned = set(journal.touched())
    except Exception:
        owned = set()
    found: List[Tuple[Journal, List[str]]] = []
    for other in later:
        try:
            shared = sorted(other.touched() & owned)
        except Exception:
            continue
        if shared:
            found.append((other, shared))
            owned |= other.touched()
    return list(reversed(found))


def _refuse_status(journal: Journal) -> None:
    status = journal.status
    if status == "rolled-back":
        raise TransactionError(f"transaction {journal.tx_id} was already rolled back "
                               f"({journal.manifest.get('finished') or 'earlier'})")
    if status not in ROLLBACK_ALLOWED:
        raise TransactionError(f"transaction {journal.tx_id} cannot be rolled back (status {status})")


def rollback(host, tx_id: str, on_event: EventSink = None, force: bool = False,
             cascade: bool = False) -> TxResult:
    """Undo a finished (or interrupted) transaction, later, by id.

    Raises OrderRefused when later transactions touched the same artifacts (cascade=True
    rolls them back first, newest first, in the same operation), DriftRefused when something
    was changed since (force=True keeps the admin's versions in the journal and restores).
    Nothing is changed when it raises."""
    with HostLock(host.state_dir()):
        journals = Journal.all(host)
        sweep_temp_files(host, journals)
        journal = Journal.open(host, tx_id)
        _refuse_status(journal)
        later = _later_conflicts(journal, journals)
        if later and not cascade:
            raise OrderRefused(tx_id, [(j.tx_id, arts) for j, arts in later])
        members = [j for j, _ in later] + [journal]          # newest first
        plan: List[Tuple[Journal, List[Drift]]] = []
        put_back: Dict[str, object] = {}  # what the newer members' undo leaves each artifact at
        for member in members:
            plan.append((member, drift_of(host, member, put_back)))
            put_back.update(first_befores(member))
        drift = [d for _, ds in plan for d in ds]
        if drift and not force:
            raise DriftRefused(drift)
        result = TxResult(ok=True, tx_id=tx_id, restored=True)
        for member, member_drift in plan:
            # Numbered within each transaction ([i/n] under its "Rolling back ID" line).
            emit = _emitter(on_event, len(member.entries), swallow=True)
            emit("start", None, f"Rolling back {member.tx_id}: {member.manifest.get('label', '')}")
            result.kept += keep_copies(host, member, member_drift)
            report = _undo_all(host, member, member.changes(), emit)
            result.undone += report.undone
            result.undo_errors += [f"{member.tx_id}: {p}" for p in report.problems] if len(members) > 1 \
                else report.problems
            result.journal_problem = result.journal_problem or report.journal_problem
            result.rolled_back.append(member.tx_id)
            emit("done", None, f"{member.tx_id} rolled back" if not report.problems
                 else "; ".join(report.problems))
        result.ok = result.restored = not result.undo_errors
        result.error = "; ".join(result.undo_errors) or None
        return result


# ---------------------------------------------------------------- looking

def history(host) -> List[TxSummary]:
    """Every transaction on this host, newest first, each with the later ones it waits for."""
    journals = Journal.all(host)
    out = []
    for journal in journals:
        later: Tuple[str, ...] = ()
        if journal.status in ROLLBACK_ALLOWED:
            later = tuple(j.tx_id for j, _ in _later_conflicts(journal, journals))
        out.append(summary_of(journal, later))
    return out


def verify(host) -> VerifyReport:
    """Like `rpm -V` for what the wizard owns: each artifact of a transaction still applied is
    compared with the state the newest such transaction left it in."""
    journals = Journal.all(host)   # newest first
    claimed: Set[str] = set()     # artifacts a newer transaction owns
    drift: List[Drift] = []
    checked, applied = 0, []
    for journal in journals:
        if journal.status not in ROLLBACK_ALLOWED:
            continue
        applied.append(journal.tx_id)
        try:
            touched = journal.touched()
        except Exception:
            continue
        newer = {a: None for a in touched & claimed}
        found = drift_of(host, journal)
        drift += [d for d in found if d.artifact not in newer]
        checked += len(touched - claimed)
        claimed |= touched
    unfinished = [j.tx_id for j in journals if j.status in UNFINISHED]
    return VerifyReport(checked=checked, transactions=applied, drift=drift, unfinished=unfinished)


def load(host, tx_id: str) -> TxRecord:
    journal = Journal.open(host, tx_id)
    entries = journal.entries
    return TxRecord(summary=summary_of(journal),
                    changes=journal.changes(),
                    before=[e.get("before") for e in entries],
                    states=[e.get("state", "?") for e in entries],
                    meta=dict(journal.manifest.get("meta") or {}),
                    after=[e.get("after") for e in entries])
