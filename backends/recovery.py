"""What the wizard checks first at start, cheap to import (Welcome shows it before the
planner and the change kinds load): a transaction a kill left half-done, and the temp files
to sweep. backends.transaction does the rest."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from backends.errors import BackendError
from backends.journal import Journal, sweep_temp_files
from backends.lock import HostLock, lock_holder

UNFINISHED = ("applying", "rolling-back")


@dataclass(frozen=True)
class TxSummary:
    id: str
    label: str
    time: str
    status: str
    n_changes: int
    error: Optional[str] = None
    # Later transactions, not rolled back, that touched the same artifacts: this one can be
    # rolled back only after them (newest first), e.g. with --cascade.
    later: Tuple[str, ...] = ()

    @property
    def interrupted(self) -> bool:
        return self.status in UNFINISHED


def summary_of(journal: Journal, later: Tuple[str, ...] = ()) -> TxSummary:
    m = journal.manifest
    return TxSummary(id=m["id"], label=m.get("label", ""), time=m.get("created", ""),
                     status=m.get("status", "?"), n_changes=len(m.get("changes", [])),
                     error=m.get("error"), later=later)


def interrupted(host) -> Optional[TxSummary]:
    """The newest transaction that was killed while applying or rolling back — only when no
    live auditd-wizard holds the lock (otherwise it is simply still running)."""
    if lock_holder(host.state_dir()) is not None:
        return None
    for journal in Journal.all(host):
        if journal.status in UNFINISHED:
            return summary_of(journal)
    return None


def tidy(host) -> List[str]:
    """At start: finish or remove what a kill left half-done — the sandbox's pretend host first,
    then the temp files next to the journals' paths (unless another auditd-wizard is working:
    then it is its business). Returns the temp files removed."""
    tidy_runner = getattr(host.runner, "tidy", None)
    try:
        if tidy_runner is not None:
            tidy_runner()
        if not (host.state_dir() / "transactions").is_dir():
            return []   # nothing was ever applied: and `plan` creates no folder
        lock = HostLock(host.state_dir())
        lock.acquire()
    except (BackendError, OSError):
        return []
    try:
        return sweep_temp_files(host, Journal.all(host))
    except OSError:
        return []
    finally:
        lock.release()
