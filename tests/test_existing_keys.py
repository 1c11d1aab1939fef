"""Issue #11 item 4: nothing is overwritten without a backup. Commands declare the files they
create (openssl's keys and certificates, kadmin's keytab); those are journaled before the command
runs and put back (or removed) by a rollback; an existing key, certificate or keytab is never
overwritten: the plan refuses with the path."""
import os

import pytest

from backends.changes import RunCommand
from backends.errors import Refused
from backends.host import Host
from backends.transaction import Transaction
from tests.fault_harness import tree_snapshot
from wizard import kerberos
from wizard.model import Answers
from wizard.sandbox import make_demo_root
from wizard.plan.errors import PlanError
from wizard.session import Session

TLS_LAB_RECEIVER = ('role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                    'peer_names = ["web01.example.com"]\nlab_certificates = true\n')
PKI = "etc/pki/rsyslog"


@pytest.fixture
def root(tmp_path):
    return make_demo_root(tmp_path / "root", "almalinux-9")


def put(root, relpath, data, mode=0o600):
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(str(path), mode)


def test_a_lab_ca_refuses_when_the_key_and_certificate_exist(root, tmp_path):
    put(root, f"{PKI}/key.pem", b"-----BEGIN PRIVATE KEY-----\nthe admin's key\n")
    put(root, f"{PKI}/cert.pem", b"-----BEGIN CERTIFICATE-----\nthe admin's cert\n", 0o644)
    before = tree_snapshot(root)
    (tmp_path / "answers.toml").write_text(TLS_LAB_RECEIVER)
    session = Session.open(str(root), str(tmp_path / "answers.toml"))
    with pytest.raises(PlanError) as refused:
        session.plan()
    assert "/etc/pki/rsyslog/key.pem" in str(refused.value)
    assert "/etc/pki/rsyslog/cert.pem" in str(refused.value)
    assert "never overwrites" in str(refused.value)
    assert tree_snapshot(root) == before


def test_the_lab_ca_is_journaled_and_its_rollback_leaves_the_admins_files(root, tmp_path):
    put(root, f"{PKI}/README.admin", b"our own notes\n", 0o644)
    before = tree_snapshot(root)
    (tmp_path / "answers.toml").write_text(TLS_LAB_RECEIVER)
    session = Session.open(str(root), str(tmp_path / "answers.toml"))
    result = session.apply()
    assert result.ok, result.error
    assert (root / PKI / "key.pem").is_file() and (root / PKI / "lab/ca-key.pem").is_file()
    record = session.transaction(result.tx_id)
    made = [c for c in record.changes if c.kind == "run-command" and c.argv[0] == "openssl"]
    assert made and all(c.creates and c.new_files_only and c.undo_argv is None for c in made)
    assert session.rollback(result.tx_id).ok
    assert tree_snapshot(root) == before


def test_a_command_never_overwrites_an_existing_output(root):
    put(root, f"{PKI}/key.pem", b"the admin's key\n")
    host = Host.for_root(root)
    before = tree_snapshot(root)
    openssl = RunCommand(["openssl", "genpkey", "-algorithm", "ec", "-out", "/etc/pki/rsyslog/key.pem"],
                         creates=["/etc/pki/rsyslog/key.pem"], new_files_only=True)
    with pytest.raises(Refused, match="/etc/pki/rsyslog/key.pem already exists; it is never overwritten"):
        Transaction.run(host, [openssl], label="new key")
    assert tree_snapshot(root) == before


def test_kadmin_declares_the_keytab_it_writes_and_never_overwrites_one(root):
    answers = Answers.model_validate({"role": "sender", "remote": {"server": "logs.example.com"},
                                      "security": {"encryption": "kerberos", "run_kadmin": True,
                                                   "kadmin_principal": "admin/admin",
                                                   "kadmin_keytab": "/root/admin.keytab"}})
    _add, ktadd, _attrs = kerberos.kadmin_changes(answers, "auditd/a.example.com@EXAMPLE.COM",
                                                  "/etc/audit/audisp-remote.key")
    assert ktadd.creates == ["/etc/audit/audisp-remote.key"] and ktadd.new_files_only
    put(root, "etc/audit/audisp-remote.key", b"\x05\x02existing keytab", 0o400)
    with pytest.raises(Refused, match="audisp-remote.key already exists"):
        Transaction.run(Host.for_root(root), [ktadd], label="keytab")
