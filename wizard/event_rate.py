"""How many audit records this host produces today, read from its own log's recent growth.

Every record carries its time (`msg=audit(1733450000.123:4711)`): the last hour of the log
(its newest record back) gives the average rate and the busiest minute. Only the end of the
file is read (TAIL_BYTES), so a large log costs no more than a small one. The wizard sizes the
forwarding queues from the busiest minute (wizard.plan.delivery)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional

AUDIT_LOG = "/var/log/audit/audit.log"
TAIL_BYTES = 4 * 1024 * 1024
WINDOW = 3600.0
_STAMP = re.compile(rb"msg=audit\((\d{9,11})\.\d{3}:\d+\)")


@dataclass(frozen=True)
class EventRate:
    source: str        # the file read
    records: int       # records in the window
    seconds: float     # how long the window is (at most WINDOW)
    average: float     # records a second over the window
    peak: float        # records a second in the busiest whole minute of the window

    def describe(self) -> str:
        minutes = max(1, round(self.seconds / 60))
        return ("%s: %d records in the last %d minute%s of the log, %.1f/s on average, "
                "%.1f/s in the busiest minute" % (self.source, self.records, minutes,
                                                 "" if minutes == 1 else "s", self.average,
                                                 self.peak))


def measure(data: bytes, source: str = AUDIT_LOG) -> Optional[EventRate]:
    """The rate in `data` (the end of an audit log), or None when it holds no records."""
    stamps = [int(m.group(1)) for m in _STAMP.finditer(data)]
    if not stamps:
        return None
    newest = max(stamps)
    recent = [s for s in stamps if s > newest - WINDOW]
    seconds = max(1.0, float(newest - min(recent) + 1))
    per_minute = Counter(s // 60 for s in recent)
    busiest = max(per_minute.values())
    # A window shorter than a minute: its own rate is the best guess of the busiest minute.
    peak = busiest / 60.0 if seconds >= 60 else len(recent) / seconds
    return EventRate(source, len(recent), seconds, round(len(recent) / seconds, 2),
                     round(peak, 2))


def read_event_rate(host, path: str = AUDIT_LOG) -> Optional[EventRate]:
    """The rate of this host's own log (in the sandbox, the demo root's), or None when it
    cannot be read or holds no records."""
    try:
        with open(str(host.path(path)), "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - TAIL_BYTES))
            data = handle.read(TAIL_BYTES)
    except OSError:
        return None
    if size > TAIL_BYTES:
        data = data[data.find(b"\n") + 1:]     # the first line is cut
    return measure(data, path)
