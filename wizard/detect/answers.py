"""The setup the files hold -> answers, checked by the answers model; what the model cannot
hold is reported, never silently dropped."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from wizard import tls
from wizard.conf import KeyValueFile
from wizard.detect import applied, rsyslog
from wizard.detect.found import Found
from wizard.detect.setups import Setup, describe, find_setups
from wizard.model import Answers, field_error
from wizard.plan.methods import rsyslog_dropins
from wizard.plan.queues import rsyslog_queue

STOCK_DISK_ACTION = "suspend"   # auditd.conf as audit ships it on EL8/9/10


@dataclass
class Detected:
    answers: Answers
    configured: bool                       # a previous forwarding setup was found
    role: Optional[str] = None
    unrepresented: List[str] = field(default_factory=list)


class _Collector:
    """Puts file values into answer fields, keeping only those the model accepts."""

    def __init__(self):
        self.data: Dict[str, Any] = {}
        self.unrepresented: List[str] = []

    def put(self, dotted: str, value: Any, source: str) -> None:
        if value is None:
            return
        message = field_error(dotted, value)
        if message:
            self.unrepresented.append(f"{source}: {value!r} does not fit the wizard's form "
                                      f"({message}); applying replaces it")
            return
        section, _, key = dotted.rpartition(".")
        target = self.data.setdefault(section, {}) if section else self.data
        target[key] = value


def _rsyslog_differences(host, answers: Answers, end: Found, event_rate) -> Tuple[Answers, List[str]]:
    """The lab CA marker, a queue the wizard sized, then what planning the drop-in again would
    not write."""
    if end.role == "receiver" and answers.security.encryption == "tls" and \
            lab_certificates(host, answers):
        answers = answers.model_copy(update={"security": answers.security.model_copy(
            update={"lab_certificates": True})})
    if end.role == "sender":
        answers = _sized_queue(host, answers, event_rate)
        made = rsyslog_dropins.sender_dropin(answers, event_rate=event_rate)
    else:
        made = rsyslog_dropins.receiver_dropin(answers)
    return answers, rsyslog.differences(end.path, host.read_text(end.path) or "", made)


def lab_certificates(host, answers: Answers) -> bool:
    """The receiver made a lab CA (its README is under <ca dir>/lab/)."""
    text = host.read_text(tls.lab_dir(answers) + "/README")
    return text is not None and tls.LAB_NOTICE in text


def _sized_queue(host, answers: Answers, event_rate) -> Answers:
    """queue.maxDiskSpace reads back as unset (sized again from the outage and rate) when the
    wizard sized it and the file still holds what sizing gives; otherwise as the value."""
    unset = answers.model_copy(update={"rsyslog": answers.rsyslog.model_copy(
        update={"queue_max_disk": None})})
    if answers.rsyslog.queue_max_disk and applied.queue_was_sized(host, "sender", "rsyslog") \
            and rsyslog_queue(unset, event_rate).max_disk == answers.rsyslog.queue_max_disk:
        return unset
    return answers


def _auditd_fields(out: _Collector, auditd: Optional[KeyValueFile]) -> None:
    if auditd is None:
        return
    name_format = auditd.get("name_format")
    out.put("auditd.name_format", name_format.lower() if name_format else None, "auditd.conf name_format")
    out.put("auditd.name", auditd.get("name"), "auditd.conf name")
    log_format = auditd.get("log_format")
    out.put("auditd.log_format", log_format.upper() if log_format else None, "auditd.conf log_format")
    overflow = auditd.get("overflow_action")
    out.put("auditd.overflow_action", overflow.lower() if overflow else None, "auditd.conf overflow_action")
    for key in ("disk_full_action", "disk_error_action"):
        value = (auditd.get(key) or "").lower()
        # The package's own value reads back as "keep" (what a first run plans, too).
        if value and value != STOCK_DISK_ACTION:
            out.put("auditd." + key, value, "auditd.conf " + key)


def detect(host, facts, setups: Optional[List[Setup]] = None) -> Detected:
    """`setups`: find_setups' result when Welcome already read it."""
    layout = facts.layout
    out = _Collector()
    text = host.read_text(layout.auditd_conf)
    _auditd_fields(out, KeyValueFile.parse(text) if text is not None else None)

    # The first setup found is what the wizard shows; the others are reported.
    if setups is None:
        setups = find_setups(host, layout)
    if not setups:
        # A first run: the stock files say nothing about forwarding, and their name_format
        # (NONE) is exactly what forwarding must change, so start from the wizard's defaults.
        return Detected(Answers(), configured=False)
    shown, method = setups[0]
    for other, other_method in setups[1:]:
        out.unrepresented.append("this host also %s; the wizard shows it as a %s that %s"
                                 % (describe(other, other_method), shown.role,
                                    describe(shown, method)))
    out.data["role"], out.data["method"] = shown.role, method
    out.unrepresented += rsyslog.foreign_dropins(host, layout)
    if host.read_text(rsyslog_dropins.access_path(layout)) is not None:
        out.put("rsyslog.log_remote_access", True, rsyslog_dropins.access_path(layout))
    for dotted, value, source in shown.fields:
        out.put(dotted, value, source)
    if shown.role == "sender":
        file_mode = next((v for d, v, _s in shown.fields if d == "remote.mode"), None)
        for dotted, value, source in applied.answer_only_fields(host, shown.role, method, file_mode):
            out.put(dotted, value, source)
    out.unrepresented += shown.unrepresented
    answers = Answers.model_validate(out.data)
    if method == "rsyslog":
        answers, notes = _rsyslog_differences(host, answers, shown, facts.event_rate)
        out.unrepresented += notes
    return Detected(answers, configured=True, role=shown.role, unrepresented=out.unrepresented)
