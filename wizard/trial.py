"""Trial apply (like Cockpit's network checkpoints and firewalld's --timeout): apply, test,
and roll back by itself unless the admin confirms in time, even when the wizard or the SSH
session dies meanwhile.

The timer lives outside the wizard's process: on a real host a transient systemd timer
(`systemd-run --on-active=SECONDS ... rollback ID --if-unconfirmed`), in a sandbox a detached
process (its own session) that sleeps and then does the same. Confirmation and the timer's
rollback take the same file lock, so exactly one of them wins."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, List, Optional

from backends import transaction
from backends.atomic import atomic_write
from backends.runner import CommandError
from wizard.relaunch import self_argv

PENDING, CONFIRMED, ROLLED_BACK, FAILED = "pending", "confirmed", "rolled-back", "rollback-failed"


class TrialError(Exception):
    """Nothing to confirm, or the trial already ended; str() says which."""


@dataclass
class Trial:
    tx_id: str
    seconds: int
    deadline: float          # epoch seconds
    status: str = PENDING
    timer: str = ""          # how the rollback is armed (unit name or pid)
    note: str = ""

    @property
    def remaining(self) -> float:
        return max(0.0, self.deadline - time.time())


@dataclass
class TrialResult:
    tx: object                       # backends.transaction.TxResult
    trial: Optional[Trial] = None    # None when the apply failed (it was already rolled back)
    checks: Optional[list] = None    # the step-7 Findings run right after the apply


def _dir(host) -> Path:
    return host.state_dir() / "trials"


def _path(host, tx_id: str) -> Path:
    if not tx_id or "/" in tx_id or tx_id.startswith("."):
        raise TrialError(f"not a transaction id: {tx_id!r}")
    return _dir(host) / f"{tx_id}.json"


@contextmanager
def _locked(host) -> Iterator[None]:
    _dir(host).mkdir(parents=True, exist_ok=True)
    os.chmod(str(_dir(host)), 0o700)
    with open(_dir(host) / "lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _save(host, trial: Trial) -> None:
    atomic_write(_path(host, trial.tx_id), json.dumps(asdict(trial)).encode() + b"\n", 0o600)


def load(host, tx_id: str) -> Trial:
    try:
        return Trial(**json.loads(_path(host, tx_id).read_text()))
    except FileNotFoundError:
        raise TrialError(f"transaction {tx_id} was not applied as a trial") from None


def trials(host) -> List[Trial]:
    folder = _dir(host)
    found = [load(host, p.stem) for p in folder.glob("*.json")] if folder.is_dir() else []
    return sorted(found, key=lambda t: t.deadline, reverse=True)


def pending(host) -> Optional[Trial]:
    return next((t for t in trials(host) if t.status == PENDING), None)


def unit_name(tx_id: str) -> str:
    return f"auditd-wizard-trial-{tx_id}"


def _rollback_argv(host, tx_id: str) -> List[str]:
    argv = self_argv() + ["rollback", tx_id, "--if-unconfirmed"]
    return argv if host.is_real else argv + ["--root", str(host.root)]


def start(host, tx_id: str, seconds: int) -> Trial:
    """Record the trial and arm the rollback timer outside this process."""
    trial = Trial(tx_id, int(seconds), time.time() + int(seconds))
    with _locked(host):
        _save(host, trial)
    if host.is_sandbox or not host.is_real:
        child = subprocess.Popen(
            _rollback_argv(host, tx_id) + ["--after", str(int(seconds))],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=True, start_new_session=True)   # survives the wizard and its terminal
        trial.timer = f"pid {child.pid}"
    else:
        unit = unit_name(tx_id)
        host.runner.run(["systemd-run", f"--unit={unit}", f"--on-active={int(seconds)}s",
                         "--timer-property=AccuracySec=1s", "--description",
                         f"auditd-wizard: roll back {tx_id} unless confirmed",
                         *_rollback_argv(host, tx_id)])
        trial.timer = f"{unit}.timer"
    with _locked(host):
        current = load(host, tx_id)
        if current.status == PENDING:
            current.timer = trial.timer
            _save(host, current)
            return current
        return current


def confirm(host, tx_id: Optional[str] = None) -> Trial:
    """Keep the trial's changes. Raises TrialError when there is nothing to confirm."""
    with _locked(host):
        trial = load(host, tx_id) if tx_id else pending(host)
        if trial is None:
            raise TrialError("no trial apply is waiting for confirmation")
        try:   # keeping a trial on a host with half-made changes would hide them
            transaction.require_no_interrupted(host)
        except transaction.UnfinishedTransaction as error:
            raise TrialError(str(error)) from None
        if trial.status != PENDING:
            raise TrialError(f"transaction {trial.tx_id} is no longer a pending trial "
                             f"(it was {trial.status})")
        trial.status = CONFIRMED
        _save(host, trial)
    if host.is_real and not host.is_sandbox:
        try:   # the timer would only find it confirmed; stopping it keeps the journal quiet
            host.runner.run(["systemctl", "stop", f"{unit_name(trial.tx_id)}.timer"], ok_codes=(0, 5))
        except CommandError:
            pass
    return trial


def rollback_if_unconfirmed(host, tx_id: str) -> Trial:
    """What the timer runs: undo the transaction unless it was confirmed meanwhile."""
    with _locked(host):
        trial = load(host, tx_id)
        if trial.status != PENDING:
            return trial
        result, refusal = None, "the host stayed locked"
        for _attempt in range(30):   # another wizard may hold the host lock for a moment
            try:
                result = transaction.rollback(host, tx_id)
                break
            except transaction.LockedError:
                time.sleep(1)
            except transaction.TransactionError as error:   # changed since, or a later apply
                refusal = str(error)
                break
        trial.status = ROLLED_BACK if result is not None and result.ok else FAILED
        trial.note = "" if result is not None and result.ok else (
            (result.error or "the rollback failed") if result is not None else refusal)
        _save(host, trial)
        return trial
