"""Transaction: journal before apply, rollback on failure and later by id, the lock, interrupted runs."""
import dataclasses
import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import threading
from typing import ClassVar

import pytest

from backends.changes import ChangeError, FileAttributes, RunCommand, ServiceState, WriteFile
from backends.host import Host
from backends.transaction import (LockedError, Transaction, TransactionError, history, interrupted,
                                  load, rollback)
from tests.fault_harness import REPO, _run_child, assert_same, snapshot
from tests.fault_harness import tree_snapshot as snapshot_tree
from tests.test_changes import FakeSystem


@pytest.fixture
def system():
    return FakeSystem()


@pytest.fixture
def host(tmp_path, system):
    audit = tmp_path / "etc" / "audit"
    (audit / "plugins.d").mkdir(parents=True)
    (tmp_path / "var" / "lib").mkdir(parents=True)
    (audit / "auditd.conf").write_text("name_format = NONE\n")
    os.chmod(str(audit / "auditd.conf"), 0o600)
    (tmp_path / "etc" / "krb5.keytab").write_bytes(b"\x05\x02key")
    os.chmod(str(tmp_path / "etc" / "krb5.keytab"), 0o644)
    return Host(tmp_path, system)


def plan():
    return [
        WriteFile("/etc/audit/auditd.conf", "name_format = HOSTNAME\n", group="2"),
        WriteFile("/etc/audit/plugins.d/au-remote.conf", "active = yes\n", group="3"),
        FileAttributes("/etc/krb5.keytab", mode=0o400, uid=0, gid=0, group="8"),
        ServiceState("rsyslog", enabled=True, active=True, group="6"),
        RunCommand(["true"], rerun_after_rollback=True, description="Restart the audit daemon", group="9"),
    ]


@dataclasses.dataclass
class Exploding(RunCommand):
    """A change that always fails (a RunCommand subclass so it serialises like one)."""
    kind: ClassVar[str] = "test-exploding"

    def apply(self, host):
        raise ChangeError("boom: the disk is on fire")


def test_success_writes_the_journal_and_history(host, system):
    events = []
    result = Transaction.run(host, plan(), label="sender setup",
                             meta={"answers": "role = \"sender\"\n", "label": "x"}, on_event=events.append)
    assert result.ok and result.failed_index is None and result.error is None
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", result.tx_id)
    assert host.path("/etc/audit/auditd.conf").read_text() == "name_format = HOSTNAME\n"

    tx_dir = host.state_dir() / "transactions" / result.tx_id
    assert str(tx_dir).startswith(str(host.root / "var" / "lib" / "auditd-wizard"))
    assert stat.S_IMODE(os.stat(str(tx_dir)).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(str(tx_dir / "backups")).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(str(tx_dir / "manifest.json")).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(tx_dir / "backups" / "0")).st_mode) == 0o600
    assert (tx_dir / "backups" / "0").read_text() == "name_format = NONE\n"
    assert not (tx_dir / "backups" / "1").exists()  # a new file has nothing to back up
    manifest = json.loads((tx_dir / "manifest.json").read_text())
    assert manifest["status"] == "applied"
    assert [c["state"] for c in manifest["changes"]] == ["applied"] * 5
    assert manifest["meta"]["answers"] == "role = \"sender\"\n"
    assert sorted(os.listdir(str(host.path("/etc/audit/plugins.d")))) == ["au-remote.conf"]

    assert [e.kind for e in events] == ["start"] + ["change-start", "change-done"] * 5 + ["done"]
    assert [e.index for e in events if e.kind == "change-done"] == [0, 1, 2, 3, 4]
    assert all(e.total == 5 for e in events)

    [summary] = history(host)
    assert (summary.id, summary.label, summary.status, summary.n_changes) == (
        result.tx_id, "sender setup", "applied", 5)
    record = load(host, result.tx_id)
    assert record.changes == plan()
    assert record.states == ["applied"] * 5
    assert record.before[0]["mode"] == 0o600
    assert record.meta["label"] == "x"
    assert interrupted(host) is None


@pytest.mark.parametrize("fail_at", range(5))
def test_failure_at_change_i_rolls_everything_back(host, system, fail_at):
    before, services = snapshot_tree(host.root), repr(system.services)
    changes = plan()
    changes.insert(fail_at, Exploding(["never-run"], group="x"))
    events = []
    result = Transaction.run(host, changes, label="will fail", on_event=events.append)
    assert not result.ok
    assert result.failed_index == fail_at
    assert result.error == "boom: the disk is on fire"
    assert result.restored and result.undo_errors == []
    assert snapshot_tree(host.root) == before
    assert repr(system.services) == services
    assert history(host)[0].status == "rolled-back"
    assert [e.index for e in events if e.kind == "change-failed"] == [fail_at]
    undone = [e.index for e in events if e.kind == "undo" and e.text.startswith("Undo")]
    assert undone == list(range(fail_at, -1, -1))  # the failing one too, in reverse
    states = load(host, result.tx_id).states
    assert states == ["undone"] * (fail_at + 1) + ["pending"] * (len(changes) - fail_at - 1)


def test_the_restart_runs_again_after_the_files_are_restored(host, system):
    changes = plan() + [Exploding(["never-run"])]
    result = Transaction.run(host, changes, label="restart then fail")
    assert not result.ok and result.restored
    runs = [i for i, argv in enumerate(system.log) if argv == ["true"]]
    assert len(runs) == 2  # once in the apply, once after the rollback
    assert runs[-1] == len(system.log) - 1  # the very last thing done
    assert host.path("/etc/audit/auditd.conf").read_text() == "name_format = NONE\n"


def test_command_failure_rolls_back_and_reports_the_command(host, system):
    system.fail_prefix = ["systemctl", "start"]
    result = Transaction.run(host, plan(), label="x")
    assert not result.ok and result.failed_index == 3
    assert result.error == "`systemctl start rsyslog` failed (exit 1): injected failure"
    assert system.services["rsyslog"] == {"enabled": False, "active": False}  # the enable is undone
    assert host.path("/etc/audit/auditd.conf").read_text() == "name_format = NONE\n"


def test_rollback_later_by_id_and_twice_is_a_clear_error(host, system):
    files_before = snapshot_tree(host.root)
    first = Transaction.run(host, plan(), label="first")
    second = Transaction.run(host, [WriteFile("/etc/audit/auditd.conf", "name_format = FQD\n")], label="second")
    assert first.ok and second.ok
    assert [s.id for s in history(host)] == [second.tx_id, first.tx_id]
    assert rollback(host, second.tx_id).ok
    assert host.path("/etc/audit/auditd.conf").read_text() == "name_format = HOSTNAME\n"
    result = rollback(host, first.tx_id)
    assert result.ok and result.restored
    assert snapshot_tree(host.root) == files_before
    assert system.services["rsyslog"] == {"enabled": False, "active": False}
    assert [s.status for s in history(host)] == ["rolled-back", "rolled-back"]
    with pytest.raises(TransactionError, match="already rolled back"):
        rollback(host, first.tx_id)
    with pytest.raises(TransactionError, match="no transaction"):
        rollback(host, "20990101-000000-beef")


def test_a_second_instance_is_refused_while_the_first_applies(host):
    started, release = threading.Event(), threading.Event()
    results = []

    def hold(event):
        if event.kind == "change-start":
            started.set()
            release.wait(10)

    worker = threading.Thread(target=lambda: results.append(
        Transaction.run(host, plan()[:1], label="slow", on_event=hold)))
    worker.start()
    try:
        assert started.wait(10)
        with pytest.raises(LockedError) as caught:
            Transaction.run(host, plan(), label="second")
        assert f"(pid {os.getpid()})" in str(caught.value)
        assert "\n" not in str(caught.value)
        assert interrupted(host) is None  # "applying", but its owner is alive
    finally:
        release.set()
        worker.join(10)
    assert results[0].ok
    assert len(history(host)) == 1


def test_lock_held_by_another_process(host):
    lock = host.state_dir() / "lock"
    script = textwrap.dedent(f"""
        import fcntl, os, sys
        from backends.lock import HostLock
        lock = HostLock({str(host.state_dir())!r}); lock.acquire()
        print("locked", flush=True); sys.stdin.read()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=str(REPO), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert child.stdout.readline().strip() == b"locked"
        with pytest.raises(LockedError, match=rf"another auditd-wizard \(pid {child.pid}\) is changing this host"):
            Transaction.run(host, plan(), label="refused")
        # flock is dropped when its holder dies: removing the file would let two run at once
        assert "remove" not in str(LockedError(lock, child.pid))
        assert host.path("/etc/audit/auditd.conf").read_text() == "name_format = NONE\n"
    finally:
        child.stdin.close()
        child.wait(10)
    assert Transaction.run(host, plan()[:1], label="now free").ok


def test_interrupted_transaction_is_found_and_its_applying_change_undone(tmp_path):
    from tests.fault_harness import make_minimal_root, plain_host
    root = make_minimal_root(tmp_path)
    host = plain_host(root)
    before = snapshot(root)
    changes = [WriteFile("/etc/audit/auditd.conf", "name_format = HOSTNAME\n"),
               WriteFile("/etc/audit/plugins.d/au-remote.conf", "active = yes\n"),
               FileAttributes("/etc/krb5.keytab", mode=0o400, uid=0, gid=0)]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps([c.to_dict() for c in changes]))
    _run_child(root, plan_file, "after-apply", 1, "tests.fault_harness:plain_host")

    assert host.path("/etc/audit/plugins.d/au-remote.conf").exists()  # applied, then killed
    found = interrupted(host)
    assert found is not None and found.status == "applying" and found.n_changes == 3
    assert load(host, found.id).states == ["applied", "applying", "pending"]
    result = rollback(host, found.id)
    assert result.ok and result.restored
    assert interrupted(host) is None
    assert load(host, found.id).states == ["undone", "undone", "pending"]
    assert_same(root, before, "interrupted")


@pytest.mark.parametrize("full_after", range(1, 12))
def test_undo_goes_on_from_memory_when_the_journal_cannot_be_written(host, system, monkeypatch, full_after):
    """Issue #11 item 5: the disk fills up during the apply (the journal's n-th write fails):
    the transaction is undone from what it holds in memory, never left half-applied."""
    import errno
    from backends.journal import Journal
    before, services = snapshot_tree(host.root), repr(system.services)
    real_save, calls = Journal.save, []

    def save(journal):
        calls.append(1)
        if len(calls) > full_after:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(journal)
    monkeypatch.setattr(Journal, "save", save)
    result = Transaction.run(host, plan(), label="disk fills up")
    monkeypatch.setattr(Journal, "save", real_save)
    assert not result.ok and result.restored and not result.undo_errors
    assert "No space left on device" in result.error
    assert snapshot_tree(host.root) == before and repr(system.services) == services
    assert "could not be written" in result.journal_problem
    # The journal on disk says nothing half-done: it was removed, since it recorded nothing left.
    assert interrupted(host) is None and history(host) == []
