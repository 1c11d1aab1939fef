"""Inside the namespace: the native path with the real components.

    sender auditd (own uts+mount namespace, /etc/audit = the set under test)
      -> plugins.d/au-remote.conf -> audisp-remote -> TCP 127.0.0.1:<port>
      -> receiver auditd (-n -c DIR, log_file in the run directory) -> ausearch

Records are injected into the sender's dispatcher through a test-only tcp_listen_port with
distribute_network = yes, in the managed wire format."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Dict, List

from tests.realstack.audit_tools import ausearch, user_records
from tests.realstack.managed_wire import send_records
from tests.realstack.netutil import listening
from tests.realstack.ns import nested_argv, require_visible
from tests.realstack.procs import file_contains, read, wait_for

START_TIMEOUT = 30   # an upper bound: waits end when the daemon listens (or exits)
ARRIVAL_TIMEOUT = 8
ABSENCE_GRACE = 0.5


def start_receiver(ctx, args: Dict[str, Any]):
    log_dir = Path(args["receiver_log"]).parent
    log_dir.mkdir(parents=True, exist_ok=True)
    require_visible(ctx.root("receiver"), args["receiver"] + "/auditd.conf")
    daemon = ctx.daemons.start("receiver-auditd",
                               ctx.argv("receiver", ["auditd", "-n", "-c", args["receiver"]]))
    if not wait_for(lambda: listening(args["port"]) or not daemon.running(), START_TIMEOUT):
        raise RuntimeError("receiver auditd is not listening on %d" % args["port"])
    if not daemon.running():
        raise RuntimeError("receiver auditd exited %s" % daemon.process.poll())
    return daemon


def _start_sender(ctx, args: Dict[str, Any]):
    argv = nested_argv(ctx.python, ["auditd", "-n"], args["hostname"], Path(args["sender"]),
                       root=ctx.root("sender"), preload=args.get("sender_preload"))
    daemon = ctx.daemons.start("sender-auditd", argv)
    if not wait_for(lambda: listening(args["inject_port"]) or not daemon.running(),
                    START_TIMEOUT):
        raise RuntimeError("sender auditd's test listener %d never came up" % args["inject_port"])
    return daemon


def _inject(args: Dict[str, Any], markers: List[str]) -> List[str]:
    return send_records("127.0.0.1", args["inject_port"], user_records(args["hostname"], markers))


def _searches(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    log, node, root = args["receiver_log"], args["hostname"], ctx.root("receiver")
    return {
        "daemon_start": ausearch(log, "--node", node, "-m", "DAEMON_START", root=root),
        "user": ausearch(log, "--node", node, "-m", "USER", root=root),
        "other_node": ausearch(log, "--node", "nosuch.e2e.test", root=root),
    }


def _queue_file_facts(sender) -> Dict[str, Any]:
    """The forward-mode queue, seen through the sender's own mount namespace."""
    path = "/proc/%d/root/var/spool/audit/remote.log" % sender.pid
    try:
        st = os.stat(path)
        return {"size": st.st_size, "allocated": st.st_blocks * 512}
    except OSError as error:
        return {"error": str(error)}


def chain(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    """Sender's own DAEMON_START and an injected record reach the receiver."""
    log = Path(args["receiver_log"])
    start_receiver(ctx, args)
    started = time.monotonic()
    _start_sender(ctx, args)
    wait_for(file_contains(log, "node=%s type=DAEMON_START" % args["hostname"]), ARRIVAL_TIMEOUT)
    start_arrival = time.monotonic() - started
    marker = "e2e-chain-%d" % time.time_ns()
    acks = _inject(args, [marker])
    arrived = wait_for(file_contains(log, marker), ARRIVAL_TIMEOUT)
    return {"acks": acks, "marker": marker, "marker_arrived": arrived,
            "daemon_start_seconds": round(start_arrival, 3),
            "searches": _searches(ctx, args), "receiver_log": read(log)}


def client_ports(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    """Receiver requires privileged source ports; the sender's audisp-remote uses an
    unprivileged one and is refused. A managed client on port 61 is the positive control."""
    log = Path(args["receiver_log"])
    start_receiver(ctx, args)
    _start_sender(ctx, args)
    refused = wait_for(file_contains(log, "op=port"), ARRIVAL_TIMEOUT)
    refused_marker = "e2e-refused-%d" % time.time_ns()
    sender_acks = _inject(args, [refused_marker])
    time.sleep(ABSENCE_GRACE)   # let audisp-remote try (and be refused) with the record
    control_marker = "e2e-port61-%d" % time.time_ns()
    control_acks = send_records("127.0.0.1", args["port"],
                                user_records("control.e2e.test", [control_marker]), local_port=61)
    control_arrived = wait_for(file_contains(log, control_marker), ARRIVAL_TIMEOUT)
    return {"refusal_logged": refused, "sender_acks": sender_acks,
            "refused_marker": refused_marker, "control_marker": control_marker,
            "control_acks": control_acks, "control_arrived": control_arrived,
            "searches": _searches(ctx, args), "receiver_log": read(log)}


def forward_queue(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    """mode = forward: records sent while the receiver is down wait in the queue file and
    are delivered after it starts, when the next record arrives (audisp-remote reconnects
    only on a new event)."""
    log = Path(args["receiver_log"])
    sender = _start_sender(ctx, args)
    stamp = time.time_ns()
    queued = ["e2e-fwd%d-%d" % (n, stamp) for n in (1, 2, 3)]
    queued_acks = _inject(args, queued)
    time.sleep(ABSENCE_GRACE)
    queue = _queue_file_facts(sender)
    sender_alive_while_down = sender.running()
    start_receiver(ctx, args)
    trigger = "e2e-fwd4-%d" % stamp
    trigger_acks = _inject(args, [trigger])
    everything = queued + [trigger, "node=%s type=DAEMON_START" % args["hostname"]]
    wait_for(lambda: all(file_contains(log, m)() for m in everything), ARRIVAL_TIMEOUT)
    text = read(log)
    return {"queued": queued, "trigger": trigger, "queued_acks": queued_acks,
            "trigger_acks": trigger_acks, "queue_file": queue,
            "sender_alive_while_down": sender_alive_while_down,
            "counts": {m: text.count(m) for m in everything},
            "searches": _searches(ctx, args), "receiver_log": text}
