"""The crash matrix: apply (or rollback) killed with SIGKILL at random moments, not only at the
transaction's own events, then recovered as an admin would (the next run rolls the interrupted
transaction back). Every case must end with the root byte-identical (content, mode, owner,
links), the simulated system equal, no temp files anywhere, and auditd running the restored
files.

The child and what it started (the simulator's openssl) are killed as a process group, like a
power cut of the whole run. Roots live on a tmpfs when there is one (/dev/shm): a kill is not a
power loss, so fsync adds nothing here but time."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from backends.atomic import TEMP_MARK
from backends.host import Host
from backends.transaction import Transaction, history, interrupted, rollback, tidy
from tests.fault_harness import sim_state, tree_snapshot

REPO = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "crash_child.py"
LOADED = Path(".sandbox") / "auditd-loaded.json"


def scratch_dir() -> str:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(str(shm), os.W_OK):
        return tempfile.mkdtemp(prefix="crash-matrix-", dir=str(shm))
    return tempfile.mkdtemp(prefix="crash-matrix-")


def _loaded(root: Path) -> Optional[dict]:
    try:
        return json.loads((root / LOADED).read_text())
    except FileNotFoundError:
        return None


def temp_files(root: Path) -> List[str]:
    """Leftovers of a killed atomic write anywhere under root (journal and .sandbox too)."""
    found = []
    for dirpath, _dirs, names in os.walk(str(root)):
        found += [os.path.join(dirpath, n) for n in names
                  if n.startswith(".") and n.endswith(".tmp") and TEMP_MARK in n]
    return found


@dataclass
class Baseline:
    files: Dict[str, tuple]
    state: dict
    loaded: Optional[dict]

    @classmethod
    def of(cls, root: Path) -> "Baseline":
        return cls(tree_snapshot(root), sim_state(root), _loaded(root))


@dataclass
class Figures:
    cases: int = 0
    restored: int = 0
    killed_mid_work: int = 0      # the kill landed before the child finished
    failures: List[str] = field(default_factory=list)


def _env() -> dict:
    env = dict(os.environ)
    env.pop("AUDITD_WIZARD_FAIL", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def run_child(args: List[str], delay: Optional[float]) -> Tuple[bool, Optional[dict]]:
    """Start the child, wait for its "go", kill its process group `delay` seconds later (None:
    let it finish). Returns (killed before it finished, its final report or None)."""
    proc = subprocess.Popen([sys.executable, str(CHILD)] + args, cwd=str(REPO), env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        line = proc.stdout.readline()
        if line.strip() != b"go":
            proc.wait(30)
            raise AssertionError(f"child did not start: {line!r} {proc.stderr.read()!r}")
        if delay is not None:
            time.sleep(delay)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    killed = proc.returncode == -signal.SIGKILL
    report = json.loads(out.decode().strip().splitlines()[-1]) if not killed and out.strip() else None
    if not killed and report is None:
        raise AssertionError(f"child failed (exit {proc.returncode}): {err.decode(errors='replace')}")
    return killed, report


def recover(host: Host) -> None:
    """What the admin does next: start the wizard (it tidies), roll back the interrupted
    transaction, or the last apply."""
    tidy(host)
    found = interrupted(host)
    past = history(host)
    if found is None and (not past or past[0].status == "rolled-back"):
        return   # killed before the journal was written, or after the rollback finished
    result = rollback(host, found.id if found is not None else past[0].id)
    assert result.ok and result.restored, f"rollback incomplete: {result.undo_errors}"


def check(root: Path, baseline: Baseline) -> List[str]:
    problems = []
    host = Host.for_root(root)
    files = tree_snapshot(root)
    changed = sorted(k for k in set(files) | set(baseline.files) if files.get(k) != baseline.files.get(k))
    if changed:
        problems.append(f"files differ: {changed[:6]}")
    state = sim_state(root)
    if state != baseline.state:
        keys = sorted(k for k in set(state) | set(baseline.state) if state.get(k) != baseline.state.get(k))
        problems.append(f"simulated state differs: {keys}")
    leftovers = temp_files(root)
    if leftovers:
        problems.append(f"temp files left: {leftovers[:4]}")
    past = history(host)
    if interrupted(host) is not None or (past and past[0].status != "rolled-back"):
        problems.append(f"journal not finished: {past[0].status}")
    if not state.get("services", {}).get("auditd", {}).get("active"):
        problems.append("auditd is not running")
    if _loaded(root) != baseline.loaded:
        problems.append("auditd does not run the restored files (its last start read others)")
    return problems


class Scenario:
    """A template root (copied for each case), the plan, and how long the work takes."""

    def __init__(self, name: str, template: Path, plan_file: Path, seed: int) -> None:
        self.name = name
        self.template = template
        self.plan_file = plan_file
        self.rng = random.Random(seed)
        self.seed = seed
        self.baseline = Baseline.of(template)
        self.scratch = template.parent
        self.apply_seconds = 0.0
        self.rollback_seconds = 0.0

    def fresh(self, label: str) -> Path:
        root = self.scratch / label
        subprocess.run(["cp", "-a", str(self.template), str(root)], check=True)
        return root

    def measure(self, runs: int = 3) -> None:
        """The work's length, the longest of a few uninterrupted runs: one short run on a
        machine whose load then rises put most kills after the end."""
        for run in range(runs):
            root = self.fresh(f"measure-{run}")
            killed, report = run_child([str(root), str(self.plan_file), "apply"], None)
            assert not killed and report["ok"], f"{self.name}: the plan does not apply: {report}"
            self.apply_seconds = max(self.apply_seconds, report["seconds"])
            killed, report = run_child([str(root), "-", "rollback", report["tx_id"]], None)
            assert report["ok"], f"{self.name}: the rollback fails: {report}"
            self.rollback_seconds = max(self.rollback_seconds, report["seconds"])
            problems = check(root, self.baseline)
            assert not problems, f"{self.name}: an uninterrupted apply + rollback: {problems}"
            shutil.rmtree(str(root))

    def kill_apply(self, number: int, figures: Figures) -> None:
        delay = self.rng.uniform(0, self.apply_seconds * 1.1)
        root = self.fresh(f"apply-{number}")
        killed, _ = run_child([str(root), str(self.plan_file), "apply"], delay)
        self._finish(root, f"{self.name}: apply killed after {delay:.3f} s", killed, figures)

    def kill_rollback(self, number: int, figures: Figures) -> None:
        delay = self.rng.uniform(0, self.rollback_seconds * 1.1)
        root = self.fresh(f"rollback-{number}")
        host = Host.for_root(root)
        from backends.changes import Change
        changes = [Change.from_dict(d) for d in json.loads(self.plan_file.read_text())]
        applied = Transaction.run(host, changes, label="crash matrix")
        assert applied.ok, applied.error
        killed, _ = run_child([str(root), "-", "rollback", applied.tx_id], delay)
        self._finish(root, f"{self.name}: rollback killed after {delay:.3f} s", killed, figures)

    def _finish(self, root: Path, case: str, killed: bool, figures: Figures) -> None:
        figures.cases += 1
        figures.killed_mid_work += killed
        try:
            recover(Host.for_root(root))
            problems = check(root, self.baseline)
        except Exception as err:  # reported with the case, never hidden
            problems = [f"{type(err).__name__}: {err}"]
        if problems:
            figures.failures.append(f"{case} (seed {self.seed}): {'; '.join(problems)}")
        else:
            figures.restored += 1
            shutil.rmtree(str(root))
