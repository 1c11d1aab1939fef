"""detect round trip: for every answers fixture, apply to a fresh root, detect, and get the
same answers back; what the model cannot hold is reported, not dropped."""
from pathlib import Path

import pytest

from backends.changes import WriteFile
from wizard.answers import load_answers
from wizard.sandbox import make_demo_root
from wizard.session import Session

REPO = Path(__file__).resolve().parent.parent
EXTRA = {
    "sender-minimal": 'role = "sender"\n[remote]\nserver = "192.0.2.10"\n',
    "sender-tuned": 'role = "sender"\n[auditd]\nname_format = "user"\nname = "web01"\n'
                    'log_format = "RAW"\noverflow_action = "single"\n'
                    '[remote]\nserver = "logs.example.com"\nport = 6000\nmode = "forward"\n'
                    'network_failure_action = "single"\nlocal_port = 61\n'
                    'heartbeat_timeout = 30\n',
    "sender-kerberos": 'role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                       '[security]\nencryption = "kerberos"\n',
    "receiver-open": 'role = "receiver"\n[receiver]\nlisten_port = 6000\nmax_per_addr = 4\n'
                     'local_events = false\nclient_ports = "1-1023"\nclient_max_idle = 600\n'
                     'listen_queue = 64\n',
    "receiver-kerberos": 'role = "receiver"\n[security]\nencryption = "kerberos"\n'
                         '[receiver]\nallowed_senders = ["192.0.2.7", "198.51.100.0/24"]\n',
    "rsyslog-sender-plain": 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "192.0.2.10"\n'
                            '[rsyslog]\nport = 1514\nfacility = "local3"\nqueue_max_disk = "512m"\n',
    "rsyslog-sender-gtls": 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
                           '[security]\nencryption = "tls"\ntls_driver = "gtls"\n',
    "rsyslog-sender-ossl": 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "192.0.2.10"\n'
                           '[security]\nencryption = "tls"\ntls_driver = "ossl"\n'
                           'peer_names = ["logs.example.com", "logs2.example.com"]\n'
                           'ca_file = "/etc/pki/tls/certs/ca.pem"\ncert_file = "/etc/pki/tls/certs/me.pem"\n'
                           'key_file = "/etc/pki/tls/private/me.key"\n[rsyslog]\nport = 10514\n'
                           'facility = "local5"\n',
    "rsyslog-sender-stig": 'role = "sender"\nmethod = "rsyslog"\n[auditd]\ndisk_full_action = "single"\n'
                           'disk_error_action = "halt"\n[remote]\nserver = "logs.example.com"\n'
                           '[rsyslog]\nforward = "all"\nlog_remote_access = true\n'
                           '[security]\nencryption = "tls"\n',
    "receiver-disk-actions": 'role = "receiver"\n[auditd]\ndisk_full_action = "syslog"\n'
                             'disk_error_action = "syslog"\n[rsyslog]\nlog_remote_access = true\n',
    "rsyslog-receiver-plain": 'role = "receiver"\nmethod = "rsyslog"\n[rsyslog]\nport = 1514\n'
                              'remote_dir = "/srv/audit-remote"\n',
    "rsyslog-receiver-gtls": 'role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                             'peer_names = ["*.example.com", "web01.example.org"]\n',
    "rsyslog-receiver-ossl-lab": 'role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                                 'tls_driver = "ossl"\npeer_names = ["web01.example.com"]\n'
                                 'lab_certificates = true\n[rsyslog]\nport = 10514\n',
}
FIXTURES = {p.stem: p.read_text() for p in sorted((REPO / "examples").glob("*.toml"))}
FIXTURES.update(EXTRA)


@pytest.mark.parametrize("os_name", ["almalinux-8", "almalinux-9", "almalinux-10"])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_apply_detect_round_trip(tmp_path, name, os_name):
    path = tmp_path / "answers.toml"
    path.write_text(FIXTURES[name])
    wanted = load_answers(str(path))
    root = make_demo_root(tmp_path / "root", os_name)
    assert Session.open(str(root), str(path)).apply().ok
    again = Session.open(str(root))
    assert again.previous_config_found
    assert again.answers.model_dump() == wanted.model_dump()
    assert again.unrepresented == []
    assert again.plan().empty   # rerunning with what was detected changes nothing


def test_unrepresentable_settings_are_reported(tmp_path):
    root = make_demo_root(tmp_path / "root", broken=True)
    session = Session.open(str(root))
    assert session.answers.role == "sender"
    assert any("format = encrypted" in item for item in session.unrepresented)


def test_a_stock_host_is_not_configured(tmp_path):
    session = Session.open(str(make_demo_root(tmp_path / "root")))
    assert not session.previous_config_found


# ---------------------------------------------------------------- the rsyslog method, read robustly
def _applied(tmp_path, name, os_name="almalinux-9"):
    path = tmp_path / "answers.toml"
    path.write_text(FIXTURES[name])
    root = make_demo_root(tmp_path / "root", os_name)
    assert Session.open(str(root), str(path)).apply().ok
    return root, load_answers(str(path))


HAND_WRITTEN_SENDER = """/* the same forwarding, written by hand: other layout, case, quotes and comments */
global(defaultNetstreamDriver='ossl' DefaultNetstreamDriverCAFile="/etc/pki/tls/certs/ca.pem"
 DefaultNetstreamDriverCertFile="/etc/pki/tls/certs/me.pem"  # mine
 DefaultNetstreamDriverKeyFile="/etc/pki/tls/private/me.key")
if $syslogfacility-text == "local5" then { action(type="omfwd" name="auditd-wizard-forward" TARGET="192.0.2.10"
  port="10514" protocol="tcp" streamdriver="ossl" streamdrivermode="1" streamdriverauthmode="x509/name"
  StreamDriverPermittedPeers=["logs.example.com", "logs2.example.com"] queue.type="LinkedList"
  queue.filename="auditd-wizard-forward" queue.maxDiskSpace="1g" queue.saveOnShutdown="on"
  action.resumeRetryCount="-1" action.resumeInterval="10") stop }
"""


def test_a_hand_formatted_rsyslog_dropin_reads_the_same(tmp_path):
    root, wanted = _applied(tmp_path, "rsyslog-sender-ossl")
    (root / "etc/rsyslog.d/auditd-wizard-forward.conf").write_text(HAND_WRITTEN_SENDER)
    again = Session.open(str(root))
    assert again.answers.model_dump() == wanted.model_dump()
    assert again.unrepresented == []


def test_rsyslog_settings_the_answers_cannot_hold_are_reported(tmp_path):
    root, _ = _applied(tmp_path, "rsyslog-sender-gtls")
    dropin = root / "etc/rsyslog.d/auditd-wizard-forward.conf"
    dropin.write_text(dropin.read_text()
                      .replace('protocol="tcp"', 'protocol="udp" queue.size="50000"')
                      .replace('StreamDriverAuthMode="x509/name"', 'StreamDriverAuthMode="anon"'))
    plugin = root / "etc/audit/plugins.d/syslog.conf"
    plugin.write_text(plugin.read_text().replace("LOG_INFO LOG_LOCAL6", "LOG_WARNING LOG_LOCAL6 interpret"))
    (root / "etc/rsyslog.d/10-central.conf").write_text(
        'action(type="omfwd" target="siem.example.com" port="601" protocol="tcp")\n'
        '*.* @@old-loghost.example.com:514\n')
    session = Session.open(str(root))
    assert (session.answers.method, session.answers.remote.server) == ("rsyslog", "logs.example.com")
    notes = "\n".join(session.unrepresented)
    assert "protocol='udp'" in notes and "queue.size='50000'" in notes
    assert "streamdriverauthmode='anon'" in notes
    assert "LOG_WARNING" in notes and "interpret" in notes
    assert "10-central.conf line 1: forwards with omfwd to siem.example.com:601" in notes
    assert "10-central.conf line 2: legacy" in notes
    # the plan puts back what the wizard writes
    assert "/etc/rsyslog.d/auditd-wizard-forward.conf" in [
        c.path for c in session.plan().changes if isinstance(c, WriteFile)]


def test_forwarding_facility_and_plugin_facility_disagree(tmp_path):
    root, _ = _applied(tmp_path, "rsyslog-sender-plain")
    plugin = root / "etc/audit/plugins.d/syslog.conf"
    plugin.write_text(plugin.read_text().replace("LOG_LOCAL3", "LOG_LOCAL4"))
    session = Session.open(str(root))
    assert session.answers.rsyslog.facility == "local4"
    assert any("forwards facility local3, but audit's syslog plugin logs to local4" in n
               for n in session.unrepresented)


def test_rsyslog_receiver_extra_listener_and_other_directory_are_reported(tmp_path):
    root, _ = _applied(tmp_path, "rsyslog-receiver-gtls")
    dropin = root / "etc/rsyslog.d/auditd-wizard-collect.conf"
    dropin.write_text(dropin.read_text().replace("%FROMHOST:::lowercase,secpath-replace%/audit.log", "%FROMHOST-IP%.log")
                      + 'input(type="imtcp" port="20514")\n')
    session = Session.open(str(root))
    assert (session.answers.role, session.answers.security.peer_names) == (
        "receiver", ["*.example.com", "web01.example.org"])
    notes = "\n".join(session.unrepresented)
    assert "a second imtcp input (port 20514)" in notes
    assert "%FROMHOST-IP%.log" in notes


def test_native_and_rsyslog_forwarding_together_are_reported(tmp_path):
    root, _ = _applied(tmp_path, "rsyslog-sender-plain")
    remote = root / "etc/audit/plugins.d/au-remote.conf"
    remote.write_text(remote.read_text().replace("active = no", "active = yes"))
    session = Session.open(str(root))
    assert session.answers.method == "audisp-remote"
    assert any("also forwards with rsyslog" in n for n in session.unrepresented)


def test_the_broken_demos_legacy_listener_is_reported(tmp_path):
    session = Session.open(str(make_demo_root(tmp_path / "root", broken=True)))
    assert any("remote-audit.conf line 2: legacy" in n and "$InputTCPServerRun 514" in n
               for n in session.unrepresented)


@pytest.mark.parametrize("role", ["sender", "receiver"])
def test_encrypt_starts_from_a_plaintext_rsyslog_setup(tmp_path, monkeypatch, role):
    from screens import app
    from wizard import cli
    from wizard.cli import tui
    root, _ = _applied(tmp_path, "rsyslog-%s-plain" % role)
    opened = {}
    monkeypatch.setattr(tui, "need_terminal", lambda: None)   # pytest's stdin is no terminal
    monkeypatch.setattr(app, "run_app", lambda first_look, open_session, start_at=None, ascii_mode=None:
                        opened.update(look=first_look, session=open_session, start_at=start_at) or 0)
    assert cli.main(["encrypt", "--root", str(root)]) == 0
    # run_app gets the openers: the host is read, then the Session opens, after the first frame
    session = opened["session"](opened["look"]())
    assert opened["start_at"] == 8   # the Security step
    assert (session.answers.role, session.answers.method, session.answers.security.encryption) == (
        role, "rsyslog", "none")
    assert session.answers.rsyslog.port == 1514
    assert session.set_field("security.encryption", "tls") is None
    # the receiver's certificate name (the sender's server is an address) / the senders' names
    assert session.set_field("security.peer_names", ["*.example.com"]) is None
    written = {c.path: c.content for c in session.plan().changes if isinstance(c, WriteFile)}
    dropin = "/etc/rsyslog.d/auditd-wizard-%s.conf" % ("forward" if role == "sender" else "collect")
    assert list(written) == [dropin]   # only the drop-in changes: the rest is already there
    assert 'StreamDriverMode="1"' in written[dropin] or 'StreamDriver.Mode="1"' in written[dropin]
    assert "port=\"1514\"" in written[dropin]


def test_a_receiver_dropin_that_filed_by_hostname_is_read_and_rewritten(tmp_path):
    """Before issue #10 item 5f the receiver filed records under %HOSTNAME%, which each sender
    writes itself: detect still reads remote_dir from it, and the plan rewrites the template
    to the connection's name (%FROMHOST%)."""
    root, answers = _applied(tmp_path, "rsyslog-receiver-gtls")
    dropin = root / "etc/rsyslog.d/auditd-wizard-collect.conf"
    dropin.write_text(dropin.read_text().replace("%FROMHOST:::lowercase,secpath-replace%",
                                                 "%HOSTNAME:::secpath-replace%"))
    session = Session.open(str(root))
    assert session.answers.rsyslog.remote_dir == answers.rsyslog.remote_dir
    [write] = [c for c in session.plan().changes if getattr(c, "path", "") == "/etc/rsyslog.d/auditd-wizard-collect.conf"]
    assert "%FROMHOST:::lowercase,secpath-replace%" in write.content and "HOSTNAME" not in write.content
