"""Step 8, native method: Kerberos on senders and receivers of AlmaLinux 8/9/10, keytab
checks and their fixes, kadmin commands, TLS-PSK refusal, access-control notes
(audit-facts.md §2, seed-errors.md rows 8 and 16)."""
import dataclasses
import os

import pytest

from backends.changes import FileAttributes, RunCommand
from wizard.answers import AnswersError
from wizard.cli.main import main
from wizard.facts import Layout
from wizard.kerberos import default_realm
from wizard.plan.errors import PlanError
from wizard.session import Session
from tests.security_helpers import (OSES, FQDN, all_notes, firewall_opened, kinds, open_session,
                                    put_file, writes)

SENDER_KRB = """
role = "sender"
[remote]
server = "logs.example.com"
[security]
encryption = "kerberos"
"""
RECEIVER_KRB = """
role = "receiver"
[security]
encryption = "kerberos"
"""
CLIENT_KEY = "/etc/audit/audisp-remote.key"
SERVER_KEY = "/etc/audit/audit.key"


def lines(text):
    return [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]


@pytest.mark.parametrize("os_name", OSES)
def test_kerberos_sender_writes_krb5_transport_and_managed_format(tmp_path, os_name):
    session = open_session(tmp_path, SENDER_KRB, os_name)
    remote = lines(writes(session)["/etc/audit/audisp-remote.conf"])
    assert "transport = KRB5" in remote and "format = managed" in remote
    assert "transport = tcp" not in remote
    assert not any(l.startswith(("enable_krb5", "tls_")) or "encrypted" in l for l in remote)
    notes = all_notes(session)
    assert "auditd/%s@EXAMPLE.COM" % FQDN[os_name] in notes        # this sender's principal
    assert "auditd/logs.example.com@EXAMPLE.COM" in notes           # what the receiver needs
    assert "/etc/audit/audisp-remote.key" in notes


@pytest.mark.parametrize("os_name", OSES)
def test_kerberos_receiver_writes_krb5_transport(tmp_path, os_name):
    session = open_session(tmp_path, RECEIVER_KRB, os_name)
    auditd = lines(writes(session)["/etc/audit/auditd.conf"])
    assert "transport = KRB5" in auditd
    # the defaults stay as shipped (the stock file spells them out)
    krb5 = [l for l in auditd if l.startswith(("krb5_principal", "krb5_key_file"))]
    assert set(krb5) <= {"krb5_principal = auditd", "krb5_key_file = /etc/audit/audit.key"}
    assert "auditd/%s@EXAMPLE.COM" % FQDN[os_name] in all_notes(session)


def test_receiver_sets_principal_and_key_file_when_not_default(tmp_path):
    answers = RECEIVER_KRB + 'krb5_principal = "audit2"\nkrb5_key_file = "/etc/audit/other.key"\n'
    session = open_session(tmp_path, answers)
    auditd = lines(writes(session)["/etc/audit/auditd.conf"])
    assert "krb5_principal = audit2" in auditd and "krb5_key_file = /etc/audit/other.key" in auditd
    assert "audit2/alma9.example.com@EXAMPLE.COM" in all_notes(session)


def test_sender_with_other_service_name_sets_client_name_and_server_principal(tmp_path):
    session = open_session(tmp_path, SENDER_KRB + 'krb5_principal = "audit2"\n')
    remote = lines(writes(session)["/etc/audit/audisp-remote.conf"])
    assert "krb5_client_name = audit2" in remote
    assert "krb5_principal = audit2/logs.example.com" in remote


@pytest.mark.parametrize("answers,path,who", [(SENDER_KRB, CLIENT_KEY, "audisp-remote"),
                                              (RECEIVER_KRB, SERVER_KEY, "auditd")])
def test_missing_keytab_is_a_finding_with_the_kadmin_commands_and_no_fix(tmp_path, answers, path, who):
    session = open_session(tmp_path, answers)
    report = session.security_report()
    errors = [f for f in report.keytab_findings if f.level == "error"]
    assert len(errors) == 1 and "does not exist" in errors[0].text and who in errors[0].text
    assert ["chmod", "0400", path] in report.kadmin_commands
    assert any(argv[0] == "kadmin" and argv[-1].startswith("ktadd -k %s auditd/" % path)
               for argv in report.kadmin_commands)
    assert not kinds(session, "file-attributes") and not kinds(session, "run-command")
    assert "kadmin -q 'addprinc -randkey auditd/" in all_notes(session)


@pytest.mark.parametrize("mode,uid,problem", [(0o600, 0, "mode 0600"), (0o444, 0, "mode 0444"),
                                              (0o400, 1000, "owned by uid 1000")])
@pytest.mark.parametrize("answers,path", [(SENDER_KRB, CLIENT_KEY), (RECEIVER_KRB, SERVER_KEY)])
def test_wrong_keytab_mode_or_owner_is_found_and_fixed(tmp_path, answers, path, mode, uid, problem):
    session = open_session(tmp_path, answers)
    put_file(session.root, path, b"\x05\x02keytab", mode, uid=uid)
    session = Session.open(str(session.root), str(tmp_path / "answers.toml"))
    errors = [f for f in session.security_report().keytab_findings if f.level == "error"]
    assert len(errors) == 1 and problem in errors[0].text and errors[0].fix
    fixes = kinds(session, "file-attributes")
    assert [(f.path, f.mode, f.uid, f.gid) for f in fixes] == [(path, 0o400, 0, 0)]

    assert session.apply().ok
    st = os.stat(str(session.root / path.lstrip("/")))
    assert (st.st_mode & 0o7777, st.st_uid) == (0o400, 0)
    again = Session.open(str(session.root), str(tmp_path / "answers.toml"))
    assert [f.level for f in again.security_report().keytab_findings if f.subject == path] == ["ok"]
    assert again.plan().empty                       # nothing left to do


def test_good_keytab_needs_nothing(tmp_path):
    session = open_session(tmp_path, SENDER_KRB)
    put_file(session.root, CLIENT_KEY, b"k", 0o400)
    session = Session.open(str(session.root), str(tmp_path / "answers.toml"))
    assert not kinds(session, "file-attributes")
    report = session.security_report()
    assert report.kadmin_commands == [] and not report.problems


def test_run_kadmin_needs_credentials_that_need_no_prompt(tmp_path):
    session = open_session(tmp_path, SENDER_KRB + "run_kadmin = true\n")
    with pytest.raises(PlanError, match="kadmin_principal and security.kadmin_keytab"):
        session.plan()


def test_run_kadmin_plans_principal_keytab_and_mode(tmp_path):
    answers = SENDER_KRB + ('run_kadmin = true\nkadmin_principal = "admin/admin"\n'
                            'kadmin_keytab = "/root/admin.keytab"\n')
    session = open_session(tmp_path, answers)
    commands = [c for c in session.plan().changes if isinstance(c, (RunCommand, FileAttributes))]
    assert [c.argv for c in commands if isinstance(c, RunCommand)] == [
        ["kadmin", "-p", "admin/admin", "-k", "-t", "/root/admin.keytab", "-q",
         "addprinc -randkey auditd/alma9.example.com@EXAMPLE.COM"],
        ["kadmin", "-p", "admin/admin", "-k", "-t", "/root/admin.keytab", "-q",
         "ktadd -k %s auditd/alma9.example.com@EXAMPLE.COM" % CLIENT_KEY]]
    assert isinstance(commands[-1], FileAttributes) and commands[-1].mode == 0o400
    assert "$ dnf install -y" in session.step_preview(1)[0].text + "".join(
        i.text for i in session.step_preview(1))


def test_short_hostname_is_warned_about(tmp_path):
    session = open_session(tmp_path, SENDER_KRB)
    session.facts = dataclasses.replace(session.facts, hostname="alma9")
    assert "short name 'alma9'" in all_notes(session)
    finding = session.security_report().keytab_findings[0]
    assert finding.subject == "hostname" and finding.level == "warning"
    assert "auditd/alma9@EXAMPLE.COM" in finding.text


def test_missing_default_realm_is_reported(tmp_path):
    session = open_session(tmp_path, SENDER_KRB, realm="")
    assert "No default_realm" in all_notes(session)
    assert session.security_report().realm is None
    assert default_realm("[libdefaults]\n default_realm = A.B ; x\n[realms]\n") == "A.B"
    assert default_realm("[realms]\n default_realm = A.B\n") is None


@pytest.mark.parametrize("os_name", OSES + ["almalinux-9.2"])
@pytest.mark.parametrize("role", ["sender", "receiver"])
def test_tls_psk_is_refused_before_audit_4_2_with_the_reason(tmp_path, os_name, role):
    answers = ('role = "%s"\n[remote]\nserver = "logs.example.com"\n[security]\nencryption = "tls"\n'
               % role)
    session = open_session(tmp_path, answers, os_name)
    with pytest.raises(PlanError) as refused:
        session.plan()
    message = str(refused.value)
    assert "audit 4.2" in message and session.facts.audit_version in message
    assert "kerberos" in message and "rsyslog" in message
    report = session.security_report()
    assert report.tls_psk_available is False and "audit 4.2" in report.tls_psk_reason


def test_tls_psk_is_planned_where_audit_has_it(tmp_path):
    session = open_session(tmp_path, 'role = "sender"\n[remote]\nserver = "l.example.com"\n'
                                     '[security]\nencryption = "tls"\n')
    session.facts = dataclasses.replace(session.facts, layout=Layout(audit_version="4.2.1-1"))
    assert "transport = tls" in lines(writes(session)["/etc/audit/audisp-remote.conf"])
    assert session.security_report().tls_psk_available


def test_receiver_access_control_notes(tmp_path):
    answers = ('role = "receiver"\n[receiver]\nallowed_senders = ["192.0.2.0/24"]\n'
               'client_ports = "1-1023"\nmax_per_addr = 1\nclient_max_idle = 0\n')
    session = open_session(tmp_path, answers)
    plan = session.plan()
    notes = "\n".join(plan.steps[8].notes)
    assert "tcp_client_ports = 1-1023" in notes and "192.0.2.0/24" in notes
    # The dead-connection warning is step 6's (where client_max_idle is asked), once.
    assert "op=dup" in "\n".join(plan.steps[6].notes) and "op=dup" not in notes
    assert any('source address="192.0.2.0/24"' in r for r in firewall_opened(session))
    report = session.security_report()
    assert any("op=dup" in n for n in report.access_notes)


def test_no_op_dup_warning_when_idle_connections_are_dropped(tmp_path):
    session = open_session(tmp_path, 'role = "receiver"\n[receiver]\nclient_max_idle = 600\n')
    plan = session.plan()
    assert "op=dup" not in "\n".join(plan.steps[6].notes + plan.steps[8].notes)


# ---------------------------------------------------------------- issue #10 item 5d
def test_krb5_principal_is_a_service_name_not_a_whole_principal(tmp_path):
    """audisp-remote writes krb5_principal as <service>/<server> and auditd compares the client
    principal's first part with it, so a whole principal made
    `auditd/logs.example.com@EXAMPLE.COM/logs.example.com`."""
    with pytest.raises(AnswersError) as refused:
        open_session(tmp_path, SENDER_KRB + 'krb5_principal = "auditd/logs.example.com@EXAMPLE.COM"\n')
    [message] = refused.value.messages
    assert message.startswith("security.krb5_principal:") and "service name" in message
    assert "(like auditd)" in message
    custom = open_session(tmp_path / "custom", SENDER_KRB + 'krb5_principal = "audit-fwd"\n')
    remote = lines(writes(custom)["/etc/audit/audisp-remote.conf"])
    assert "krb5_principal = audit-fwd/logs.example.com" in remote
    assert "krb5_client_name = audit-fwd" in remote


def test_run_kadmin_without_a_default_realm_refuses_instead_of_using_REALM(tmp_path):
    answers = SENDER_KRB + ('run_kadmin = true\nkadmin_principal = "admin/admin"\n'
                            'kadmin_keytab = "/root/admin.keytab"\n')
    session = open_session(tmp_path, answers, realm="")
    blockers = [f.text for f in session.preflight() if f.level == "blocker"]
    assert [b for b in blockers if b.startswith("security.run_kadmin:") and "default_realm" in b]
    argvs = [" ".join(c.argv) for c in session.plan().changes if c.kind == "run-command"]
    assert not [a for a in argvs if "kadmin" in a or "REALM" in a], argvs
    path = tmp_path / "answers.toml"
    assert main(["apply", "--answers", str(path), "--root", str(session.root), "--yes"]) == 2


def test_a_receiver_keytab_outside_etc_audit_is_warned_about(tmp_path):
    session = open_session(tmp_path, RECEIVER_KRB + 'krb5_key_file = "/etc/krb5.keytab"\n')
    assert "/etc/krb5.keytab is outside /etc/audit: SELinux lets auditd read" in all_notes(session)
    # a warning before applying, whether the keytab exists yet or not
    assert [f.level for f in session.preflight() if "outside /etc/audit" in f.text] == ["warning"]
    warned = [f for f in session.security_report().keytab_findings if f.level == "warning"]
    assert warned and "auditd_etc_t" in warned[0].text
    inside = open_session(tmp_path / "in", RECEIVER_KRB + 'krb5_key_file = "/etc/audit/k.key"\n')
    assert "outside /etc/audit" not in all_notes(inside)
