"""doctor over roots seeded with each of the guide's mistakes (seed-errors.md): it finds the
mistake, explains it, and its fix makes the finding go away; a clean applied root exits 0."""
import json
import re
import stat
from pathlib import Path

import pytest

from backends.host import Host
from backends.simulated import SimulatedRunner, load_state, save_state
from wizard.cli import main
from wizard.doctor.engine import diagnose
from wizard.doctor.set_aside import SET_ASIDE_DIR
from wizard.facts import gather_facts
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "192.0.2.10"\n'
RECEIVER = 'role = "receiver"\n'


def applied(tmp_path, answers=SENDER, os_name="almalinux-9"):
    root = make_demo_root(tmp_path / "root", os_name)
    path = tmp_path / "answers.toml"
    path.write_text(answers)
    result = Session.open(str(root), str(path)).apply()
    assert result.ok, result.error
    return root


def restart(root):
    """What the admin does after editing: the pretend auditd rereads its files."""
    SimulatedRunner(root).run(["service", "auditd", "restart"], ok_codes=(0, 1))


def edit(root, relpath, old, new):
    path = Path(root) / relpath
    text = path.read_text()
    assert old in text, f"{old!r} not in {relpath}"
    path.write_text(text.replace(old, new, 1))


def finding(session, check):
    found = [f for f in session.diagnose() if f.check == check]
    return found[0] if found else None


def fixed(root, check, status="problem", contains=""):
    """Asserts the finding, applies its fix, asserts it is gone; returns the finding."""
    session = Session.open(str(root))
    before = finding(session, check)
    assert before is not None and before.status == status, before
    assert before.explanation and before.evidence
    assert contains.lower() in (before.explanation + " ".join(before.evidence)).lower()
    assert before.fixes, f"{check}: no fix offered"
    preview = session.fix_preview([before])
    assert preview and all(item.text for item in preview)
    result = session.apply_fixes([before])
    assert result.ok, result.error
    after = finding(Session.open(str(root)), check)
    assert after is None or after.status == "ok", after
    return before


# ------------------------------------------------------------------ clean roots
@pytest.mark.parametrize("os_name", ["almalinux-8", "almalinux-9", "almalinux-10"])
@pytest.mark.parametrize("answers", [SENDER, RECEIVER], ids=["sender", "receiver"])
def test_clean_applied_root_exits_0(tmp_path, capsys, os_name, answers):
    root = applied(tmp_path, answers, os_name)
    assert main(["doctor", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "0 problem(s), 0 warning(s)" in out


def test_json_output_and_exit_3(tmp_path, capsys):
    root = make_demo_root(tmp_path / "root", broken=True)
    assert main(["doctor", "--json", "--root", str(root)]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["role"] == "sender"
    statuses = {f["check"]: f["status"] for f in data["findings"]}
    assert statuses["plugin-strays"] == "problem" and statuses["auditd-service"] == "ok"
    assert all(f["explanation"] for f in data["findings"])


# ------------------------------------------------------------------ one test per row
def test_row_01_missing_audispd_plugins(tmp_path):
    root = applied(tmp_path)
    state = load_state(root)
    state["available"]["audispd-plugins"] = state["packages"].pop("audispd-plugins")
    save_state(root, state)
    before = fixed(root, "packages", contains="audispd-plugins")
    assert before.guide_row == 1


def test_row_02_restart_method_never_systemctl_restart(tmp_path):
    root = applied(tmp_path, os_name="almalinux-10")
    found = finding(Session.open(str(root)), "restart-method")
    assert found.status == "ok"
    assert "auditctl --signal stop then systemctl start auditd" in " ".join(found.evidence)
    assert "never `systemctl restart auditd`" in found.explanation
    state = load_state(root)
    state["missing_commands"] += ["auditctl"]
    save_state(root, state)
    assert finding(Session.open(str(root)), "restart-method").status == "problem"


def test_row_03_name_format_none(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/auditd.conf", "name_format = hostname", "name_format = NONE")
    fixed(root, "name-format", "warning", "cannot tell")


def test_row_04_enable_krb5_on_the_sender(tmp_path):
    root = applied(tmp_path)
    (root / "etc/audit/auditd.conf").open("a").write("enable_krb5 = no\n")
    fixed(root, "auditd-conf-keys", "warning", "transport = KRB5")
    assert "enable_krb5" not in (root / "etc/audit/auditd.conf").read_text()


def test_row_05_guide_plugin_file_name_is_a_second_plugin(tmp_path):
    root = applied(tmp_path)
    (root / "etc/audit/plugins.d/audisp-remote.conf").write_text(
        "active = yes\ndirection = out\npath = /sbin/audisp-remote\ntype = always\n")
    restart(root)
    running = finding(Session.open(str(root)), "plugin-running")
    assert running.status == "warning" and "2 audisp-remote processes" in running.explanation
    fixed(root, "plugin-strays", contains="audisp-remote.conf")
    assert (root / SET_ASIDE_DIR.lstrip("/") / "etc/audit/plugins.d/audisp-remote.conf").is_file()
    assert finding(Session.open(str(root)), "plugin-running").status == "ok"


def test_row_06_type_builtin(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/plugins.d/au-remote.conf", "type = always", "type = builtin")
    before = fixed(root, "plugin-file", contains="obsolete")
    assert "type = always" in before.fix_summary


def test_row_07_el7_path_has_no_effect(tmp_path):
    root = applied(tmp_path)
    (root / "etc/audisp").mkdir()
    (root / "etc/audisp/audisp-remote.conf").write_text("remote_server = 192.0.2.10\n")
    fixed(root, "el7-paths", "warning", "never read /etc/audisp")
    assert not (root / "etc/audisp/audisp-remote.conf").exists()


@pytest.mark.parametrize("value, words", [("encrypted", "does not exist"), ("ascii", "drops")])
def test_row_08_format(tmp_path, value, words):
    root = applied(tmp_path)
    edit(root, "etc/audit/audisp-remote.conf", "format = managed", f"format = {value}")
    restart(root)
    fixed(root, "remote-format", contains=words)
    assert "format = managed" in (root / "etc/audit/audisp-remote.conf").read_text()


def test_row_09_network_failure_action_stop(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/audisp-remote.conf", "network_failure_action = syslog",
         "network_failure_action = stop")
    fixed(root, "failure-actions", "warning", "max_restarts (10) times")


def test_row_10_unlabelled_port_and_its_avc_denial(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/audisp-remote.conf", "port = 60", "port = 6000")
    restart(root)
    session = Session.open(str(root))
    avc = finding(session, "selinux-avc")
    assert avc.status == "problem" and "audisp_remote_t" in " ".join(avc.evidence)
    fixed(root, "selinux-port", contains="no auditd_network_connect")
    restart(root)
    assert finding(Session.open(str(root)), "selinux-avc").status == "ok"


def test_row_11_port_opened_on_the_sender(tmp_path):
    root = applied(tmp_path)
    runner = SimulatedRunner(root)
    for argv in (["firewall-cmd", "--permanent", "--add-port=60/tcp"], ["firewall-cmd", "--add-port=60/tcp"]):
        runner.run(argv)
    fixed(root, "firewall", "warning", "receiver is the end")
    assert "60/tcp" not in runner.run(["firewall-cmd", "--list-ports"]).stdout


def test_row_11_port_closed_on_the_receiver(tmp_path):
    root = applied(tmp_path, RECEIVER)
    runner = SimulatedRunner(root)
    for argv in (["firewall-cmd", "--permanent", "--remove-port=60/tcp"], ["firewall-cmd", "--remove-port=60/tcp"]):
        runner.run(argv)
    fixed(root, "firewall", contains="closed")


def test_row_12_receiver_without_tcp_listen_port(tmp_path):
    root = applied(tmp_path, RECEIVER)
    session = Session.open(str(root))
    conf = root / "etc/audit/auditd.conf"
    conf.write_text(re.sub(r"(?m)^tcp_listen_port = 60\n", "", conf.read_text()))
    findings = diagnose(Host.for_root(root), session.facts, role="receiver")
    listen = [f for f in findings if f.check == "receiver-listen"][0]
    assert listen.status == "problem" and "local_events = no` alone" in listen.explanation
    from wizard.doctor import api
    assert api.apply_fixes(Host.for_root(root), session.facts, [listen]).ok
    again = diagnose(Host.for_root(root), session.facts, role="receiver")
    assert [f.status for f in again if f.check == "receiver-listen"] == ["ok"]
    assert "LISTEN" in " ".join([f for f in again if f.check == "receiver-listen"][0].evidence)


def test_row_13_rsyslog_legacy_listener_for_audisp_remote(tmp_path):
    root = applied(tmp_path, RECEIVER)
    (root / "etc/rsyslog.d/remote-audit.conf").write_text("$ModLoad imtcp\n$InputTCPServerRun 514\n")
    found = fixed(root, "rsyslog-dropins", "warning", "audit's own protocol")
    assert "legacy" in found.explanation
    assert not (root / "etc/rsyslog.d/remote-audit.conf").exists()


def test_row_14_test_entry_in_etc_passwd(tmp_path):
    root = applied(tmp_path)
    (root / "etc/passwd").open("a").write("test entry\n")
    fixed(root, "passwd", contains="test entry")
    assert (root / "etc/passwd").read_text().startswith("root:x:0:0:")
    assert "test entry" not in (root / "etc/passwd").read_text()


def test_row_15_closed_port_is_not_reachable(tmp_path):
    root = applied(tmp_path)
    host = Host.for_root(root)
    facts = gather_facts(host)
    refused = lambda server, port, timeout: (False, f"cannot connect to {server}:{port}: Connection refused")
    found = [f for f in diagnose(host, facts, role="sender", connect=refused)
             if f.check == "remote-reachable"][0]
    assert found.status == "problem" and "not reachable" in found.explanation
    assert "Connection refused" in found.evidence[0]
    sandbox = finding(Session.open(str(root)), "remote-reachable")
    assert sandbox.status == "skipped" and "sandbox: no network" in sandbox.explanation


def test_row_16_keytab_mode(tmp_path):
    root = applied(tmp_path, SENDER + '[security]\nencryption = "kerberos"\n')
    keytab = root / "etc/audit/audisp-remote.key"
    keytab.write_bytes(b"\x05\x02keytab")
    keytab.chmod(0o644)
    fixed(root, "kerberos-keytab", contains="0400")
    assert stat.S_IMODE(keytab.stat().st_mode) == 0o400


def test_row_17_backup_in_plugins_d_and_journal(tmp_path):
    root = applied(tmp_path)
    plugin = root / "etc/audit/plugins.d/au-remote.conf"
    (root / "etc/audit/plugins.d/au-remote.conf~").write_text(plugin.read_text())
    (root / "etc/audit/plugins.d/au-remote.bak").write_text(plugin.read_text())
    (root / "etc/audit/plugins.d/au-remote.conf.orig").write_text(plugin.read_text())
    before = fixed(root, "plugin-strays", contains="au-remote.conf~")
    assert "au-remote.bak" in before.explanation and "au-remote.conf.orig" not in before.explanation
    assert (root / "etc/audit/plugins.d/au-remote.conf.orig").exists()


def test_row_17_audit_4_0_3_loads_only_conf_names(tmp_path):
    """From audit 4.0.3 (EL10) auditd skips a dotted name that does not end in .conf
    (audisp/audispd.c, "file without .conf suffix"); a name without a dot is still loaded."""
    root = applied(tmp_path, os_name="almalinux-10")
    plugin = root / "etc/audit/plugins.d/au-remote.conf"
    (root / "etc/audit/plugins.d/au-remote.conf~").write_text(plugin.read_text())
    (root / "etc/audit/plugins.d/au-remote.bak").write_text(plugin.read_text())
    quiet = finding(Session.open(str(root)), "plugin-strays")
    assert quiet.status == "ok", quiet.explanation
    assert "au-remote.bak" not in quiet.evidence[1] and "*.conf" in quiet.evidence[1]
    (root / "etc/audit/plugins.d/au-remote").write_text(plugin.read_text())
    before = fixed(root, "plugin-strays", contains="au-remote is read")
    assert "au-remote.bak" not in before.explanation and "au-remote.conf~" not in before.explanation


def test_row_17_journal_says_why_the_plugin_died(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/audisp-remote.conf", "remote_server = 192.0.2.10", "remote_server =")
    restart(root)
    session = Session.open(str(root))
    journal = finding(session, "journal")
    assert journal.status == "problem" and "remote_server is not set" in journal.explanation
    assert any("audisp-remote" in line for line in journal.evidence)
    assert finding(session, "plugin-running").status == "problem"
    server = finding(session, "remote-server")
    assert server.status == "problem" and not server.fixes   # no value to put: step 4 asks


def test_syntax_traps_are_repaired(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/audisp-remote.conf", "heartbeat_timeout = 30", "heartbeat_timeout=30")
    edit(root, "etc/audit/audisp-remote.conf", "max_tries_per_record = 3", "max_tries_per_record\t=\t3")
    (root / "etc/audit/audisp-remote.conf").open("a").write("tls_psk_file = /etc/x\n#" + "x" * 140 + "\n")
    before = fixed(root, "config-syntax", contains="unknown key `tls_psk_file`")
    text = (root / "etc/audit/audisp-remote.conf").read_text()
    assert "heartbeat_timeout = 30\n" in text and "max_tries_per_record = 3\n" in text
    assert "tls_psk_file" not in text and "x" * 140 not in text


# ------------------------------------------------------------------ the broken demo
@pytest.mark.parametrize("os_name", ["almalinux-8", "almalinux-9", "almalinux-10"])
def test_broken_demo_every_mistake_found_and_fixed_from_doctor_alone(tmp_path, os_name):
    root = make_demo_root(tmp_path / "root", os_name, broken=True)
    answers = tmp_path / "a.toml"
    answers.write_text(SENDER)
    session = Session.open(str(root), str(answers))
    findings = session.diagnose(role="sender")
    found = {f.check for f in findings if f.status in ("problem", "warning")}
    assert {"plugin-file", "plugin-strays", "el7-paths", "auditd-conf-keys", "remote-format",
            "remote-server", "failure-actions", "name-format", "firewall", "plugin-running",
            "journal", "passwd", "rsyslog-dropins"} <= found
    result = session.apply_fixes([f for f in findings if f.fixes])
    assert result.ok, result.error
    after = Session.open(str(root)).diagnose(role="sender")
    left = {f.check: f.explanation for f in after if f.status in ("problem", "warning")}
    assert left == {}
    assert any(f.check == "plugin-running" and f.status == "ok" for f in after)
