"""Answers no file can tell: read back from the transaction that applied them.

The outage a sender rides out and the peak rate it was sized for become queue_depth and
q_depth, which do not give them back (the rate may have been measured). Every apply keeps its
answers in the journal (meta "answers"), so the newest applied transaction still standing
(not rolled back) says what they were."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from backends.journal import Journal
from wizard.answers import tomllib
from wizard.plan.queues import duration_seconds

# Fields of the sender that only the answers hold.
ANSWER_ONLY = ("remote.outage", "remote.peak_rate")


def last_applied(host) -> Optional[Tuple[str, Dict[str, Any]]]:
    """(transaction id, answers data) of the newest applied transaction, or None."""
    try:
        journals = Journal.all(host)
    except OSError:
        return None
    for journal in journals:
        if journal.manifest.get("status") != "applied":
            continue
        text = (journal.manifest.get("meta") or {}).get("answers")
        if not isinstance(text, str):
            continue
        try:
            return journal.tx_id, tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return None
    return None


def queue_was_sized(host, role: str, method: str) -> bool:
    """True when the last applied answers of this role and method left rsyslog.queue_max_disk
    unset (the wizard sized the queue from the outage and rate)."""
    found = last_applied(host)
    if found is None:
        return False
    data = found[1]
    return (data.get("role", "sender") == role and data.get("method", "audisp-remote") == method
            and (data.get("rsyslog") or {}).get("queue_max_disk") in (None, ""))


def answer_only_fields(host, role: str, method: str, file_mode: Optional[str] = None):
    """(dotted, value, source) for ANSWER_ONLY, from the last applied answers of the same role
    and method; and `remote.mode = auto` when those answers said auto and the file's mode is
    still the one auto chose."""
    found = last_applied(host)
    if found is None:
        return []
    tx_id, data = found
    if data.get("role", "sender") != role or data.get("method", "audisp-remote") != method:
        return []
    source = "the answers applied in transaction %s" % tx_id
    remote = data.get("remote") or {}
    out = [(dotted, remote[dotted.split(".")[1]], source) for dotted in ANSWER_ONLY
           if remote.get(dotted.split(".")[1]) is not None]
    if remote.get("mode", "auto") == "auto" and file_mode is not None:
        try:
            chose = "forward" if duration_seconds(remote.get("outage", "10m")) else "immediate"
        except ValueError:
            chose = None
        if chose == file_mode.lower():
            out.append(("remote.mode", "auto", source))
    return out
