"""Inside the namespace: the wizard's own step-7 commands, run for real on "/" (see
el_identity.py), against the real daemons of the native path.

- expect_arrival: sender auditd -> audisp-remote -> receiver auditd carries a test event
  tagged exactly as `auditd-wizard test` tags it; then `auditd-wizard test --expect NONCE
  --node NODE --log LOG` on the receiver's files says found (exit 0), and not found (exit 3)
  for another nonce or another node.
- connect_check: `auditd-wizard doctor --json --role sender` with the sender's files aimed
  at a closed port, then at the listening receiver auditd: its remote-reachable finding."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List

from tests.realstack.el_identity import pose_as_el, wizard_argv
from tests.realstack.managed_wire import send_records
from tests.realstack.netutil import listening
from tests.realstack.ns import bind, run
from tests.realstack.procs import file_contains, read, wait_for
from tests.realstack.scenario_native import ARRIVAL_TIMEOUT, start_receiver, _start_sender
from wizard.doctor.delivery import TAG, new_nonce

WIZARD_TIMEOUT = 30


def test_event_record(node: str, nonce: str) -> str:
    """The USER record `auditctl -m "auditd-wizard test NONCE"` makes (as the sender's plugin
    passes it on): auditctl cannot be used here, it would write to the host kernel's audit."""
    return ("node=%s type=USER msg=audit(%d.123:4242): pid=4242 uid=0 auid=1000 ses=7 "
            "msg='%s %s exe=\"/usr/sbin/auditctl\" hostname=? addr=? terminal=pts/0 res=success'"
            % (node, int(time.time()), TAG, nonce))


def _wizard(env: Dict[str, str], args: List[str]) -> Dict[str, Any]:
    argv = wizard_argv(*args)
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=WIZARD_TIMEOUT, close_fds=True)
    return {"argv": argv, "exit_code": done.returncode, "output": done.stdout.decode(errors="replace")}


def expect_arrival(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    log, node = Path(args["receiver_log"]), args["hostname"]
    start_receiver(ctx, args)
    _start_sender(ctx, args)
    connected = wait_for(file_contains(log, "node=%s type=DAEMON_START" % node), ARRIVAL_TIMEOUT)
    nonce = new_nonce()
    acks = send_records("127.0.0.1", args["inject_port"], [test_event_record(node, nonce)])
    arrived = wait_for(file_contains(log, "%s %s" % (TAG, nonce)), ARRIVAL_TIMEOUT)
    env = pose_as_el(ctx.scratch / "el")
    bind(args["receiver"], "/etc/audit")   # the receiver's own files, where the wizard reads them
    other = new_nonce()
    expect = ["test", "--expect"]
    return {
        "connected": connected, "acks": acks, "nonce": nonce, "arrived": arrived,
        "other_nonce": other,
        "found": _wizard(env, expect + [nonce, "--node", node, "--log", str(log), "--wait", "5"]),
        "json": _wizard(env, expect + [nonce, "--node", node, "--log", str(log), "--json"]),
        "not_found": _wizard(env, expect + [other, "--node", node, "--log", str(log), "--wait", "1"]),
        "other_node": _wizard(env, expect + [nonce, "--node", "nosuch.e2e.test", "--log", str(log),
                                             "--wait", "0"]),
        "receiver_log": read(log)}


def _reachable_finding(env: Dict[str, str], sender_dir: str) -> Dict[str, Any]:
    bind(sender_dir, "/etc/audit")
    try:
        ran = _wizard(env, ["doctor", "--json", "--role", "sender"])
    finally:
        run(["umount", "/etc/audit"])
    try:
        findings = json.loads(ran["output"])["findings"]
    except ValueError:
        return dict(ran, finding=None)
    found = [f for f in findings if f["check"] == "remote-reachable"]
    return dict(ran, finding=found[0] if found else None)


def connect_check(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    start_receiver(ctx, args)
    closed_listening = listening(args["closed_port"])
    env = pose_as_el(ctx.scratch / "el")
    return {"closed_port_listening": closed_listening,
            "closed": _reachable_finding(env, args["sender_closed"]),
            "open": _reachable_finding(env, args["sender"]),
            "receiver_log": read(Path(args["receiver_log"]))}
