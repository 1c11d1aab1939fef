"""Inside the namespace: audisp-remote -> auditd with transport = tls (TLS-PSK, audit >= 4.2).

One receiver auditd (TLS, a pre-shared key and the identity it expects); then each sender of
args["senders"] in turn (its own auditd, /etc/audit = its set): the one with the receiver's key
and identity must deliver, one with another key and one with another identity must not; last a
plaintext client speaking the managed protocol to the TLS port must not either. Senders load
the audit_log_user_message stand-in (stub/auditstub.c) through their root's ld.so.preload."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict

from tests.realstack.audit_tools import ausearch, user_records
from tests.realstack.managed_wire import send_records
from tests.realstack.netutil import listening
from tests.realstack.ns import nested_argv
from tests.realstack.scenario_native import start_receiver
from tests.realstack.procs import file_contains, read, wait_for

START_TIMEOUT = 30   # an upper bound: waits end when the daemon listens (or exits)
ARRIVAL_TIMEOUT = 10
REFUSAL_WAIT = 3


def _sender(ctx, args: Dict[str, Any], sender: Dict[str, Any], stamp: int) -> Dict[str, Any]:
    daemon = ctx.daemons.start("sender-%s" % sender["name"], nested_argv(
        ctx.python, ["auditd", "-n"], args["hostname"], Path(sender["etc_audit"]),
        root=ctx.root("sender"), preload=args["preload"]))
    if not wait_for(lambda: listening(args["inject_port"]) or not daemon.running(), START_TIMEOUT):
        raise RuntimeError("sender %s: test listener never came up" % sender["name"])
    marker = "e2e-psk-%s-%d" % (sender["name"], stamp)
    acks = send_records("127.0.0.1", args["inject_port"], user_records(args["hostname"], [marker]))
    log = Path(args["receiver_log"])
    arrived = wait_for(file_contains(log, marker),
                       ARRIVAL_TIMEOUT if sender["delivers"] else REFUSAL_WAIT)
    daemon.stop()
    time.sleep(0.3)   # the receiver notices the closed connection before the next sender
    return {"marker": marker, "acks": acks, "arrived": arrived}


def tls_psk_chain(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    log = Path(args["receiver_log"])
    receiver = start_receiver(ctx, args)
    stamp = time.time_ns()
    seen: Dict[str, Any] = {"senders": {}}
    for sender in args["senders"]:
        seen["senders"][sender["name"]] = _sender(ctx, args, sender, stamp)
    plain_marker = "e2e-psk-plaintext-%d" % stamp
    seen["plain"] = {"marker": plain_marker,
                     "acks": send_records("127.0.0.1", args["port"],
                                          user_records("plain.e2e.test", [plain_marker])),
                     "arrived": wait_for(file_contains(log, plain_marker), 1.0)}
    seen["receiver_running"] = receiver.running()
    seen["search"] = ausearch(str(log), "--node", args["hostname"], "-m", "USER",
                              root=ctx.root("receiver"))
    seen["receiver_log"] = read(log)
    seen["syslog"] = ctx.syslog()
    return seen
