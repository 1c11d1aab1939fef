"""Step 7 / `auditd-wizard test`: each step shows what it ran and saw; the test event is a
tagged audit message (never a write to /etc/passwd); the sandbox says it has no network."""
import json

from backends.host import Host
from backends.simulated import load_state, save_state
from wizard.cli import main
from wizard.doctor import delivery
from wizard.facts import gather_facts
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "192.0.2.10"\n'


def applied(tmp_path, answers=SENDER):
    root = make_demo_root(tmp_path / "root")
    path = tmp_path / "a.toml"
    path.write_text(answers)
    assert Session.open(str(root), str(path)).apply().ok
    return root


def test_sender_test_in_the_sandbox(tmp_path):
    root = applied(tmp_path)
    passwd = (root / "etc/passwd").read_bytes()
    progress = []
    report = Session.open(str(root)).run_test(on_progress=lambda i, n, name: progress.append(name))
    steps = {s.check: s for s in report.steps}
    assert steps["auditd-service"].status == "ok" and steps["plugin-running"].status == "ok"
    assert steps["remote-reachable"].status == "skipped"
    assert "sandbox: no network" in steps["remote-reachable"].explanation
    assert steps["test-event"].status == "ok"
    assert f"auditd-wizard test {report.nonce}" in load_state(root)["audit_messages"]
    assert any("$ auditctl -m" in line for line in steps["test-event"].evidence)
    assert steps["arrival"].status == "skipped" and f"--expect {report.nonce}" in steps["arrival"].explanation
    assert f"--node {report.node}" in steps["arrival"].explanation
    assert (root / "etc/passwd").read_bytes() == passwd
    assert progress == ["auditd", "plugin", "connect", "event", "arrival"]
    assert report.ok


def test_auditctl_refused_without_cap_audit_write_is_explained(tmp_path):
    """auditctl -m's own words in a machine without CAP_AUDIT_WRITE (real 3.0.9, exit 4), even
    to root: the step says what they mean there."""
    root = applied(tmp_path)
    state = load_state(root)
    state.setdefault("fail", []).append({"argv": ["auditctl", "-m"], "exit_code": 4,
                                         "stderr": "You must be root to run this program."})
    save_state(root, state)
    steps = {s.check: s for s in Session.open(str(root)).run_test().steps}
    event = steps["test-event"]
    assert event.status == "problem" and "CAP_AUDIT_WRITE" in event.explanation
    assert event.evidence[1:] == ["  You must be root to run this program."], event.evidence


def test_the_connection_uses_the_wizards_own_connect(tmp_path):
    root = applied(tmp_path)
    host = Host.for_root(root)
    calls = []

    def refused(server, port, timeout):
        calls.append((server, port, timeout))
        return False, f"cannot connect to {server}:{port}: Connection refused"
    report = delivery.test_sender(host, gather_facts(host), refused, timeout=2)
    step = [s for s in report.steps if s.check == "remote-reachable"][0]
    assert calls == [("192.0.2.10", 60, 2)]
    assert step.status == "problem" and not report.ok
    assert not any("telnet" in argv for argv in load_state(root)["log"])


def test_real_tcp_connect_to_a_closed_and_an_open_port():
    import socket
    from wizard.doctor.context import tcp_connect
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    assert tcp_connect("127.0.0.1", port, 2)[0]
    server.close()
    connected, text = tcp_connect("127.0.0.1", port, 2)
    assert not connected and "refused" in text.lower()


def test_ssh_search_argv_in_the_sandbox_is_shown_not_run(tmp_path):
    root = applied(tmp_path)
    report = Session.open(str(root)).run_test(receiver_ssh="admin@logs")
    arrival = [s for s in report.steps if s.check == "arrival"][0]
    assert arrival.status == "skipped" and "sandbox: no network" in arrival.explanation
    assert "ssh -o BatchMode=yes -o ConnectTimeout=10 -- admin@logs auditd-wizard test --expect" \
        in arrival.explanation
    assert not any(argv[0] == "ssh" for argv in load_state(root)["log"])


def test_expect_finds_a_tagged_event_in_the_log(tmp_path):
    root = applied(tmp_path)
    session = Session.open(str(root))
    report = session.run_test()
    found = session.expect_test_event(report.nonce, node=report.node, wait=0)
    assert found.ok and found.steps[0].status == "ok"
    missing = session.expect_test_event(report.nonce, node="other-host", wait=0)
    assert not missing.ok and "sandbox: no sender" in missing.steps[0].explanation


def test_expect_reads_a_given_received_log(tmp_path):
    root = applied(tmp_path, 'role = "receiver"\n')
    log = root / "var/log/audit/remote.log"
    log.write_text("node=web01 type=USER msg=audit(1.0:1): msg='text=auditd-wizard test 4242 res=success'\n")
    session = Session.open(str(root))
    assert session.expect_test_event("4242", "web01", 0, "/var/log/audit/remote.log").ok
    assert not session.expect_test_event("4242", "db01", 0, "/var/log/audit/remote.log").ok


def test_cli_exit_codes_and_json(tmp_path, capsys):
    root = applied(tmp_path)
    assert main(["test", "--json", "--root", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and [s["check"] for s in data["steps"]][-1] == "arrival"
    assert main(["test", "--expect", "0123456789ab", "--wait", "0", "--root", str(root)]) == 3
    assert "No event tagged 0123456789ab" in capsys.readouterr().out
