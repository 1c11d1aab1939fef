"""Fault-injection harness: any list of Changes, failed or killed at every point, must leave the
sandbox exactly as it was once rolled back.

    n, cases = assert_fault_tolerant(make_root, changes)

`make_root(directory) -> Path` builds a fresh sandbox root (a folder with .sandbox/state.json)
inside `directory`; it is called once per case. The planner's full plan can be passed in later.
"""
import copy
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

from backends.changes import Change, ChangeError
from backends.host import Host
from backends.transaction import Transaction, history, interrupted, rollback

REPO = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "fault_child.py"
JOURNAL_DIR = "var/lib/auditd-wizard"
DEFAULT_HOST_FACTORY = "backends.host:Host.for_root"

# Counters of things that happened (not configuration): a restart that ran, and its re-run after
# the rollback, cannot be "un-happened"; what must match is the configuration and the states.
EVENT_COUNTERS = ("log", "fail", "audit_messages")


def minimal_state() -> dict:
    """A small pretend AlmaLinux 9 in the format of docs/architecture.md (backends/simulated.py)."""
    return {
        "os": "almalinux-9",
        "hostname": "sender.example.test",
        "packages": {"audit": "3.1.5-8.el9", "audit-libs": "3.1.5-8.el9", "rsyslog": "8.2310.0-4.el9"},
        "available": {"audispd-plugins": "3.1.5-8.el9", "rsyslog-gnutls": "8.2310.0-4.el9"},
        "package_files": {
            "audispd-plugins": {
                "etc/audit/audisp-remote.conf": {"content": "remote_server =\nport = 60\n", "mode": 0o640},
                "etc/audit/plugins.d/au-remote.conf": {"content": "active = no\n", "mode": 0o640},
            },
            "rsyslog-gnutls": {},
        },
        "services": {"auditd": {"enabled": True, "active": True, "restarts": 0},
                     "rsyslog": {"enabled": False, "active": False, "restarts": 0}},
        "refuse_manual_stop": ["auditd", "auditd.service"],
        "selinux": {"mode": "Enforcing", "ports": {"tcp/60": "audit_port_t", "tcp/514": "syslogd_port_t"},
                    "local_ports": []},
        "firewall": {"running": True, "default_zone": "public",
                     "runtime": {"public": {"ports": [], "rich_rules": []}},
                     "permanent": {"public": {"ports": [], "rich_rules": []}}},
        "missing_commands": [],
        "fail": [],
        "log": [],
        "audit_messages": [],
    }


def make_minimal_root(directory: Path) -> Path:
    """A sandbox root with a few audit files of assorted modes and owners plus .sandbox/state.json."""
    root = Path(directory) / "root"
    audit = root / "etc" / "audit"
    (audit / "plugins.d").mkdir(parents=True)
    (root / "var" / "lib").mkdir(parents=True)  # like any root: the journal goes below it
    files = {
        audit / "auditd.conf": (b"log_file = /var/log/audit/audit.log\nlog_format = ENRICHED\n"
                                b"name_format = NONE\n", 0o640, 0, 0),
        audit / "plugins.d" / "af_unix.conf": (b"active = no\ndirection = out\n", 0o640, 0, 0),
        root / "etc" / "krb5.keytab": (b"\x05\x02\x00\x00keytab bytes\xff", 0o644, 0, 10),
    }
    for path, (data, mode, uid, gid) in files.items():
        path.write_bytes(data)
        os.chown(str(path), uid, gid)
        os.chmod(str(path), mode)
    (root / ".sandbox").mkdir()
    (root / ".sandbox" / "state.json").write_text(json.dumps(minimal_state(), indent=1))
    return root


class NoCommandsRunner:
    """For plans of file changes only: any command is an error."""

    def run(self, argv, *, ok_codes=(0,), timeout=600, input=None):
        from backends.runner import CommandError
        raise CommandError(argv, 127, stderr="no commands on this test host")

    def has_command(self, program: str) -> bool:
        return False


def plain_host(root) -> Host:
    """A Host for file-only plans (its factory name: "tests.fault_harness:plain_host")."""
    return Host(root, NoCommandsRunner())


# ---------------------------------------------------------------- comparing

def tree_snapshot(root: Path) -> Dict[str, tuple]:
    """Every file, directory and link under root (but the journal and the simulator's state):
    content, mode and owner."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(str(root)):
        rel_dir = os.path.relpath(dirpath, str(root))
        dirnames[:] = [d for d in dirnames
                       if os.path.normpath(os.path.join(rel_dir, d)) not in (JOURNAL_DIR, ".sandbox")]
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            st = os.lstat(full)
            owner = (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
            if stat.S_ISLNK(st.st_mode):
                snap[rel] = ("link", os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                snap[rel] = ("dir",) + owner
            else:
                with open(full, "rb") as handle:
                    snap[rel] = ("file", handle.read()) + owner
    return snap


def _without_empties(value):
    """An absent key and an empty list/dict mean the same to the simulator (it may add e.g. a
    zone's "services": [] the first time it saves)."""
    if isinstance(value, dict):
        cleaned = {k: _without_empties(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_without_empties(v) for v in value]
    return value


def sim_state(root: Path) -> dict:
    """The simulated system's configuration: state.json less its logs and event counters."""
    state = json.loads((Path(root) / ".sandbox" / "state.json").read_text())
    for key in EVENT_COUNTERS:
        state.pop(key, None)
    for service in state.get("services", {}).values():
        for key in [k for k, v in service.items() if isinstance(v, int) and not isinstance(v, bool)]:
            del service[key]  # restarts, starts: how often something ran, not how it is set up
    return _without_empties(state)


def snapshot(root: Path) -> Tuple[Dict[str, tuple], dict]:
    return tree_snapshot(root), sim_state(root)


def assert_same(root: Path, before, case: str) -> None:
    files_before, state_before = before
    files_now, state_now = snapshot(root)
    changed = sorted(k for k in set(files_before) | set(files_now) if files_before.get(k) != files_now.get(k))
    assert not changed, f"{case}: files differ after rollback: {changed}"
    if state_now != state_before:
        keys = sorted(k for k in set(state_now) | set(state_before) if state_now.get(k) != state_before.get(k))
        detail = "; ".join(f"{k}: {state_before.get(k)!r} -> {state_now.get(k)!r}" for k in keys)
        raise AssertionError(f"{case}: simulated state differs after rollback: {detail}")


def _set_fail_rules(root: Path, rules: List[dict]) -> None:
    path = Path(root) / ".sandbox" / "state.json"
    state = json.loads(path.read_text())
    state["fail"] = rules
    path.write_text(json.dumps(state, indent=1))


def _resolve(spec: str) -> Callable:
    import importlib
    module, _, attr = spec.partition(":")
    target = importlib.import_module(module)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


# ---------------------------------------------------------------- the cases

class InjectedFailure(ChangeError):
    pass


def _failing_after_apply(change: Change) -> Change:
    """A copy of `change` that does its work and then fails: the rollback must undo that work."""
    clone = copy.deepcopy(change)
    real_apply = clone.apply

    def apply(host):
        real_apply(host)
        raise InjectedFailure(f"injected failure after '{clone.describe()}'")
    clone.apply = apply  # type: ignore[method-assign]
    return clone


def _first_command(change: Change, host) -> List[str]:
    for line in change.preview(host).splitlines():
        if line.startswith("$ "):
            return shlex.split(line[2:])
    return []


def _check_failed_run(host, changes, index: int, case: str, before) -> None:
    result = Transaction.run(host, changes, label=case)
    assert not result.ok, f"{case}: the transaction did not fail"
    assert result.failed_index == index, f"{case}: failed at {result.failed_index}: {result.error}"
    assert result.restored, f"{case}: rollback incomplete: {result.undo_errors}"
    assert history(host)[0].status == "rolled-back", case
    assert interrupted(host) is None, case
    assert_same(host.root, before, case)


def _run_child(root: Path, plan_file: Path, mode: str, k: int, host_factory: str) -> int:
    env = dict(os.environ)
    env.pop("AUDITD_WIZARD_FAIL", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.run([sys.executable, str(CHILD), str(root), str(plan_file), mode, str(k), host_factory],
                          cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL, (
        f"child {mode} {k} was not killed (exit {proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return proc.returncode


def _check_killed(host, case: str, before) -> None:
    found = interrupted(host)
    if found is None:  # killed on the very last event: the transaction had finished
        latest = history(host)[0]
        assert latest.status == "applied", f"{case}: nothing interrupted and latest is {latest.status}"
        tx_id = latest.id
    else:
        assert found.status == "applying", case
        tx_id = found.id
    result = rollback(host, tx_id)
    assert result.ok and result.restored, f"{case}: {result.error}"
    assert interrupted(host) is None, case
    assert history(host)[0].status == "rolled-back", case
    assert_same(host.root, before, case)


def assert_fault_tolerant(make_root: Callable[[Path], Path], changes: Sequence[Change],
                          host_factory: str = DEFAULT_HOST_FACTORY) -> Tuple[int, int]:
    """Returns (N changes, number of cases checked)."""
    make_host = _resolve(host_factory)
    changes = list(changes)
    n = len(changes)
    cases = 0
    with tempfile.TemporaryDirectory(prefix="fault-") as tmp:
        base = Path(tmp)
        plan_file = base / "plan.json"
        plan_file.write_text(json.dumps([c.to_dict() for c in changes]))

        def fresh(name: str):
            root = make_root(base / name)
            return make_host(root), snapshot(root)

        # The plan really changes the host, and a later rollback by id undoes it all.
        host, before = fresh("whole")
        result = Transaction.run(host, changes, label="whole plan")
        assert result.ok, f"the plan does not apply on the fresh root: {result.error}"
        assert snapshot(host.root) != before, "the plan changes nothing, so it proves nothing"
        assert rollback(host, result.tx_id).restored
        assert_same(host.root, before, "rollback by id")
        cases += 1
        n_events = 2 * n + 2  # start, change-start/change-done for each, done

        for i in range(n):
            # (a1) change i does its work, then fails
            host, before = fresh(f"fail-after-{i}")
            plan = changes[:i] + [_failing_after_apply(changes[i])] + changes[i + 1:]
            _check_failed_run(host, plan, i, f"change {i} fails after applying", before)
            cases += 1
            # (a2) the first command of change i fails in the runner (command kinds)
            host, before = fresh(f"fail-cmd-{i}")
            for earlier in changes[:i]:  # the command change i will run, given the ones before it
                earlier.apply(host)
            argv = _first_command(changes[i], host)
            host, before = fresh(f"fail-command-{i}")
            if argv and host.is_sandbox:
                _set_fail_rules(host.root, [{"argv": argv, "exit_code": 1, "times": 1,
                                             "stderr": "Error: injected by the fault harness"}])
                _check_failed_run(host, changes, i, f"command `{shlex.join(argv)}` of change {i} fails",
                                  before)
                cases += 1

        # (b) killed with SIGKILL at every event, and right after each change's apply
        kills = [("event", k) for k in range(n_events)] + [("after-apply", i) for i in range(n)]
        for mode, k in kills:
            host, before = fresh(f"kill-{mode}-{k}")
            _run_child(host.root, plan_file, mode, k, host_factory)
            _check_killed(host, f"killed at {mode} {k}", before)
            cases += 1
    print(f"fault harness: {n} changes, {cases} cases")
    return n, cases
