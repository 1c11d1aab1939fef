"""What survives a receiver outage: the sender's queues sized from the outage to ride out and
the peak event rate, and the words that say it.

audisp-remote (measured with the real 3.0.9, 4.0.2 and 4.2.1, tests/test_realstack_delivery.py):
- While the receiver is away every record goes into audisp-remote's queue of `queue_depth`
  records; once it is full each new record is dropped ("queue is full - dropping event" in
  syslog). So an outage of t seconds at r records/s loses max(0, r*t - queue_depth), whatever
  the mode (30,000 records at 1,000/s, 20 s down, queue_depth 10240: 20,140 arrived).
- `mode = forward` keeps that queue in queue_file, allocated whole when audisp-remote starts:
  (queue_depth + 1) * 12288 bytes (seen: 135,180,288 bytes for queue_depth 11000), and it
  survives a restart of auditd or of the host. `immediate` keeps it in memory only.
- When the receiver is back, audisp-remote sends the whole backlog before it reads another
  record, one acknowledged record at a time. Meanwhile auditd holds the new records in its
  dispatcher queue (`q_depth` in auditd.conf, at most 99999); when that fills, auditd drops
  them ("queue to plugins is full"). So q_depth must hold rate * backlog / drain rate —
  upstream's advice "a large q_depth, an even bigger queue_depth" (audisp-remote.conf(5)).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional

QUEUE_SLOT_BYTES = 12288        # one queue_file slot (3 * 4096; the file has queue_depth + 1)
HEADROOM_PERCENT = 110          # restarts take a moment, rates wobble: 10% more than asked
DRAIN_RATE = 1000               # records/s audisp-remote sends a backlog at over a LAN (one ack
                                # per record, ~1 ms each; loopback here: ~2,800/s)
AUDITD_EVENT_BYTES = 8986       # what auditd holds per record waiting for its plugins (event_t)
Q_DEPTH_DEFAULT, Q_DEPTH_MAX = 2000, 99999
RATE_FLOOR = 10                 # records/s planned at least, however quiet the log
RATE_UNKNOWN = 50               # records/s planned when the log tells nothing
RATE_FACTOR = 2                 # planned = busiest minute of the log, doubled ...
RATE_STEPS = (1, 2, 5)          # ... and rounded up to 1-2-5 (a rerun keeps the same size)

_DURATION = re.compile(r"\s*(\d{1,6})\s*([smhd]?)\s*")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(text: str) -> int:
    """"10m" -> 600, "90s" -> 90, "2h" -> 7200, "0" -> 0 (ValueError otherwise)."""
    match = _DURATION.fullmatch(str(text))
    if not match or (not match.group(2) and int(match.group(1)) != 0):
        raise ValueError(text)
    return int(match.group(1)) * _UNIT[match.group(2) or "s"]


def duration_words(seconds: float) -> str:
    """Whole hours or minutes when exact or long enough, rounded down (a promise)."""
    seconds = int(seconds)
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 or seconds >= 2 * size:
            count = seconds // size
            return "%d %s%s" % (count, unit, "" if count == 1 else "s")
    return "%d second%s" % (seconds, "" if seconds == 1 else "s")


def mib(size: float) -> str:
    return "%d MiB" % math.ceil(size / 2 ** 20)


def planned_rate(peak_rate: Optional[int], event_rate) -> "PlannedRate":
    """The peak rate to size for: the answer, or this host's busiest minute (doubled, 1-2-5)."""
    if peak_rate:
        return PlannedRate(peak_rate, "given in the answers (remote.peak_rate)")
    if event_rate is None:
        return PlannedRate(RATE_UNKNOWN, "assumed: this host's audit log tells nothing yet")
    wanted = max(RATE_FLOOR, event_rate.peak * RATE_FACTOR)
    return PlannedRate(_step_up(wanted), "twice the busiest minute of %s (%.1f/s)"
                       % (event_rate.source, event_rate.peak))


def _step_up(value: float) -> int:
    scale = 1
    while True:
        for step in RATE_STEPS:
            if step * scale >= value:
                return step * scale
        scale *= 10


@dataclass(frozen=True)
class PlannedRate:
    per_second: int
    source: str


@dataclass(frozen=True)
class NativeQueues:
    """audisp-remote's queue and auditd's q_depth for an outage and a rate."""
    rate: int
    rate_source: str
    outage: int                 # seconds asked for
    mode: str                   # immediate | forward
    queue_depth: int
    q_depth: int
    drain_rate: int = DRAIN_RATE

    @property
    def survives(self) -> int:
        """The longest outage (s) at `rate` that loses nothing: the queue must hold it, and
        auditd must hold what comes in while the backlog is sent."""
        by_queue = self.queue_depth / self.rate
        by_auditd = self.q_depth * self.drain_rate / (self.rate * self.rate)
        return int(min(by_queue, by_auditd))

    @property
    def promise(self) -> int:
        """The outage the plan promises: the one asked for, or less when auditd's q_depth
        (at most 99999) cannot hold what comes in while a longer backlog is sent."""
        return min(self.outage, self.survives) if self.outage else self.survives

    @property
    def disk_bytes(self) -> int:
        return (self.queue_depth + 1) * QUEUE_SLOT_BYTES if self.mode == "forward" else 0

    @property
    def auditd_memory_bytes(self) -> int:
        return self.q_depth * AUDITD_EVENT_BYTES

    def loss(self, outage: float, rate: Optional[float] = None) -> int:
        """Records an outage of `outage` seconds at `rate` loses (audisp-remote's full queue)."""
        rate = self.rate if rate is None else rate
        return max(0, int(rate * outage) - self.queue_depth)

    @property
    def catches_up(self) -> bool:
        return self.rate < self.drain_rate

    def words(self, spool_dir: str) -> str:
        if self.outage == 0:
            head = ("No outage asked for (remote.outage = 0): mode = immediate, up to %d records "
                    "wait in memory (%s at %d records/s)"
                    % (self.queue_depth, duration_words(self.survives), self.rate))
        else:
            head = "Survives a receiver outage of %s at %d records/s" % (
                duration_words(self.promise), self.rate)
        if self.mode == "forward":
            head += "; uses %s in %s" % (mib(self.disk_bytes), spool_dir)
        elif self.outage:
            head += " (mode = immediate: in memory, lost if auditd or this host restarts)"
        return head + "."

    def details(self, spool_dir: str) -> str:
        lines = [self.words(spool_dir),
                 "Rate: %d records/s, %s." % (self.rate, self.rate_source),
                 "audisp-remote queue_depth = %d (%s)%s."
                 % (self.queue_depth, self._why_queue_depth(),
                    "; mode = forward allocates it whole when audisp-remote starts: %d slots of "
                    "12 KiB" % (self.queue_depth + 1) if self.mode == "forward" else ""),
                 "auditd q_depth = %d: when the receiver is back audisp-remote sends the backlog "
                 "(about %d records/s, one acknowledged record at a time) before it reads more; "
                 "auditd holds new records meanwhile (up to %s of memory)."
                 % (self.q_depth, self.drain_rate, mib(self.auditd_memory_bytes)),
                 "A longer outage loses the records beyond the queue: %s at %d records/s "
                 "loses about %d." % (duration_words(2 * max(self.outage, 60)), self.rate,
                                      self.loss(2 * max(self.outage, 60)))]
        return "\n".join(lines)

    def _why_queue_depth(self) -> str:
        if self.outage and self.promise < self.outage:
            return "as much as auditd's q_depth = %d can hold behind while it is sent" % Q_DEPTH_MAX
        if self.queue_depth == self.q_depth + 1:
            return "one more than q_depth: upstream's \"an even bigger queue_depth\""
        return "the outage asked, %s, plus 10%%" % duration_words(self.outage)


def native_queues(answers, event_rate) -> NativeQueues:
    r = answers.remote
    rate = planned_rate(r.peak_rate, event_rate)
    outage = duration_seconds(r.outage)
    mode = r.mode if r.mode != "auto" else ("forward" if outage else "immediate")
    wanted = _ceil_div(rate.per_second * outage * HEADROOM_PERCENT, 100)
    # auditd must hold rate * backlog / DRAIN_RATE records (with headroom) while the backlog
    # is sent; a backlog beyond what q_depth's maximum allows would be lost there anyway.
    most = Q_DEPTH_MAX * DRAIN_RATE * 100 // (rate.per_second * HEADROOM_PERCENT)
    wanted = min(wanted, most)
    q_depth = min(Q_DEPTH_MAX, max(Q_DEPTH_DEFAULT, _ceil_div(
        rate.per_second * wanted * HEADROOM_PERCENT, DRAIN_RATE * 100)))
    queue_depth = max(wanted, q_depth + 1)      # "an even bigger queue_depth"
    return NativeQueues(rate.per_second, rate.source, outage, mode, queue_depth, q_depth)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def stale_wait(max_per_addr: int, client_max_idle: int, stale: int = 1) -> Optional[int]:
    """Seconds a sender waits to be let back in while `stale` dead connections from its
    address are still open on the receiver (a sender that crashed or lost power never closed
    them): none while tcp_max_per_addr leaves a place; otherwise until auditd's idle check
    closes one. That check runs every client_max_idle seconds and closes a connection that
    was silent for a whole period, so at most 2 x client_max_idle. None: never
    (client_max_idle = 0; upstream issue linux-audit/audit-userspace#33)."""
    if stale < max_per_addr:
        return 0
    if client_max_idle == 0:
        return None
    return 2 * client_max_idle


def dead_connection_words(max_per_addr: int, client_max_idle: int) -> str:
    once = stale_wait(max_per_addr, client_max_idle, 1)
    twice = stale_wait(max_per_addr, client_max_idle, max_per_addr)
    first = ("A sender that crashed or lost power is let back in at once (tcp_max_per_addr = %d "
             "leaves a place beside its dead connection)" % max_per_addr if once == 0 else
             "A sender that crashed or lost power is refused (op=dup) while its dead connection "
             "is open")
    if twice is None:
        return first + "; with tcp_client_max_idle = 0 dead connections are never closed, so " \
                       "it may stay refused for good (upstream issue #33): set " \
                       "receiver.client_max_idle (like 60)."
    return first + "; dead connections are closed within %s (2 x tcp_client_max_idle = %d s; " \
                   "senders' heartbeat_timeout must be at most %d s)." % (
                       duration_words(twice), client_max_idle, client_max_idle // 2)


# ---------------------------------------------------------------- the rsyslog method
RSYSLOG_RECORD_BYTES = 2048     # disk per queued record: seen with rsyslogd 8.2302 through
                                # imuxsock, the record + ~390 B (613 B for a 233-byte record,
                                # 813 B for 422 B); imjournal adds the journal's fields: 2 KiB
RSYSLOG_WORK_DIR = "/var/lib/rsyslog"
RSYSLOG_DISK_FLOOR = 2 ** 30    # a sized queue is at least 1g (the wizard's earlier fixed size)
_RSYSLOG_SIZE = re.compile(r"([0-9]+)([kmg]?)")
_RSYSLOG_UNIT = {"": 1, "k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30}


def rsyslog_size_bytes(text: str) -> int:
    """rsyslog's size value ("1g" -> 2**30): lower-case suffixes are binary in rsyslog
    (config_param_types); the answers accept only those (rsyslog.queue_max_disk)."""
    match = _RSYSLOG_SIZE.fullmatch(str(text).strip())
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * _RSYSLOG_UNIT[match.group(2)]


@dataclass(frozen=True)
class RsyslogQueue:
    """The rsyslog method's disk-assisted forwarding queue (queue.maxDiskSpace, the answer
    rsyslog.queue_max_disk) against the outage asked for and the planned rate."""
    rate: int
    rate_source: str
    outage: int
    max_disk_bytes: int
    given: str = ""             # the answer as typed; "": sized from the outage and rate

    @property
    def sized(self) -> bool:
        return not self.given

    @property
    def max_disk(self) -> str:
        """queue.maxDiskSpace as written: the answer as typed, or sized: "1g" or whole MiB."""
        if self.given:
            return self.given
        if self.max_disk_bytes % 2 ** 30 == 0:
            return "%dg" % (self.max_disk_bytes // 2 ** 30)
        return "%dm" % _ceil_div(self.max_disk_bytes, 2 ** 20)

    @property
    def survives(self) -> int:
        return int(self.max_disk_bytes / (self.rate * RSYSLOG_RECORD_BYTES))

    def how_sized(self) -> str:
        if not self.sized:
            return "queue.maxDiskSpace = %s, given in the answers (rsyslog.queue_max_disk)" \
                % self.max_disk
        return ("queue.maxDiskSpace = %s, sized from remote.outage (%s) x %d records/s + 10%% at "
                "about %d KiB a record, at least 1g (rsyslog.queue_max_disk not set)"
                % (self.max_disk, duration_words(self.outage), self.rate,
                   RSYSLOG_RECORD_BYTES // 1024))

    @property
    def promise(self) -> int:
        return min(self.outage, self.survives) if self.outage else self.survives

    @property
    def needed(self) -> str:
        """The queue_max_disk the outage asks for (+10%), in whole MiB ("155m")."""
        return "%dm" % _rsyslog_needed_mib(self.rate, self.outage)

    @property
    def enough(self) -> bool:
        return self.survives >= self.outage

    def words(self, work_dir: str = RSYSLOG_WORK_DIR) -> str:
        head = ("Survives a receiver outage of %s" % duration_words(self.promise)
                if self.outage else "No outage asked for (remote.outage = 0): the queue holds "
                "about %s" % duration_words(self.survives))
        return ("%s at %d records/s; uses up to %s in %s (queue.maxDiskSpace, filled only while "
                "the receiver is away)." % (head, self.rate, mib(self.max_disk_bytes), work_dir))


def _rsyslog_needed_mib(rate: int, outage: int) -> int:
    wanted = _ceil_div(rate * outage * HEADROOM_PERCENT * RSYSLOG_RECORD_BYTES, 100)
    return _ceil_div(wanted, 2 ** 20)


def rsyslog_queue(answers, event_rate) -> RsyslogQueue:
    """The answer rsyslog.queue_max_disk when given; not set: sized from the outage and rate."""
    rate = planned_rate(answers.remote.peak_rate, event_rate)
    outage = duration_seconds(answers.remote.outage)
    given = answers.rsyslog.queue_max_disk
    if given:
        return RsyslogQueue(rate.per_second, rate.source, outage, rsyslog_size_bytes(given), given)
    size = max(RSYSLOG_DISK_FLOOR, _rsyslog_needed_mib(rate.per_second, outage) * 2 ** 20)
    return RsyslogQueue(rate.per_second, rate.source, outage, size)
