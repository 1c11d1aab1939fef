"""SELinux port labels and the restarts that make them take effect (issue #10 items 5a, 5b, 5l).

The kernel asks SELinux (name_bind) about every port a socket binds outside
ip_local_port_range (32768-60999) and below 1024 (security/selinux/hooks.c); audisp_remote_t
may bind only audit_port_t (selinux-policy logging.te). auditd logs a listener that failed to
bind and never tries again (auditd-listen.c: "FIXME: need to restart the network stuff"), and
so does rsyslog's imtcp (runtime/tcpsrv.c "Could not create tcp listener, ignoring port")."""
import pytest

from backends.changes import Restart, SELinuxPort
from backends.simulated import SimulatedRunner
from tests.test_planner import plan_text, session_for
from wizard.export.recording import record_for_export
from wizard.export.system_tasks import selinux_ports as export_ports
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n'


def labels(session):
    return [(c.port, c.type) for c in session.plan().changes if isinstance(c, SELinuxPort)]


@pytest.mark.parametrize("local_port, labelled", [(2000, True), (1023, True), (32767, True),
                                                  (32768, False), (40000, False), (60999, False),
                                                  (61000, True), (65535, True)])
def test_a_local_port_outside_the_ephemeral_range_is_labelled(tmp_path, local_port, labelled):
    session = session_for(tmp_path, "almalinux-9", SENDER + "local_port = %d\n" % local_port)
    assert ((local_port, "audit_port_t") in labels(session)) is labelled
    # The Ansible export labels the same ports (it plans with the default range).
    plan = record_for_export(session.answers)
    assert (local_port in export_ports(session.answers, plan)) is labelled


def test_the_hosts_own_ephemeral_range_decides(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER + "local_port = 40000\n")
    proc = session.root / "proc/sys/net/ipv4/ip_local_port_range"
    proc.parent.mkdir(parents=True)
    proc.write_text("10000\t20000\n")
    session._refresh()
    assert (40000, "audit_port_t") in labels(session)


def test_the_doctor_finds_an_unlabelled_local_port(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER + "local_port = 2000\n"
                          "[selinux]\nmanage = false\n")
    assert session.apply().ok
    found = [f for f in Session.open(str(session.root)).diagnose() if f.check == "selinux-port"]
    assert found and found[0].status == "problem" and "tcp/2000" in found[0].explanation
    assert [(c.port, c.type) for c in found[0].fixes] == [(2000, "audit_port_t")]


def test_port_equal_to_local_port_is_labelled_once(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER + "port = 514\nlocal_port = 514\n")
    assert labels(session) == [(514, "audit_port_t")]


def _restarts(session):
    return [c for c in session.plan().changes if isinstance(c, Restart)]


def test_labelling_the_port_auditd_already_listens_on_restarts_auditd(tmp_path):
    answers = 'role = "receiver"\n[receiver]\nlisten_port = 6060\n'
    session = session_for(tmp_path, "almalinux-9", answers + "[selinux]\nmanage = false\n")
    assert session.apply().ok                       # auditd runs, its listener could not bind
    path = tmp_path / "again.toml"
    path.write_text(answers)
    again = Session.open(str(session.root), str(path))
    changes = again.plan().changes
    assert [c.kind for c in changes] == ["selinux-port", "restart"]
    restart = changes[1]
    assert restart.group == "5" and "listens on tcp/6060" in restart.describe()
    assert again.apply().ok
    log = SimulatedRunner(session.root).state()["log"]
    assert log[-1] == ["service", "auditd", "restart"]


def test_labelling_the_port_rsyslog_listens_on_restarts_rsyslog(tmp_path):
    answers = 'role = "receiver"\nmethod = "rsyslog"\n[rsyslog]\nport = 7514\n'
    session = session_for(tmp_path, "almalinux-9", answers + "[selinux]\nmanage = false\n")
    assert session.apply().ok
    path = tmp_path / "again.toml"
    path.write_text(answers)
    again = Session.open(str(session.root), str(path))
    kinds = [c.kind for c in again.plan().changes]
    assert kinds == ["selinux-port", "restart"]
    assert "listens on tcp/7514" in again.plan().changes[1].describe()


def test_the_restart_is_listed_where_it_runs_after_the_labels(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER + "port = 6060\n")
    changes = session.plan().changes
    restart = _restarts(session)[0]
    assert changes[-1] is restart and restart.group == "5"
    text = plan_text(session)
    assert text.index("semanage port -a -t audit_port_t -p tcp 6060") < text.index("Restart auditd")
    assert "Restart auditd" not in text[:text.index("== Step 5")]


@pytest.mark.parametrize("answers, words", [
    (SENDER, "Restart auditd so it and audisp-remote read the new files"),
    ('role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n',
     "Restart auditd so it reads the new files and starts audit's syslog plugin with them"),
    ('role = "receiver"\n', "Restart auditd so it reads the new files"),
    ('role = "receiver"\nmethod = "rsyslog"\n', "Restart auditd so it reads the new files"),
])
def test_the_restart_says_what_it_is_for(tmp_path, answers, words):
    session = session_for(tmp_path, "almalinux-9", answers)
    assert [r.describe() for r in _restarts(session) if r.unit == "auditd"] == [words]
