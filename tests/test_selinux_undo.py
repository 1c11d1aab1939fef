"""Issue #11 item 8 on a sandbox, through the journal: the undo of a relabelled policy port
deletes the local entry the apply added (it used to leave one with the old type), an old local
type is put back, and a label an admin changed since is drift."""
import pytest

from backends.changes import SELinuxPort
from backends.host import Host
from backends.transaction import DriftRefused, Transaction, rollback
from tests.fault_harness import sim_state
from wizard.sandbox import make_demo_root


@pytest.fixture
def host(tmp_path):
    return Host.for_root(make_demo_root(tmp_path / "root", "almalinux-9"))


def local_ports(host):
    return host.runner.state()["selinux"].get("local_ports", [])


def test_undo_of_a_relabelled_policy_port_deletes_the_local_entry(host):
    before = sim_state(host.root)
    # tcp/514 is rsh_port_t in the policy: the apply needs `semanage port -m`, a local entry.
    result = Transaction.run(host, [SELinuxPort(514, type="syslogd_port_t")], label="relabel")
    assert result.ok and local_ports(host) == [{"port": "tcp/514", "type": "syslogd_port_t"}]
    assert rollback(host, result.tx_id).ok
    assert local_ports(host) == [] and sim_state(host.root) == before
    assert host.runner.run(["semanage", "port", "-l", "-C"]).stdout.strip() == ""


def test_undo_puts_an_old_local_type_back(host):
    host.runner.run(["semanage", "port", "-a", "-t", "http_port_t", "-p", "tcp", "6060"])
    before = sim_state(host.root)
    result = Transaction.run(host, [SELinuxPort(6060, type="audit_port_t")], label="relabel")
    assert result.ok and local_ports(host) == [{"port": "tcp/6060", "type": "audit_port_t"}]
    assert rollback(host, result.tx_id).ok
    assert sim_state(host.root) == before


def test_a_label_changed_since_is_drift(host):
    result = Transaction.run(host, [SELinuxPort(6060, type="audit_port_t")], label="label")
    host.runner.run(["semanage", "port", "-m", "-t", "http_port_t", "-p", "tcp", "6060"])
    with pytest.raises(DriftRefused) as refused:
        rollback(host, result.tx_id)
    [drift] = refused.value.drift
    assert drift.artifact == "selinux-port:tcp/6060"
    assert drift.what == ["local audit_port_t -> http_port_t"]
    assert rollback(host, result.tx_id, force=True).ok and local_ports(host) == []
