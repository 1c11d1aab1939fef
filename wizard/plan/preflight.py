"""Preflight: everything known before applying, in one list for `plan`, Review and `apply`.

The plan's own findings (every step note, and the problems the planner sees: a missing
keytab or default_realm, missing TLS files, Kerberos to an IP address, a queue file SELinux
will not let audisp-remote write, a halting network_failure_action), plus what only the host
can tell (HostChecks, read by the Session): free space for a forward queue, whether this host's
name resolves, what the certificates say. A "blocker" makes `apply` refuse unless forced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from wizard.plan.queues import RSYSLOG_WORK_DIR, duration_words, mib, native_queues, rsyslog_queue

BLOCKER, WARNING, NOTE = "blocker", "warning", "note"
_ORDER = {BLOCKER: 0, WARNING: 1, NOTE: 2}


@dataclass(frozen=True)
class Finding:
    level: str      # blocker | warning | note
    step: int
    text: str


@dataclass
class HostChecks:
    """What the Session read from the host for the checks the planner cannot make (pure)."""
    queue_free_bytes: Optional[int] = None      # free space where the forward queue goes
    queue_file_bytes: int = 0                   # size of the queue file already there
    rsyslog_free_bytes: Optional[int] = None    # free space in rsyslog's work directory
    rsyslog_queue_bytes: int = 0                # the forward queue's files already there
    name_resolves: Optional[bool] = None        # None: not asked (name_format does not need it)
    certificate_problems: List[str] = field(default_factory=list)


def preflight(plan, answers, facts, checks: HostChecks) -> List[Finding]:
    found = [f for number in sorted(plan.steps) for f in plan.steps[number].findings]
    a = answers
    queues = native_queues(a, facts.event_rate) if a.role == "sender" \
        and a.method == "audisp-remote" else None
    if queues is not None and queues.mode == "forward" and checks.queue_free_bytes is not None:
        # a queue file already there (a rerun) is reused: only the growth needs free space
        needed = queues.disk_bytes - checks.queue_file_bytes
        if needed > checks.queue_free_bytes:
            found.append(Finding(BLOCKER, 4, "mode = forward: the queue %s needs %s "
                                 "(queue_depth = %d, for an outage of %s at %d records/s), but "
                                 "its filesystem has %d MiB free; lower remote.outage or "
                                 "remote.peak_rate, or free space first"
                                 % (a.remote.queue_file, mib(needed), queues.queue_depth,
                                    duration_words(queues.outage), queues.rate,
                                    checks.queue_free_bytes // 2**20)))
    if a.role == "sender" and a.method == "rsyslog" and checks.rsyslog_free_bytes is not None:
        queue = rsyslog_queue(a, facts.event_rate)
        # queue files already there (records kept from an outage) are part of the limit
        needed = queue.max_disk_bytes - checks.rsyslog_queue_bytes
        if needed > checks.rsyslog_free_bytes:
            found.append(Finding(BLOCKER, 4, "the rsyslog forward queue may use %s in %s "
                                 "(queue.maxDiskSpace = %s, for an outage of %s at %d records/s), "
                                 "but its filesystem has %d MiB free; lower remote.outage, "
                                 "remote.peak_rate or rsyslog.queue_max_disk, or free space first"
                                 % (mib(needed), RSYSLOG_WORK_DIR, queue.max_disk,
                                    duration_words(queue.outage), queue.rate,
                                    checks.rsyslog_free_bytes // 2**20)))
    if checks.name_resolves is False:
        found.append(Finding(BLOCKER, 2, "name_format = %s: this host's name %s does not resolve "
                             "(getent hosts), and auditd refuses to start when it cannot look it "
                             "up; fix the name or use name_format = hostname"
                             % (a.auditd.name_format, facts.hostname)))
    for text in checks.certificate_problems:
        found.append(Finding(BLOCKER, 8, text))
    return sorted(found, key=lambda f: (_ORDER[f.level], f.step))


def blockers(findings: List[Finding]) -> List[Finding]:
    return [f for f in findings if f.level == BLOCKER]
