"""Reading back an audisp-remote setup (wizard/plan/methods/native.py wrote it) for detect().

Sender: au-remote.conf active and audisp-remote.conf. Receiver: auditd.conf tcp_listen_port,
and the firewalld rich rules that admit the senders.
"""
from __future__ import annotations

from typing import Optional

from wizard.conf import KeyValueFile
from wizard.detect.firewall import put_firewall
from wizard.detect.found import Found, as_int


def _read(host, path: str) -> Optional[KeyValueFile]:
    text = host.read_text(path)
    return KeyValueFile.parse(text) if text is not None else None


def _yes(value: Optional[str]) -> bool:
    return (value or "").strip().lower() == "yes"


def _tls_psk(found: Found, conf: KeyValueFile, where: str) -> None:
    """transport = tls: TLS-PSK (audit 4.2+), with its key file and identity."""
    if (conf.get("transport") or "").lower() == "tls":
        found.put("security.encryption", "tls", where + "transport")
        found.put("security.tls_psk_file", conf.get("tls_psk_file"), where + "tls_psk_file")
        found.put("security.tls_psk_identity", conf.get("tls_psk_identity"),
                  where + "tls_psk_identity")


def read_sender(host, layout) -> Optional[Found]:
    plugin = _read(host, layout.au_remote_conf)
    if plugin is None or not _yes(plugin.get("active")):
        return None
    found = Found("sender", layout.au_remote_conf)
    remote = _read(host, layout.audisp_remote_conf)
    if remote is None:
        return found
    where = "audisp-remote.conf "
    found.put("remote.server", remote.get("remote_server") or None, where + "remote_server")
    found.put("remote.port", as_int(remote.get("port")), where + "port")
    found.put("remote.mode", (remote.get("mode") or "").lower() or None, where + "mode")
    found.put("remote.network_failure_action", remote.get("network_failure_action"),
              where + "network_failure_action")
    found.put("remote.heartbeat_timeout", as_int(remote.get("heartbeat_timeout")),
              where + "heartbeat_timeout")
    found.put("remote.queue_file", remote.get("queue_file"), where + "queue_file")
    local_port = remote.get("local_port")
    found.put("remote.local_port", 0 if local_port in (None, "", "any") else as_int(local_port),
              where + "local_port")
    if (remote.get("transport") or "").lower() == "krb5":
        found.put("security.encryption", "kerberos", where + "transport")
        found.put("security.krb5_principal", _service(remote.get("krb5_client_name")),
                  where + "krb5_client_name")
    _tls_psk(found, remote, where)
    fmt = (remote.get("format") or "managed").lower()
    if fmt != "managed":
        found.unrepresented.append(f"audisp-remote.conf format = {fmt}: the wizard writes "
                                   "`format = managed` (an auditd receiver drops ascii records)")
    return found


def read_receiver(host, layout) -> Optional[Found]:
    auditd = _read(host, layout.auditd_conf)
    if auditd is None or auditd.get("tcp_listen_port") is None:
        return None
    found = Found("receiver", layout.auditd_conf)
    where = "auditd.conf "
    found.put("receiver.listen_port", as_int(auditd.get("tcp_listen_port")), where + "tcp_listen_port")
    found.put("receiver.listen_queue", as_int(auditd.get("tcp_listen_queue")), where + "tcp_listen_queue")
    found.put("receiver.max_per_addr", as_int(auditd.get("tcp_max_per_addr")), where + "tcp_max_per_addr")
    found.put("receiver.client_max_idle", as_int(auditd.get("tcp_client_max_idle")),
              where + "tcp_client_max_idle")
    found.put("receiver.client_ports", auditd.get("tcp_client_ports"), where + "tcp_client_ports")
    local_events = auditd.get("local_events")
    if local_events is not None:
        found.put("receiver.local_events", _yes(local_events), where + "local_events")
    if (auditd.get("transport") or "").lower() == "krb5":
        found.put("security.encryption", "kerberos", where + "transport")
        found.put("security.krb5_principal", _service(auditd.get("krb5_principal")),
                  where + "krb5_principal")
        found.put("security.krb5_key_file", auditd.get("krb5_key_file"), where + "krb5_key_file")
    _tls_psk(found, auditd, where)
    put_firewall(found, host, as_int(auditd.get("tcp_listen_port")))
    return found


def _service(name: Optional[str]) -> Optional[str]:
    """A Kerberos service name other than audit's default (auditd)."""
    return name if name and name != "auditd" else None
