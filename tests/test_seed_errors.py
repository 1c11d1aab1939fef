"""One test per row of seed-errors.md that concerns planning (rows 1-12): the plan does what
audit-facts.md says, not what the popular guide says. Rows 13-17 are tested with the rsyslog
method, the test step and the doctor."""
import pytest

from wizard.cli.plan import render_plan
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n'
RECEIVER = 'role = "receiver"\n'


def plan_of(tmp_path, answers, os_name="almalinux-9", broken=False):
    root = make_demo_root(tmp_path / "root", os_name, broken=broken)
    (tmp_path / "a.toml").write_text(answers)
    session = Session.open(str(root), str(tmp_path / "a.toml"))
    return session, render_plan(session, session.plan())


def written(session, path):
    (change,) = [c for c in session.plan().changes if getattr(c, "path", None) == path]
    return [l.strip() for l in change.content.splitlines() if l.strip() and not l.startswith("#")]


def test_row_01_installs_audispd_plugins_not_audit_libs(tmp_path):
    _, text = plan_of(tmp_path, SENDER)
    assert "$ dnf install -y audispd-plugins" in text and "audit-libs" not in text


@pytest.mark.parametrize("os_name, expected", [
    ("almalinux-8", ["$ service auditd restart"]),
    ("almalinux-9.2", ["$ service auditd restart"]),
    ("almalinux-10", ["$ auditctl --signal stop", "$ systemctl start auditd"]),
])
def test_row_02_restarts_without_systemctl_restart(tmp_path, os_name, expected):
    _, text = plan_of(tmp_path, SENDER, os_name)
    assert all(line in text.splitlines() for line in expected)
    assert "systemctl restart" not in text


def test_row_02_audit_3_0_7_without_service_uses_term(tmp_path):
    from wizard.facts import gather_facts
    from backends.host import Host
    root = make_demo_root(tmp_path / "r", "almalinux-9.2")
    layout = gather_facts(Host.for_root(root)).layout
    assert layout.restart_commands(False) == [["auditctl", "--signal", "TERM"],
                                              ["systemctl", "start", "auditd"]]


def test_row_03_keeps_log_format_choice_and_sets_name_format(tmp_path):
    session, _ = plan_of(tmp_path, SENDER + '[auditd]\nlog_format = "RAW"\n')
    lines = written(session, "/etc/audit/auditd.conf")
    assert "log_format = RAW" in lines and "name_format = hostname" in lines


def test_row_04_no_enable_krb5_in_the_senders_auditd_conf(tmp_path):
    session, text = plan_of(tmp_path, SENDER)
    assert "enable_krb5" not in text
    assert not any(l.startswith("enable_krb5") for l in written(session, "/etc/audit/auditd.conf"))


def test_row_05_and_07_paths_by_version(tmp_path):
    session, text = plan_of(tmp_path, SENDER, "almalinux-8")
    assert "+++ /etc/audit/plugins.d/au-remote.conf" in text
    assert "+++ /etc/audit/audisp-remote.conf" in text
    assert "/etc/audisp/" not in text and "plugins.d/audisp-remote.conf" not in text


def test_row_06_type_always_even_over_the_guides_builtin(tmp_path):
    session, text = plan_of(tmp_path, SENDER, broken=True)
    assert "-type = builtin" in text and "+type = always" in text
    assert "type = always" in written(session, "/etc/audit/plugins.d/au-remote.conf")


def test_row_08_format_managed_replaces_encrypted(tmp_path):
    session, text = plan_of(tmp_path, SENDER, broken=True)
    assert "-format = encrypted" in text
    assert "format = managed" in written(session, "/etc/audit/audisp-remote.conf")
    assert "+format = encrypted" not in text and "+format = ascii" not in text


def test_row_09_network_failure_does_not_stop_forwarding_by_default(tmp_path):
    session, text = plan_of(tmp_path, SENDER)
    assert "-network_failure_action = stop" in text
    assert "network_failure_action = syslog" in written(session, "/etc/audit/audisp-remote.conf")


def test_row_10_semanage_port_not_a_boolean(tmp_path):
    _, text = plan_of(tmp_path, SENDER + "port = 6060\n")
    assert "$ semanage port -a -t audit_port_t -p tcp 6060" in text and "setsebool" not in text
    _, text60 = plan_of(tmp_path / "60", SENDER)
    assert "semanage" not in text60


def test_row_11_firewall_opened_on_the_receiver_not_the_sender(tmp_path):
    _, sender = plan_of(tmp_path / "s", SENDER)
    _, receiver = plan_of(tmp_path / "r", RECEIVER)
    assert "firewall-cmd" not in sender
    assert "--add-port=60/tcp" in receiver


def test_row_12_receiver_listens(tmp_path):
    session, _ = plan_of(tmp_path, RECEIVER + '[receiver]\nclient_ports = "1-1023"\n')
    lines = written(session, "/etc/audit/auditd.conf")
    for line in ("tcp_listen_port = 60", "tcp_max_per_addr = 2", "tcp_client_max_idle = 60",
                 "tcp_listen_queue = 5", "tcp_client_ports = 1-1023"):
        assert line in lines
