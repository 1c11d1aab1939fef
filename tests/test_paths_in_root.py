"""Issue #11 item 6: every path stays in the root. A link out of it is refused with its path
before anything changes (nothing is written, chmod'ed or chown'ed outside); a symlinked config
inside the root is edited at its target and comes back as the link it was."""
import os
from pathlib import Path

import pytest

from backends.changes import FileAttributes, WriteFile
from backends.errors import Refused, UnsafePath
from backends.host import Host
from backends.transaction import Transaction
from tests.fault_harness import tree_snapshot
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n'
RSYSLOG_SENDER = 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
TLS_LAB_RECEIVER = ('role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                    'peer_names = ["web01.example.com"]\nlab_certificates = true\n')


@pytest.fixture
def root(tmp_path):
    return make_demo_root(tmp_path / "root", "almalinux-9")


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious").write_bytes(b"not the wizard's\n")
    os.chmod(str(folder / "precious"), 0o644)
    return folder


def outside_state(folder: Path):
    return {p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_uid, p.stat().st_gid)
            for p in sorted(folder.iterdir())}


def link_folder_out(root: Path, relpath: str, outside: Path) -> None:
    """Replace root/relpath (a folder) by a link to `outside`, its content moved there."""
    folder = root / relpath
    if folder.is_dir():
        for entry in folder.iterdir():
            os.rename(str(entry), str(outside / entry.name))
        folder.rmdir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(str(outside), str(folder))


def session(root: Path, tmp_path: Path, answers: str) -> Session:
    (tmp_path / "answers.toml").write_text(answers)
    return Session.open(str(root), str(tmp_path / "answers.toml"))


def test_a_key_linked_to_a_file_outside_is_never_chmodded(root, outside):
    (root / "etc/pki/rsyslog").mkdir(parents=True)
    os.symlink(str(outside / "precious"), str(root / "etc/pki/rsyslog/key.pem"))
    host = Host.for_root(root)
    before = outside_state(outside), tree_snapshot(root)
    with pytest.raises(Refused) as refused:
        Transaction.run(host, [FileAttributes("/etc/pki/rsyslog/key.pem", mode=0o600, uid=0, gid=0)],
                        label="fix the key")
    assert "/etc/pki/rsyslog/key.pem" in str(refused.value) and str(outside) in str(refused.value)
    assert (outside_state(outside), tree_snapshot(root)) == before


@pytest.mark.parametrize("relpath, answers, shown", [
    ("etc/audit/plugins.d", SENDER, "/etc/audit/plugins.d"),
    ("etc/rsyslog.d", RSYSLOG_SENDER, "/etc/rsyslog.d"),
    ("etc/pki/rsyslog", TLS_LAB_RECEIVER, "/etc/pki/rsyslog"),
])
def test_a_config_folder_linked_outside_refuses_the_apply(root, tmp_path, outside, relpath, answers, shown):
    link_folder_out(root, relpath, outside)
    before = outside_state(outside), tree_snapshot(root)
    with pytest.raises(Refused) as refused:
        session(root, tmp_path, answers).apply()
    assert f"{shown} is a symbolic link to {outside}" in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert (outside_state(outside), tree_snapshot(root)) == before


def test_the_journal_folder_linked_outside_refuses_the_apply(root, tmp_path, outside):
    link_folder_out(root, "var/lib/auditd-wizard", outside)
    the_session = session(root, tmp_path, SENDER)
    before = outside_state(outside), tree_snapshot(root)
    with pytest.raises(UnsafePath, match="/var/lib/auditd-wizard is a symbolic link to"):
        the_session.apply()
    assert (outside_state(outside), tree_snapshot(root)) == before


def test_a_symlinked_config_inside_the_root_is_edited_at_its_target_and_stays_a_link(root, tmp_path):
    audit = root / "etc/audit"
    os.rename(str(audit / "auditd.conf"), str(audit / "auditd.conf.real"))
    os.symlink("auditd.conf.real", str(audit / "auditd.conf"))
    before = tree_snapshot(root)
    the_session = session(root, tmp_path, SENDER + '[auditd]\nlog_format = "RAW"\n')
    result = the_session.apply()
    assert result.ok, result.error
    assert os.readlink(str(audit / "auditd.conf")) == "auditd.conf.real"
    assert "\nlog_format = RAW\n" in (audit / "auditd.conf.real").read_text()
    assert the_session.rollback(result.tx_id).ok
    assert tree_snapshot(root) == before                  # the link and its target, as they were


def test_a_link_replaced_by_a_file_comes_back_as_the_link(root, tmp_path):
    """A link the wizard followed is put back as a link by the undo, whatever stands there."""
    host = Host.for_root(root)
    audit = root / "etc/audit"
    os.rename(str(audit / "auditd.conf"), str(audit / "real.conf"))
    os.symlink("real.conf", str(audit / "auditd.conf"))
    before = tree_snapshot(root)
    change = WriteFile("/etc/audit/auditd.conf", "log_file = /var/log/audit/audit.log\n")
    record = change.capture(host, tmp_path / "backup")
    change.apply(host)
    (audit / "auditd.conf").unlink()                       # a crash of some other tool...
    (audit / "auditd.conf").write_text("a plain file now\n")
    change.undo(host, record)
    assert tree_snapshot(root) == before


def test_resolve_follows_links_only_inside_the_root(root, outside):
    host = Host.for_root(root)
    os.symlink("../usr/sbin", str(root / "etc" / "inside"))
    os.symlink(str(outside), str(root / "etc" / "out"))
    os.symlink("../../..", str(root / "etc" / "up"))
    assert host.resolve("/etc/inside/auditd") == root / "usr/sbin/auditd"
    for path in ("/etc/out/precious", "/etc/up/etc/passwd"):
        with pytest.raises(UnsafePath, match="outside the root"):
            host.resolve(path)
    assert host.read_bytes("/etc/out/precious") is None   # reads never leave the root either
    with pytest.raises(UnsafePath):
        host.resolve("/etc/../etc/passwd")
