"""WriteFiles (the ledger's kind): a set of small root-only files written and removed in one
change, each file journaled and undone on its own, each its own artifact for drift and order."""
import os
import stat

import pytest

from backends.changes import RunCommand, WriteFiles
from backends.errors import Refused
from backends.host import Host
from backends.transaction import DriftRefused, OrderRefused, Transaction, rollback
from tests.fault_harness import tree_snapshot
from wizard.sandbox import make_demo_root

LEDGER = "/var/lib/auditd-wizard/ledger"


@pytest.fixture
def host(tmp_path):
    return Host.for_root(make_demo_root(tmp_path / "root"))


def kept(host, name: str, data: bytes, mode: int) -> None:
    real = host.path(f"{LEDGER}/{name}")
    real.parent.mkdir(parents=True, exist_ok=True)
    real.write_bytes(data)
    os.chmod(str(real), mode)


def test_every_file_is_written_root_only_and_rollback_puts_each_back(host):
    kept(host, "old", b"the admin's \xe9 bytes\r\n", 0o640)
    kept(host, "gone", b"removed by the change\n", 0o600)
    before = tree_snapshot(host.root)
    change = WriteFiles(writes={f"{LEDGER}/new/a": "a\n", f"{LEDGER}/old": "b\n"},
                        removes=[f"{LEDGER}/gone", f"{LEDGER}/never-there"], description="ledger")
    assert change.artifacts() == [f"file:{LEDGER}/{n}" for n in ("gone", "never-there", "new/a", "old")]
    result = Transaction.run(host, [change], label="ledger")
    assert result.ok, result.error
    assert host.path(f"{LEDGER}/old").read_bytes() == b"b\n"
    assert stat.S_IMODE(host.path(f"{LEDGER}/old").stat().st_mode) == 0o600
    assert stat.S_IMODE(host.path(f"{LEDGER}/new").stat().st_mode) == 0o700   # a root-only folder
    assert not host.path(f"{LEDGER}/gone").exists()

    assert rollback(host, result.tx_id).restored
    assert tree_snapshot(host.root) == before   # bytes, modes, the new folder gone


def test_a_failure_after_it_undoes_every_file(host):
    kept(host, "x", b"was here\n", 0o600)
    before = tree_snapshot(host.root)
    change = WriteFiles(writes={f"{LEDGER}/x": "x\n", f"{LEDGER}/y": "y\n"}, removes=[f"{LEDGER}/x"])
    result = Transaction.run(host, [change, RunCommand(["no-such-program"])], label="fails after it")
    assert not result.ok and result.failed_index == 1
    assert result.restored and result.undo_errors == []
    assert tree_snapshot(host.root) == before


def test_drift_and_order_are_per_file(host):
    first = Transaction.run(host, [WriteFiles(writes={f"{LEDGER}/a": "1\n", f"{LEDGER}/b": "1\n"})],
                            label="first")
    second = Transaction.run(host, [WriteFiles(writes={f"{LEDGER}/c": "2\n"})], label="second")
    assert first.ok and second.ok
    # another file of a later transaction is neither drift nor a later change of the same artifact
    host.path(f"{LEDGER}/b").write_text("edited\n")
    with pytest.raises(DriftRefused) as refused:
        rollback(host, first.tx_id)
    assert [d.path for d in refused.value.drift] == [f"{LEDGER}/b"]
    third = Transaction.run(host, [WriteFiles(writes={f"{LEDGER}/a": "3\n"})], label="third")
    assert third.ok
    with pytest.raises(OrderRefused) as order:
        rollback(host, first.tx_id, force=True)
    assert order.value.later == [(third.tx_id, [f"file:{LEDGER}/a"])]


def test_a_link_out_of_the_root_is_refused_with_its_path(host, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    host.path(LEDGER).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(str(outside), str(host.path(LEDGER)))
    with pytest.raises(Refused, match="ledger"):
        Transaction.run(host, [WriteFiles(writes={f"{LEDGER}/a": "1\n"})], label="x")
    assert list(outside.iterdir()) == []
