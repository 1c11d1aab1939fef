"""Outside the namespace: turn a sender and a receiver config set into runnable COPIES.

Only keys a test cannot avoid are changed, and only in the copies:
- both: local_events = no (never touch the host kernel's audit state);
- receiver: log_file and plugin_dir inside the run directory, freq = 1 (write each record at
  once so the test sees it), tcp_listen_port = a test port (sender and receiver share one
  network namespace, so a sender's local_port = 60 would collide with a receiver on 60), and
  tcp_client_ports when the scenario asks;
- sender: tcp_listen_port + distribute_network = yes (the test's injection door),
  remote_server/port aimed at the receiver in this namespace, local_port/mode when asked."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional

from tests.realstack.harness import copy_etc_audit, require_no_local_events, run_scenario
from tests.realstack.keyvalue import get_key

SENDER_HOSTNAME = "sender01.e2e.test"
INJECT_PORT = 6061
RECEIVER_PORT = 6060


def run_native(scenario: str, sender_set: Path, receiver_set: Path, scratch: Path,
               client_ports: Optional[str] = None, local_port: Optional[str] = None,
               mode: Optional[str] = None, runner: Callable = run_scenario,
               extra: Optional[Mapping[str, Any]] = None,
               roots: Optional[Mapping[str, Path]] = None) -> Dict[str, Any]:
    """`runner` and `extra`: another driver's scenario (with more arguments) on the same pair.
    `roots`: {"sender": ROOT, "receiver": ROOT}, Debian roots whose daemons play that end
    (tests/realstack/roots.py); an end not named runs this machine's."""
    if not get_key(receiver_set / "auditd.conf", "tcp_listen_port"):
        raise AssertionError("receiver set %s has no tcp_listen_port" % receiver_set)
    receiver_port = str(RECEIVER_PORT)
    receiver_log = scratch / "receiver-log" / "audit.log"
    receiver = copy_etc_audit(receiver_set, scratch / "receiver-etc-audit")
    receiver_keys = {"local_events": "no", "log_file": str(receiver_log),
                     "plugin_dir": str(receiver / "plugins.d"), "freq": "1",
                     "tcp_listen_port": receiver_port}
    if client_ports:
        receiver_keys["tcp_client_ports"] = client_ports
    copy_etc_audit(receiver_set, receiver, {"auditd.conf": receiver_keys})
    (receiver / "plugins.d").mkdir(mode=0o750, exist_ok=True)

    remote_keys = {"remote_server": "127.0.0.1", "port": receiver_port}
    if local_port:
        remote_keys["local_port"] = local_port
    if mode:
        remote_keys["mode"] = mode
    sender = copy_etc_audit(sender_set, scratch / "sender-etc-audit", {
        "auditd.conf": {"local_events": "no", "tcp_listen_port": str(INJECT_PORT),
                        "distribute_network": "yes"},
        "audisp-remote.conf": remote_keys})
    require_no_local_events(receiver)
    require_no_local_events(sender)
    return runner(scenario, dict({
        "receiver": str(receiver), "receiver_log": str(receiver_log),
        "port": int(receiver_port), "sender": str(sender), "hostname": SENDER_HOSTNAME,
        "inject_port": INJECT_PORT, "roots": {k: str(v) for k, v in (roots or {}).items()}},
        **(extra or {})), scratch / "run")
