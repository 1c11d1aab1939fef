"""Current files -> answers (the rerun case).

Whatever the files say that the answers model cannot hold is reported, never silently dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from wizard import detect_rsyslog
from wizard.conf import KeyValueFile
from wizard.model import Answers, field_error


@dataclass
class Detected:
    answers: Answers
    configured: bool                       # a previous forwarding setup was found
    role: Optional[str] = None
    unrepresented: List[str] = field(default_factory=list)


def _read(host, path: str) -> Optional[KeyValueFile]:
    text = host.read_text(path)
    return KeyValueFile.parse(text) if text is not None else None


def _yes(value: Optional[str]) -> bool:
    return (value or "").strip().lower() == "yes"


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
            self.unrepresented.append(f"{source}: {value!r} cannot be represented ({message})")
            return
        section, _, key = dotted.rpartition(".")
        target = self.data.setdefault(section, {}) if section else self.data
        target[key] = value


def _int(value: Optional[str]) -> Any:
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else value


_RICH_SOURCE = re.compile(r'^rule family="ipv[46]" source address="([^"]+)" port port="(\d+)" '
                          r'protocol="tcp" accept$')


def _allowed_senders(host, port: int) -> List[str]:
    """The sources firewalld lets in to `port` by rich rules (empty: any address, or no
    firewall), in the order the rules are listed."""
    from wizard.probe import read_firewall
    running, _zone, ports, rules = read_firewall(host.runner, None)
    if not running or f"{port}/tcp" in ports:
        return []
    found = []
    for rule in sorted(rules):
        match = _RICH_SOURCE.match(rule)
        if match and int(match.group(2)) == port and match.group(1) not in found:
            found.append(match.group(1))
    return found


def _rsyslog_differences(host, answers: Answers, end) -> Tuple[Answers, List[str]]:
    """The lab CA marker, then what planning the drop-in again would not write."""
    from wizard import rsyslog_plan
    if end.role == "receiver" and answers.security.encryption == "tls" and \
            detect_rsyslog.lab_certificates(host, answers):
        answers = answers.model_copy(update={"security": answers.security.model_copy(
            update={"lab_certificates": True})})
    make = rsyslog_plan.sender_dropin if end.role == "sender" else rsyslog_plan.receiver_dropin
    return answers, detect_rsyslog.differences(end.path, host.read_text(end.path) or "", make(answers))


def detect(host, facts) -> Detected:
    layout = facts.layout
    out = _Collector()
    auditd = _read(host, layout.auditd_conf)
    remote_plugin = _read(host, layout.au_remote_conf)
    remote = _read(host, layout.audisp_remote_conf)

    if auditd is not None:
        name_format = auditd.get("name_format")
        out.put("auditd.name_format", name_format.lower() if name_format else None, "auditd.conf name_format")
        out.put("auditd.name", auditd.get("name"), "auditd.conf name")
        log_format = auditd.get("log_format")
        out.put("auditd.log_format", log_format.upper() if log_format else None, "auditd.conf log_format")
        overflow = auditd.get("overflow_action")
        out.put("auditd.overflow_action", overflow.lower() if overflow else None, "auditd.conf overflow_action")

    native_sender = remote_plugin is not None and _yes(remote_plugin.get("active"))
    native_receiver = auditd is not None and auditd.get("tcp_listen_port") is not None
    rs_sender = detect_rsyslog.read_sender(host, layout)
    rs_receiver = detect_rsyslog.read_receiver(host, layout)
    # The first of these is what the wizard shows; the others are reported.
    setups = [(on, role, method, text) for on, role, method, text in (
        (native_sender, "sender", "audisp-remote", "forwards with audisp-remote (au-remote.conf active)"),
        (rs_sender is not None, "sender", "rsyslog", "forwards with rsyslog (%s)"
         % (rs_sender.path if rs_sender else "")),
        (native_receiver, "receiver", "audisp-remote", "listens with auditd (tcp_listen_port)"),
        (rs_receiver is not None, "receiver", "rsyslog", "listens with rsyslog (%s)"
         % (rs_receiver.path if rs_receiver else ""))) if on]
    role = method = None
    if setups:
        _on, role, method, shown = setups[0]
        for _on, _role, _method, text in setups[1:]:
            out.unrepresented.append("this host also %s; the wizard shows it as a %s that %s"
                                     % (text, role, shown))
        out.data["role"] = role
        out.data["method"] = method
    out.unrepresented += detect_rsyslog.foreign_dropins(host, layout)
    rsyslog_end = None
    if method == "rsyslog":
        rsyslog_end = rs_sender if role == "sender" else rs_receiver
        for dotted, value, source in rsyslog_end.fields:
            out.put(dotted, value, source)
        out.unrepresented += rsyslog_end.unrepresented
    native = method == "audisp-remote"   # else the native sections keep their defaults

    if native and role == "sender" and remote is not None:
        out.put("remote.server", remote.get("remote_server") or None, "audisp-remote.conf remote_server")
        out.put("remote.port", _int(remote.get("port")), "audisp-remote.conf port")
        out.put("remote.mode", (remote.get("mode") or "").lower() or None, "audisp-remote.conf mode")
        out.put("remote.queue_depth", _int(remote.get("queue_depth")), "audisp-remote.conf queue_depth")
        out.put("remote.network_failure_action", remote.get("network_failure_action"),
                "audisp-remote.conf network_failure_action")
        out.put("remote.heartbeat_timeout", _int(remote.get("heartbeat_timeout")),
                "audisp-remote.conf heartbeat_timeout")
        out.put("remote.queue_file", remote.get("queue_file"), "audisp-remote.conf queue_file")
        local_port = remote.get("local_port")
        out.put("remote.local_port", 0 if local_port in (None, "", "any") else _int(local_port),
                "audisp-remote.conf local_port")
        if (remote.get("transport") or "").lower() == "krb5":
            out.data.setdefault("security", {})["encryption"] = "kerberos"
        fmt = (remote.get("format") or "managed").lower()
        if fmt != "managed":
            out.unrepresented.append(f"audisp-remote.conf format = {fmt}: the wizard writes "
                                     "`format = managed` (an auditd receiver drops ascii records)")
    if native and role == "receiver" and auditd is not None:
        out.put("receiver.listen_port", _int(auditd.get("tcp_listen_port")), "auditd.conf tcp_listen_port")
        out.put("receiver.listen_queue", _int(auditd.get("tcp_listen_queue")), "auditd.conf tcp_listen_queue")
        out.put("receiver.max_per_addr", _int(auditd.get("tcp_max_per_addr")), "auditd.conf tcp_max_per_addr")
        out.put("receiver.client_max_idle", _int(auditd.get("tcp_client_max_idle")),
                "auditd.conf tcp_client_max_idle")
        out.put("receiver.client_ports", auditd.get("tcp_client_ports"), "auditd.conf tcp_client_ports")
        local_events = auditd.get("local_events")
        if local_events is not None:
            out.put("receiver.local_events", _yes(local_events), "auditd.conf local_events")
        if (auditd.get("transport") or "").lower() == "krb5":
            out.data.setdefault("security", {})["encryption"] = "kerberos"
        port = _int(auditd.get("tcp_listen_port"))
        if isinstance(port, int):
            out.put("receiver.allowed_senders", _allowed_senders(host, port) or None,
                    "firewalld rich rules")

    if role is None:
        # A first run: the stock files say nothing about forwarding, and their name_format
        # (NONE) is exactly what forwarding must change, so start from the wizard's defaults.
        return Detected(Answers(), configured=False)
    answers = Answers.model_validate(out.data)
    if rsyslog_end is not None:
        answers, notes = _rsyslog_differences(host, answers, rsyslog_end)
        out.unrepresented += notes
    return Detected(answers, configured=True, role=role, unrepresented=out.unrepresented)
