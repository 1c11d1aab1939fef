"""End to end over the native path with the real daemons, in a private namespace:
sender auditd -> au-remote -> audisp-remote -> receiver auditd -> ausearch. The sender and
receiver files are the wizard's (or the fixtures when the wizard is absent); only
local_events and test-only keys differ, in copies (see tests/realstack/native_setup.py)."""
import re

import pytest

from tests.realstack.configsets import build_native_pair, native_pair_names
from tests.realstack.conftest import config_workdir, realstack  # noqa: F401 (fixtures)
from tests.realstack.native_setup import SENDER_HOSTNAME, run_native

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack")]
PAIRS = native_pair_names()


def _pair(name, workdir):
    return build_native_pair(name, workdir)


@pytest.mark.parametrize("pair", PAIRS)
def test_sender_start_and_injected_record_reach_the_receiver(pair, config_workdir, tmp_path):
    sender, receiver = _pair(pair, config_workdir)
    seen = run_native("native-chain", sender, receiver, tmp_path)
    searches = seen["searches"]
    assert seen["acks"] == ["acked"]
    # name_format = hostname on the sender labels its own DAEMON_START ...
    assert searches["daemon_start"]["exit_code"] == 0, searches["daemon_start"]["output"]
    assert "node=%s type=DAEMON_START" % SENDER_HOSTNAME in searches["daemon_start"]["output"]
    # ... and the injected record arrives under the same node.
    assert searches["user"]["exit_code"] == 0 and seen["marker"] in searches["user"]["output"]
    # ausearch really filters by node: an unknown node finds nothing.
    assert searches["other_node"]["exit_code"] == 1


def test_privileged_source_port_is_accepted_when_required(config_workdir, tmp_path):
    sender, receiver = _pair(PAIRS[-1], config_workdir)
    seen = run_native("native-chain", sender, receiver, tmp_path,
                      client_ports="1-1023", local_port="60")
    assert re.search(r"type=DAEMON_ACCEPT .* port=60 res=success", seen["receiver_log"])
    assert seen["searches"]["user"]["exit_code"] == 0


@pytest.mark.parametrize("pair", PAIRS)
def test_unprivileged_sender_is_refused_when_privileged_ports_required(pair, config_workdir,
                                                                       tmp_path):
    sender, receiver = _pair(pair, config_workdir)
    seen = run_native("native-client-ports", sender, receiver, tmp_path,
                      client_ports="1-1023", local_port="any")
    log = seen["receiver_log"]
    assert re.search(r"type=DAEMON_ACCEPT .*op=port addr=127\.0\.0\.1 port=\d+ res=no", log), log
    assert seen["refused_marker"] not in log
    assert seen["searches"]["daemon_start"]["exit_code"] == 1   # nothing from the sender
    assert seen["searches"]["user"]["exit_code"] == 1
    # Positive control: the same receiver took a record from privileged port 61.
    assert seen["control_acks"] == ["acked"] and seen["control_arrived"]


@pytest.mark.parametrize("pair", PAIRS)
def test_forward_mode_queues_while_receiver_is_down_and_loses_nothing(pair, config_workdir,
                                                                      tmp_path):
    sender, receiver = _pair(pair, config_workdir)
    seen = run_native("native-forward-queue", sender, receiver, tmp_path, mode="forward")
    assert seen["queued_acks"] == ["acked"] * 3 and seen["trigger_acks"] == ["acked"]
    assert seen["sender_alive_while_down"]
    assert seen["queue_file"].get("size", 0) > 0, seen["queue_file"]
    # Delivered after the receiver came up (when the next record arrived), each exactly once.
    assert seen["counts"] == {marker: 1 for marker in seen["counts"]}, seen["counts"]
    assert seen["searches"]["daemon_start"]["exit_code"] == 0
