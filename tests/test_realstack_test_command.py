"""Step 7 for real: the wizard's own commands (not the sandbox) against the real daemons of
the native path, in a private namespace (tests/realstack/scenario_wizard_cli.py):
`auditd-wizard test --expect` finds the sender's tagged test event in a real receiving
auditd's log, and the doctor's connection check tells a closed port from a listening one."""
import pytest

from tests.realstack.configsets import build_native_pair, native_pair_names
from tests.realstack.conftest import config_workdir, realstack  # noqa: F401 (fixtures)
from tests.realstack.native_setup import RECEIVER_PORT, SENDER_HOSTNAME
from tests.realstack.wizard_cli_setup import CLOSED_PORT, run_connect_check, run_expect_arrival

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack")]
PAIR = native_pair_names()[-1]   # the newest release's pair: one namespace per test


def test_expect_finds_the_tagged_event_in_the_receivers_log(config_workdir, tmp_path):
    sender, receiver = build_native_pair(PAIR, config_workdir)
    seen = run_expect_arrival(sender, receiver, tmp_path)
    nonce = seen["nonce"]
    assert seen["connected"] and seen["acks"] == ["acked"] and seen["arrived"], seen["receiver_log"]
    assert "node=%s type=USER" % SENDER_HOSTNAME in seen["receiver_log"]
    found = seen["found"]
    assert found["exit_code"] == 0, found["output"]
    assert "Found the event tagged %s from node %s" % (nonce, SENDER_HOSTNAME) in found["output"]
    log = tmp_path / "receiver-log" / "audit.log"   # where run_native puts the receiver's log
    assert "$ ausearch -if %s -m USER --node %s  (exit 0)" % (log, SENDER_HOSTNAME) in found["output"]
    assert '"ok": true' in seen["json"]["output"] and seen["json"]["exit_code"] == 0
    # another nonce, or the right nonce from another node, is not found
    assert seen["not_found"]["exit_code"] == 3, seen["not_found"]["output"]
    assert "No event tagged %s" % seen["other_nonce"] in seen["not_found"]["output"]
    assert seen["other_node"]["exit_code"] == 3, seen["other_node"]["output"]


def test_doctor_finds_a_closed_port_not_reachable_and_the_receiver_reachable(config_workdir,
                                                                              tmp_path):
    sender, receiver = build_native_pair(PAIR, config_workdir)
    seen = run_connect_check(sender, receiver, tmp_path)
    assert not seen["closed_port_listening"]
    closed, opened = seen["closed"]["finding"], seen["open"]["finding"]
    assert closed is not None, seen["closed"]["output"]
    assert closed["status"] == "problem"
    assert "127.0.0.1:%d is not reachable" % CLOSED_PORT in closed["explanation"]
    assert any("Connection refused" in line for line in closed["evidence"]), closed["evidence"]
    assert seen["closed"]["exit_code"] == 3
    # positive control: the same check against the listening receiver auditd
    assert opened is not None, seen["open"]["output"]
    assert opened["status"] == "ok", opened
    assert "accepts connections on port %d" % RECEIVER_PORT in opened["explanation"]
