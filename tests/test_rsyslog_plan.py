"""The rsyslog method with TLS (gtls and ossl) on senders and receivers of AlmaLinux 8/9/10:
syslog plugin, RainerScript drop-ins, packages, SELinux/firewall, restarts, idempotence,
certificate checks and the lab CA (seed-errors.md rows 1 and 13, audit-facts.md §5)."""
import re

import pytest

from wizard.answers import AnswersError
from wizard.model import Answers
from wizard.plan.errors import PlanError
from wizard.plan.methods.rsyslog_dropins import receiver_dropin
from wizard.session import Session
from wizard.tls import LAB_NOTICE, certificate_names, name_matches
from backends.simulated import load_state, save_state
from tests.security_helpers import (CERT_ALMA9, CERT_LOGS, OSES, all_notes, demo, firewall_opened, kinds,
                                    open_session, put_file, writes)

SENDER = """
role = "sender"
method = "rsyslog"
[remote]
server = "logs.example.com"
[security]
encryption = "tls"
tls_driver = "{driver}"
"""
RECEIVER = """
role = "receiver"
method = "rsyslog"
[receiver]
allowed_senders = ["192.0.2.0/24"]
[security]
encryption = "tls"
tls_driver = "{driver}"
peer_names = ["web01.example.com", "*.dmz.example.com"]
"""
FORWARD = "/etc/rsyslog.d/auditd-wizard-forward.conf"
COLLECT = "/etc/rsyslog.d/auditd-wizard-collect.conf"
PACKAGE = {"gtls": "rsyslog-gnutls", "ossl": "rsyslog-openssl"}
DRIVERS = ["gtls", "ossl"]


def active(text):
    return [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]


def assert_rainerscript(text):
    # seed-errors #13: no legacy `$ModLoad` / `$Action...` directives. The one exception is
    # imjournal's rate limit (issue #10 item 5g): its parameters can only be given where
    # rsyslog.conf loads it, and the legacy directive read after that load sets them.
    legacy = [line for line in active(text) if line.startswith("$")]
    assert legacy in ([], ["$imjournalRatelimitInterval 0"]), text
    assert "$ModLoad" not in text


@pytest.mark.parametrize("os_name", OSES)
@pytest.mark.parametrize("driver", DRIVERS)
def test_sender_plugin_dropin_packages(tmp_path, os_name, driver):
    session = open_session(tmp_path, SENDER.format(driver=driver), os_name)
    files = writes(session)
    plugin = active(files["/etc/audit/plugins.d/syslog.conf"])
    for line in ("active = yes", "path = /sbin/audisp-syslog", "type = always",
                 "args = LOG_INFO LOG_LOCAL6", "format = string"):
        assert line in plugin
    dropin = files[FORWARD]
    assert_rainerscript(dropin)
    assert 'if $syslogfacility-text == "local6" then {' in dropin      # only the audit facility
    for needle in ('type="omfwd"', 'target="logs.example.com"', 'port="6514"', 'protocol="tcp"',
                   'StreamDriver="%s"' % driver, 'StreamDriverMode="1"',
                   'StreamDriverAuthMode="x509/name"', 'StreamDriverPermittedPeers="logs.example.com"',
                   'queue.type="LinkedList"', 'queue.filename="auditd-wizard-forward"',
                   'queue.maxDiskSpace="1g"', 'queue.saveOnShutdown="on"',
                   'action.resumeRetryCount="-1"', 'DefaultNetstreamDriver="%s"' % driver,
                   'DefaultNetstreamDriverCAFile="/etc/pki/rsyslog/ca.pem"'):
        assert needle in dropin, needle
    installed = [n for c in kinds(session, "install-packages") for n in c.names]
    assert "audispd-plugins" in installed and PACKAGE[driver] in installed   # seed-errors #1
    assert not kinds(session, "selinux-port")          # 6514 is syslog_tls_port_t already
    assert not kinds(session, "firewall-rules")        # a sender opens nothing
    restarts = [c.commands() for c in kinds(session, "restart")]
    assert [["systemctl", "restart", "rsyslog"]] in restarts
    assert any("auditd" in " ".join(cmd) for r in restarts for cmd in r)   # syslog.conf changed


@pytest.mark.parametrize("os_name", OSES)
@pytest.mark.parametrize("driver", DRIVERS)
def test_receiver_imtcp_dropin_firewall(tmp_path, os_name, driver):
    session = open_session(tmp_path, RECEIVER.format(driver=driver), os_name)
    files = writes(session)
    dropin = files[COLLECT]
    assert_rainerscript(dropin)
    for needle in ('module(load="imtcp" StreamDriver.Name="%s" StreamDriver.Mode="1"' % driver,
                   'StreamDriver.AuthMode="x509/name"',
                   'PermittedPeer=["web01.example.com", "*.dmz.example.com"]',
                   'input(type="imtcp" port="6514" ruleset="auditd-wizard-remote")',
                   '/var/log/remote/%FROMHOST:::lowercase,secpath-replace%/audit.log',
                   'type="omfile" dynaFile="auditd-wizard-per-host"'):
        assert needle in dropin, needle
    assert "/etc/audit/plugins.d/syslog.conf" not in files    # the receiver forwards nothing
    installed = [n for c in kinds(session, "install-packages") for n in c.names]
    assert PACKAGE[driver] in installed and "audispd-plugins" not in installed
    assert firewall_opened(session) == ['rule family="ipv4" source address="192.0.2.0/24" '
                                        'port port="6514" protocol="tcp" accept']
    assert firewall_opened(session, "port") == []      # only the listed senders, not everyone
    assert [["systemctl", "restart", "rsyslog"]] in [c.commands() for c in kinds(session, "restart")]


@pytest.mark.parametrize("role", ["sender", "receiver"])
def test_non_standard_port_gets_an_rsyslog_port_type(tmp_path, role):
    text = (SENDER if role == "sender" else RECEIVER).format(driver="gtls")
    session = open_session(tmp_path, text + "[rsyslog]\nport = 7514\nfacility = \"local3\"\n")
    ports = [(c.port, c.type) for c in kinds(session, "selinux-port")]
    assert ports == [(7514, "syslog_tls_port_t")]
    if role == "sender":
        assert "args = LOG_INFO LOG_LOCAL3" in writes(session)["/etc/audit/plugins.d/syslog.conf"]
        assert '$syslogfacility-text == "local3"' in writes(session)[FORWARD]


def test_plaintext_rsyslog_uses_syslogd_port_type_and_no_tls(tmp_path):
    session = open_session(tmp_path, 'role = "receiver"\nmethod = "rsyslog"\n[rsyslog]\nport = 10514\n')
    assert [(c.port, c.type) for c in kinds(session, "selinux-port")] == [(10514, "syslogd_port_t")]
    dropin = writes(session)[COLLECT]
    assert "StreamDriver" not in dropin and 'module(load="imtcp")' in dropin


@pytest.mark.parametrize("os_name", OSES)
@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize("template", [SENDER, RECEIVER])
def test_apply_then_plan_is_empty(tmp_path, os_name, driver, template):
    session = open_session(tmp_path, template.format(driver=driver), os_name)
    assert not session.plan().empty
    result = session.apply()
    assert result.ok, result.error
    again = Session.open(str(session.root), str(tmp_path / "answers.toml"))
    assert again.plan().empty, [c.describe() for c in again.plan().changes]


def test_switching_from_native_turns_audisp_remote_off(tmp_path):
    session = open_session(tmp_path, SENDER.format(driver="gtls"))
    put_file(session.root, "/etc/audit/plugins.d/au-remote.conf",
             "active = yes\ndirection = out\npath = /sbin/audisp-remote\ntype = always\n", 0o640)
    session = Session.open(str(session.root), str(tmp_path / "answers.toml"))
    assert "active = no" in writes(session)["/etc/audit/plugins.d/au-remote.conf"]


def test_receiver_with_tls_needs_permitted_peers(tmp_path):
    with pytest.raises(AnswersError, match="security.peer_names: required for a receiver with TLS"):
        open_session(tmp_path, 'role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n')
    session = open_session(tmp_path, 'role = "receiver"\nmethod = "rsyslog"\n')
    assert session.set_field("security.encryption", "tls") is None   # a form fills it in later
    with pytest.raises(PlanError, match="security.peer_names"):
        session.plan()


def test_sender_to_an_ip_address_needs_the_certificate_name(tmp_path):
    answers = SENDER.format(driver="gtls").replace("logs.example.com", "192.0.2.5")
    with pytest.raises(AnswersError, match="security.peer_names: required when the receiver is "
                                           "given by IP address"):
        open_session(tmp_path, answers)
    session = open_session(tmp_path, answers.replace('encryption = "tls"', 'encryption = "none"'))
    assert session.set_field("security.encryption", "tls") is None
    with pytest.raises(PlanError, match="security.peer_names"):
        session.plan()
    session.set_field("security.peer_names", ["logs.example.com"])
    assert 'StreamDriverPermittedPeers="logs.example.com"' in writes(session)[FORWARD]


# ---------------------------------------------------------------- certificates
def test_certificate_names_and_peer_matching():
    assert certificate_names(CERT_LOGS.encode()) == ["logs.example.com"]
    assert certificate_names(b"not a certificate") is None
    assert name_matches("*.example.com", "web01.example.com")
    assert not name_matches("*.example.com", "a.b.example.com")
    assert name_matches("WEB01.example.com", "web01.EXAMPLE.com")


def test_missing_tls_files_are_findings(tmp_path):
    session = open_session(tmp_path, SENDER.format(driver="gtls"))
    report = session.security_report()
    texts = " | ".join(f.text for f in report.cert_findings if f.level == "error")
    for path in ("/etc/pki/rsyslog/ca.pem", "/etc/pki/rsyslog/cert.pem", "/etc/pki/rsyslog/key.pem"):
        assert path in texts
    assert "does not exist yet" in all_notes(session)


def test_receiver_certificate_name_and_key_mode_are_checked_and_fixed(tmp_path):
    session = open_session(tmp_path, RECEIVER.format(driver="gtls"))
    root = session.root
    put_file(root, "/etc/pki/rsyslog/ca.pem", CERT_ALMA9, 0o644)
    put_file(root, "/etc/pki/rsyslog/cert.pem", CERT_LOGS, 0o644)       # wrong name for alma9
    put_file(root, "/etc/pki/rsyslog/key.pem", "key", 0o644)            # world-readable key
    session = Session.open(str(root), str(tmp_path / "answers.toml"))
    findings = {f.subject: f for f in session.security_report().cert_findings if f.level == "error"}
    assert "do not match" in findings["/etc/pki/rsyslog/cert.pem"].text
    assert "mode 0644" in findings["/etc/pki/rsyslog/key.pem"].text
    assert [(c.path, c.mode) for c in kinds(session, "file-attributes")] == [
        ("/etc/pki/rsyslog/key.pem", 0o600)]

    put_file(root, "/etc/pki/rsyslog/cert.pem", CERT_ALMA9, 0o644)
    assert session.apply().ok
    session = Session.open(str(root), str(tmp_path / "answers.toml"))
    report = session.security_report()
    assert [f.text for f in report.cert_findings if f.level == "error"] == []
    assert any("match what the peer expects" in f.text for f in report.cert_findings)


def test_lab_certificates_are_planned_on_the_receiver_and_marked(tmp_path):
    session = open_session(tmp_path, RECEIVER.format(driver="gtls") + "lab_certificates = true\n")
    commands = [c.argv for c in kinds(session, "run-command")]
    assert commands[0][:3] == ["openssl", "req", "-x509"]
    assert commands[0][commands[0].index("-out") + 1] == "/etc/pki/rsyslog/ca.pem"
    signed = [argv[argv.index("-out") + 1] for argv in commands if argv[1] == "x509"]
    assert signed == ["/etc/pki/rsyslog/cert.pem", "/etc/pki/rsyslog/lab/web01.example.com.pem"]
    files = writes(session)
    assert LAB_NOTICE in files["/etc/pki/rsyslog/lab/README"]
    assert "subjectAltName = DNS:alma9.example.com" in files["/etc/pki/rsyslog/lab/alma9.example.com.ext"]
    assert all(LAB_NOTICE in c.describe() for c in kinds(session, "run-command"))
    # the restart of rsyslog comes after the certificates exist
    order = [c.kind for c in session.plan().changes]
    assert max(i for i, k in enumerate(order) if k == "run-command") < order.index("restart")


def test_lab_certificates_are_not_made_again_when_a_ca_exists(tmp_path):
    session = open_session(tmp_path, RECEIVER.format(driver="gtls") + "lab_certificates = true\n")
    put_file(session.root, "/etc/pki/rsyslog/ca.pem", CERT_ALMA9, 0o644)
    session = Session.open(str(session.root), str(tmp_path / "answers.toml"))
    assert not kinds(session, "run-command")
    assert not re.search(r"lab/README", " ".join(writes(session)))


@pytest.mark.parametrize("installed, warned", [("8.2412.0-1.el10", True), ("8.2504.0-1", True),
                                               ("8.2602.0-1", False), ("8.2610.0-1", False)])
def test_ossl_receiver_on_an_rsyslog_that_lets_unlisted_peers_in_is_warned(tmp_path, installed,
                                                                            warned):
    """rsyslog issue #6350 (seen for real with 8.2504: tests/test_realstack_rsyslog_versions.py):
    the plan warns and names gtls; gtls receivers and fixed versions are not warned."""
    root = demo(tmp_path, "almalinux-10")
    state = load_state(root)
    state["packages"]["rsyslog"] = installed
    save_state(root, state)
    for driver in DRIVERS:
        notes = all_notes(open_session(tmp_path, RECEIVER.format(driver=driver), "almalinux-10"))
        expected = warned and driver == "ossl"
        assert ("rsyslog issue #6350" in notes) == expected, (driver, notes)
        if expected:
            assert "rsyslog %s with the ossl driver" % installed in notes
            assert 'security.tls_driver = "gtls"' in notes


def test_doctor_warns_about_an_ossl_receiver_until_gtls_is_chosen(tmp_path):
    session = open_session(tmp_path, RECEIVER.format(driver="ossl"), "almalinux-9")
    assert session.apply().ok
    root = tmp_path / "root"
    found = [f for f in Session.open(str(root)).diagnose() if f.check == "rsyslog-ossl-peers"]
    assert [f.status for f in found] == ["warning"], found
    assert "8.2412.0-1.el9" in found[0].explanation and "#6350" in found[0].explanation
    (tmp_path / "answers.toml").write_text(RECEIVER.format(driver="gtls"))
    assert Session.open(str(root), str(tmp_path / "answers.toml")).apply().ok
    assert not [f for f in Session.open(str(root)).diagnose() if f.check == "rsyslog-ossl-peers"]


@pytest.mark.parametrize("role, port, label", [
    ("receiver", 514, None), ("sender", 514, None),          # rsh_port_t: syslogd_t binds/connects
    ("receiver", 601, None), ("sender", 6514, None),
    ("sender", 443, None),                                   # http_port_t: syslogd_t may connect
    ("receiver", 443, "syslogd_port_t"),                     # ... but not listen there
    ("receiver", 7514, "syslogd_port_t")])
def test_no_label_for_a_port_rsyslog_may_already_use(tmp_path, role, port, label):
    """selinux-policy logging.te lets syslogd_t bind and connect to rsh_port_t (tcp/514),
    syslogd_port_t and syslog_tls_port_t, and connect to http/mysqld/postgresql/wap_wsp
    ports: relabelling such a port (semanage -m) changes it for every service, for nothing
    (issue #10 item 5i)."""
    text = (SENDER if role == "sender" else RECEIVER).format(driver="gtls")
    text = text.replace('encryption = "tls"', 'encryption = "none"')
    session = open_session(tmp_path, text + "[rsyslog]\nport = %d\n" % port)
    ports = [(c.port, c.type) for c in kinds(session, "selinux-port")]
    assert ports == ([(port, label)] if label else [])


@pytest.mark.parametrize("remote_dir", ["/var/log/remote/%msg%", "/var/log/%HOSTNAME%",
                                        "/var/log/a\\\\b"])
def test_rsyslog_template_values_cannot_carry_properties(tmp_path, remote_dir):
    """rsyslog.remote_dir goes into the receiver's template: with '%msg%' in it a sender chose
    the directory (real rsyslogd wrote outside remote_dir). Refused, naming the field, and
    nothing is written (issue #10 item 5h)."""
    toml = RECEIVER.format(driver="gtls") + '[rsyslog]\nremote_dir = "%s"\n' % remote_dir
    with pytest.raises(AnswersError) as refused:
        open_session(tmp_path, toml)
    [message] = refused.value.messages
    assert message.startswith("rsyslog.remote_dir:") and "rsyslog template" in message
    dropin = receiver_dropin(Answers.model_validate({"role": "receiver", "method": "rsyslog"}))
    template = next(l for l in dropin.splitlines() if "string=" in l)
    assert template.count("%") == 2 and "%FROMHOST:" in template and "HOSTNAME" not in template
