"""The real-host code path: `auditd-wizard apply --answers F --yes` on "/" (no --root: ShRunner,
the probe's parsers, the restart logic, dnf, firewall-cmd, semanage) inside two machines booted
with systemd-nspawn from the hosttools root and dressed as AlmaLinux 9.6, on one private
network: a receiver and a sender. Then doctor, `test --expect` on the receiver, a second apply
that changes nothing, and rollback; the real state is checked after each stage
(tests/realstack/realhost.py says what stands in for what)."""
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from backends.runner import CommandError
from backends.simulated import SimulatedRunner
from tests.realstack.conftest import hosttools_root, realstack  # noqa: F401 (fixtures)
from tests.realstack.elhost import ElLab
from tests.realstack.parity import run_sequence
from tests.realstack.realhost import (HOSTNAMES, NETWORK, PORT, machine_specs, run_story)
from tests.realstack.wheelhouse import build_wheelhouse
from wizard.sandbox import make_demo_root, packaged_file

# one worker boots the machines and runs every test here, in this order (--dist loadgroup)
pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack"),
              pytest.mark.xdist_group("realhost")]
SEAMS = Path(__file__).resolve().parent / "realstack" / "seams"
RICH_RULE = ('rule family="ipv4" source address="%s" port port="%d" protocol="tcp" accept'
             % (NETWORK["sender"], PORT))


@pytest.fixture(scope="module")
def lab(hosttools_root, tmp_path_factory):
    work = tmp_path_factory.mktemp("realhost")
    wheelhouse = build_wheelhouse(work / "wheelhouse", hosttools_root)
    with ElLab(work / "lab", hosttools_root, machine_specs(SEAMS)) as booted:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda m: booted.install_wizard(wheelhouse, m), ("receiver", "sender")))
        yield booted


@pytest.fixture(scope="module")
def parity(lab, tmp_path_factory):
    """The parity sequence on the receiver before the story (it leaves the state as it was),
    and on a fresh AlmaLinux 9.6 sandbox."""
    def real(argv):
        ran = lab.run("receiver", argv)
        return ran.exit_code, ran.stdout, ran.stderr
    sandbox = SimulatedRunner(make_demo_root(tmp_path_factory.mktemp("parity") / "root", "almalinux-9"))

    def simulated(argv):
        try:
            done = sandbox.run(argv, ok_codes=range(256))
        except CommandError as error:
            return error.exit_code, error.stdout, error.stderr
        return done.exit_code, done.stdout, done.stderr
    return {"real": run_sequence(real), "simulated": run_sequence(simulated)}


@pytest.fixture(scope="module")
def story(lab, parity):
    seen = run_story(lab)
    seen["boot"] = lab.machines
    return seen


def test_the_simulator_answers_like_the_real_tools(parity):
    """rpm, systemctl, firewall-cmd and semanage, the same sequence on both (realstack/parity.py)."""
    differences = ["%s\n   real:      %r\n   simulated: %r" % (real["argv"], real, simulated)
                   for real, simulated in zip(parity["real"], parity["simulated"]) if real != simulated]
    assert not differences, "\n".join(differences)


def _findings(ran):
    return {f["check"]: f for f in json.loads(ran.stdout)["findings"]}


def test_the_receiver_apply_listens_opens_the_firewall_and_labels_the_port(story):
    assert story["receiver_apply"].exit_code == 0, story["receiver_apply"]
    state = story["receiver_applied"]
    auditd = state["files"]["/etc/audit/auditd.conf"]["text"]
    assert "tcp_listen_port = %d" % PORT in auditd and "local_events = no" in auditd
    for config in ("runtime", "permanent"):            # both, in firewalld's canonical form
        assert state["firewall"][config]["rich_rules"] == [RICH_RULE], state["firewall"]
    assert "audit_port_t                   tcp      %d" % PORT in state["selinux_local"]["stdout"]
    assert state["services"]["auditd"] == {"active": "active", "enabled": "enabled"}
    assert state["auditd_pid"] != story["before"]["receiver"]["auditd_pid"]   # restarted


def test_the_sender_apply_installs_the_plugin_with_dnf_and_edits_the_files_dnf_installed(
        story, hosttools_root):
    assert story["sender_apply"].exit_code == 0, story["sender_apply"]
    before, state = story["before"]["sender"], story["sender_applied"]
    assert "package audispd-plugins is not installed" in before["rpm"]["stdout"]
    assert before["files"]["/etc/audit/audisp-remote.conf"] is None
    assert "audispd-plugins 3.1.5-8.el9" in state["rpm"]["stdout"]
    # The files dnf installed (the package's own, here Debian's text carried by the stand-in
    # RPM, whose comments differ from the wizard's bundled copy) with the wizard's edits made
    # to them: not the bundled copy written over them.
    payload = hosttools_root / "srv/el-build/payload/audispd-plugins"
    for path, edits in (("/etc/audit/audisp-remote.conf",
                         ("remote_server = %s" % HOSTNAMES["receiver"], "port = %d" % PORT,
                          "format = managed", "network_failure_action = syslog")),
                        ("/etc/audit/plugins.d/au-remote.conf",
                         ("active = yes", "path = /sbin/audisp-remote", "type = always"))):
        shipped = (payload / path.lstrip("/")).read_text().splitlines()
        applied = state["files"][path]["text"].splitlines()
        assert shipped[:3] == applied[:3] and shipped[1] != packaged_file("3.1.5", path).splitlines()[1]
        assert all(line in applied for line in edits), applied
        assert len(applied) == len(shipped), (shipped, applied)   # lines edited, none added
    assert "audit_port_t                   tcp      %d" % PORT in state["selinux_local"]["stdout"]
    assert state["audisp_remote"] and state["auditd_pid"] != before["auditd_pid"]
    assert story["sender_start_arrived"], story["receiver_log"][-2000:]


def test_the_probe_reads_the_real_state_right(story):
    """wizard.probe's parsers on the real rpm, systemctl, semanage and firewall-cmd output."""
    receiver, sender = story["probed"]["receiver"], story["probed"]["sender"]
    assert receiver.installed == {"audit": "3.1.5-8.el9", "rsyslog": "8.2412.0-1.el9"}
    assert sender.installed == dict(receiver.installed, **{"audispd-plugins": "3.1.5-8.el9"})
    for state in (receiver, sender):
        assert state.enabled["auditd"] and state.active["auditd"]
        assert state.port_types[("tcp", PORT)] == "audit_port_t"      # the local label
        assert state.local_port_types == {("tcp", PORT): "audit_port_t"}
        assert state.port_types[("tcp", 60)] == state.policy_port_types[("tcp", 60)] == "audit_port_t"
        assert state.port_types[("tcp", 514)] == "rsh_port_t"
        assert state.firewall_running and state.firewall_zone == "public"
    # runtime and permanent apart, the rule in firewalld's canonical form, no open port
    assert receiver.firewall == {"public": {("runtime", "rich-rule", RICH_RULE),
                                            ("permanent", "rich-rule", RICH_RULE)}}
    assert sender.firewall == {"public": set()}


def test_auditd_is_restarted_the_el_way_never_with_systemctl_restart(story):
    restarts = [c["change"] for j in story["journals_applied"]["sender"] for c in j["changes"]
                if c["change"]["kind"] == "restart"]
    assert restarts and all(c["start"] == ["service", "auditd", "restart"] for c in restarts)
    refused = story["systemctl_restart"]
    assert refused.exit_code != 0 and "Operation refused" in refused.stderr   # the EL drop-in


def test_doctor_finds_no_problem_on_either_end(story):
    for machine in ("receiver", "sender"):
        ran = story["doctor"][machine]
        problems = [f for f in _findings(ran).values() if f["status"] == "problem"]
        assert ran.exit_code == 0 and problems == [], ran
    sender = _findings(story["doctor"]["sender"])
    assert sender["remote-reachable"]["status"] == "ok", sender["remote-reachable"]


def test_the_senders_live_test_checks_the_chain_and_says_why_it_cannot_make_an_event(story):
    """`auditd-wizard test` on the sender: auditd, the plugin and the connection are fine;
    `auditctl -m` is refused in a machine without CAP_AUDIT_WRITE, and the test says so with
    auditctl's own words (3.0.9 says "You must be root" even to root without the capability)."""
    ran = story["sender_test"]
    report = json.loads(ran.stdout)
    steps = {s["check"]: s for s in report["steps"]}
    assert ran.exit_code == 3 and report["node"] == HOSTNAMES["sender"], ran
    assert steps["remote-reachable"]["status"] == "ok", steps
    assert steps["test-event"]["status"] == "problem"
    assert "auditctl -m failed" in steps["test-event"]["explanation"]
    assert "CAP_AUDIT_WRITE" in steps["test-event"]["explanation"]
    evidence = steps["test-event"]["evidence"]
    assert evidence[0].startswith("$ auditctl -m ") and "(exit 0)" not in evidence[0], evidence
    assert any("You must be root" in line for line in evidence[1:]), evidence


def test_the_tagged_event_arrives_and_test_expect_finds_it(story):
    assert story["fed"].exit_code == 0, story["fed"]
    expect = story["expect"]
    assert expect.exit_code == 0, expect
    assert "Found the event tagged %s from node %s" % (story["nonce"], HOSTNAMES["sender"]) in expect.stdout
    assert story["expect_other_node"].exit_code == 3, story["expect_other_node"]


def test_the_firewall_lets_in_the_allowed_sender_only(story):
    assert story["connect_allowed"].stdout.strip() == "connected", story["connect_allowed"]
    assert story["connect_stranger"].exit_code == 1, story["connect_stranger"]
    assert "connected" not in story["connect_stranger"].stdout


def test_a_second_apply_changes_nothing(story):
    for machine, ran in story["reapply"].items():
        assert ran.exit_code == 0 and "Nothing to change" in ran.stdout, ran


def test_rollback_puts_the_real_state_back(story):
    for machine in ("receiver", "sender"):
        ran = story["%s_rollback" % machine]
        assert ran.exit_code == 0 and "Rolled back" in ran.stdout, ran
        before, after = story["before"][machine], story["after"][machine]
        for key in ("files", "rpm", "firewall", "selinux_local", "services", "audisp_remote"):
            assert after[key] == before[key], (machine, key)
        assert after["auditd_pid"] != story["%s_applied" % machine]["auditd_pid"]   # restarted
