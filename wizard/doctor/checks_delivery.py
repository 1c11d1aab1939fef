"""Does forwarding recover by itself, and do both ends agree on dead connections?

Sender (audisp-remote): what the current files survive (queue_depth and auditd's q_depth at
this host's rate), a heartbeat so a dead connection is noticed, and failure actions that let
it recover: remote_ending_action = reconnect (anything else never reconnects after the
receiver restarts), network_failure_action neither suspend (stops sending for good) nor stop
with max_restarts = 0 (auditd restarts an exited audisp-remote at most max_restarts times).

Receiver (auditd): tcp_client_max_idle so dead connections are closed (0 with
tcp_max_per_addr = 1 refuses a rebooted sender for good, upstream issue #33), and, from its
journal, senders it keeps closing as idle: their heartbeat_timeout is off or more than half of
tcp_client_max_idle, so the two ends disagree."""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from wizard.doctor.model import OK, PROBLEM, WARNING, FileEdit, Finding, sentence
from wizard.plan.queues import NativeQueues, dead_connection_words, duration_words, planned_rate

HEARTBEAT = 30
IDLE = 60


def _int(value: Optional[str], default: int) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else default


def _native_sender(ctx) -> bool:
    return ctx.role == "sender" and ctx.method == "audisp-remote" and \
        ctx.read(ctx.layout.audisp_remote_conf) is not None


def what_survives(ctx) -> NativeQueues:
    """The current files' queues at this host's planned rate."""
    rate = planned_rate(None, ctx.facts.event_rate)
    mode = (ctx.remote_value("mode", "immediate") or "immediate").lower()
    return NativeQueues(rate.per_second, rate.source, 0, mode,
                        _int(ctx.remote_value("queue_depth"), 2048),
                        _int(ctx.auditd_value("q_depth"), 2000))


def sender_recovery(ctx) -> Optional[Finding]:
    if not _native_sender(ctx):
        return None
    path, auditd = ctx.layout.audisp_remote_conf, ctx.layout.auditd_conf
    heartbeat = _int(ctx.remote_value("heartbeat_timeout"), 0)
    ending = (ctx.remote_value("remote_ending_action", "reconnect") or "").lower()
    failure = (ctx.remote_value("network_failure_action", "stop") or "").lower().split()[0:1]
    failure = failure[0] if failure else "stop"
    restarts = _int(ctx.auditd_value("max_restarts"), 10)
    queues = what_survives(ctx)
    evidence = [f"{path}: heartbeat_timeout = {heartbeat}, remote_ending_action = {ending}, "
                f"network_failure_action = {failure}, mode = {queues.mode}, "
                f"queue_depth = {queues.queue_depth}",
                f"{auditd}: max_restarts = {restarts}, q_depth = {queues.q_depth}",
                "rate: %d records/s, %s" % (queues.rate, queues.rate_source)]
    problems, warnings, values = [], [], {}
    if ending != "reconnect":
        problems.append(f"remote_ending_action = {ending}: after the receiver restarts, "
                        "audisp-remote never connects again (only `reconnect` does)")
        values["remote_ending_action"] = "reconnect"
    if failure == "suspend":
        problems.append("network_failure_action = suspend: after one network failure "
                        "audisp-remote stops sending until auditd restarts")
        values["network_failure_action"] = "syslog"
    elif failure == "stop" and restarts == 0:
        problems.append("network_failure_action = stop with max_restarts = 0: audisp-remote "
                        "exits at the first network failure and auditd does not start it again")
        values["network_failure_action"] = "syslog"
    elif failure == "stop":
        warnings.append(f"network_failure_action = stop: audisp-remote exits at each network "
                        f"failure; auditd starts it again at most {restarts} times "
                        "(max_restarts), then forwarding ends until auditd restarts")
    if heartbeat == 0:
        warnings.append("heartbeat_timeout = 0: a connection that died silently (a receiver "
                        "that lost power, a NAT timeout) is noticed only when a record fails, "
                        "and the receiver cannot tell this sender's live connection from a "
                        f"dead one; set heartbeat_timeout = {HEARTBEAT} (and the receiver's "
                        f"tcp_client_max_idle to {2 * HEARTBEAT})")
        values["heartbeat_timeout"] = str(HEARTBEAT)
    survives = ("With these files this sender survives a receiver outage of %s at %d "
                "records/s (queue_depth = %d%s)." % (
                    duration_words(queues.survives), queues.rate, queues.queue_depth,
                    ", kept on disk across restarts" if queues.mode == "forward"
                    else ", in memory only"))
    title = "recovers by itself after a failure"
    fixes = [FileEdit(path, set=values)] if values else []
    summary = "set " + ", ".join(f"{k} = {v}" for k, v in values.items()) if values else ""
    if problems:
        return Finding("sender-recovery", title, PROBLEM, sentence(problems + warnings) + " "
                       + survives, evidence, fixes, summary)
    if warnings:
        return Finding("sender-recovery", title, WARNING, sentence(warnings) + " " + survives,
                       evidence, fixes, summary)
    return Finding("sender-recovery", title, OK,
                   f"heartbeat_timeout = {heartbeat} s (the receiver's tcp_client_max_idle should "
                   f"be at least {2 * heartbeat}); remote_ending_action = reconnect; "
                   f"network_failure_action = {failure}. " + survives, evidence)


def receiver_dead_connections(ctx) -> Optional[Finding]:
    if ctx.role != "receiver" or ctx.method != "audisp-remote" or ctx.listen_port() is None:
        return None
    path = ctx.layout.auditd_conf
    idle = _int(ctx.auditd_value("tcp_client_max_idle"), 0)
    per_addr = _int(ctx.auditd_value("tcp_max_per_addr"), 1)
    evidence = [f"{path}: tcp_client_max_idle = {idle}, tcp_max_per_addr = {per_addr}"]
    title = "dead sender connections are closed"
    if idle == 0:
        level = PROBLEM if per_addr == 1 else WARNING
        return Finding("receiver-dead-connections", title, level,
                       dead_connection_words(per_addr, idle) + f" Set tcp_client_max_idle = "
                       f"{IDLE} (senders' heartbeat_timeout {IDLE // 2} or less).", evidence,
                       [FileEdit(path, set={"tcp_client_max_idle": str(IDLE)})],
                       f"set tcp_client_max_idle = {IDLE}")
    closed = _idle_closes(ctx, evidence)
    again = sorted(addr for addr, n in closed.items() if n >= 2)
    if again:
        return Finding("receiver-dead-connections", title, WARNING,
                       "auditd closed the live connection of %s as idle %s: the ends disagree; "
                       "on %s set heartbeat_timeout to %d or less (half of tcp_client_max_idle "
                       "= %d), or turn it on." % (", ".join(again), "again and again",
                                                  "those senders" if len(again) > 1 else "that sender",
                                                  idle // 2, idle), evidence)
    return Finding("receiver-dead-connections", title, OK,
                   dead_connection_words(per_addr, idle), evidence)


def _idle_closes(ctx, evidence) -> Counter:
    """Addresses auditd closed as idle since it started (its journal)."""
    invocation = ctx.run(["systemctl", "show", "--property=InvocationID", "--value", "auditd"])
    if invocation is None or not invocation.stdout.strip():
        return Counter()
    ran = ctx.run(["journalctl", "--no-pager", "--quiet", "--output=cat",
                   f"_SYSTEMD_INVOCATION_ID={invocation.stdout.strip()}", "--grep", "idle too long"])
    if ran is None:
        return Counter()
    evidence += ran.lines(limit=6)
    return Counter(re.findall(r"client\s+(\S+?)(?::\d+)?\s+idle too long", ran.stdout))
