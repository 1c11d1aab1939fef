"""The playbook's variables: which settings an admin may change per host or per group without
exporting again, and their values from the answers."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from wizard.model import Answers

# (file name, key) -> variable. Everything else the playbook writes is fixed by the answers
# (export again after changing them).
LIFTED: Dict[Tuple[str, str], str] = {
    ("audisp-remote.conf", "remote_server"): "auditd_wizard_remote_server",
    ("audisp-remote.conf", "port"): "auditd_wizard_remote_port",
    ("auditd.conf", "name"): "auditd_wizard_node_name",
    ("auditd.conf", "tcp_listen_port"): "auditd_wizard_listen_port",
}

DESCRIPTIONS: Dict[str, str] = {
    "auditd_wizard_root": "Where the target's filesystem starts; / on a real host (tests use a sandbox).",
    "auditd_wizard_manage_system": "Install packages, label ports, open the firewall, start and "
                                   "restart auditd. false edits the files only.",
    "auditd_wizard_manage_selinux": "Label the forwarding port with semanage (audit_port_t for a port "
                                    "other than 60; a syslog port type for rsyslog).",
    "auditd_wizard_manage_firewall": "Open the listen port in firewalld (receivers).",
    "auditd_wizard_remote_server": "The receiver every sender forwards to (remote_server).",
    "auditd_wizard_remote_port": "The receiver's port (port in audisp-remote.conf).",
    "auditd_wizard_node_name": "This host's name in forwarded events (name_format = user); "
                               "set it per host in host_vars.",
    "auditd_wizard_listen_port": "The port auditd listens on (tcp_listen_port).",
    "auditd_wizard_allowed_senders": "Addresses or networks the firewall lets in; [] = any.",
    "auditd_wizard_firewall_zone": "The firewalld zone; '' = the zone firewalld uses by default.",
    "auditd_wizard_rsyslog_port": "The receiver's rsyslog TCP port (omfwd target port; imtcp port).",
    "auditd_wizard_tls_peer_names": "Certificate names rsyslog accepts from the other end "
                                    "(a sender: the receiver's, [] = remote server; a receiver: "
                                    "the senders', PermittedPeer).",
    "auditd_wizard_tls_ca_file": "CA certificate both ends trust (rsyslog TLS).",
    "auditd_wizard_tls_cert_file": "This host's certificate (rsyslog TLS).",
    "auditd_wizard_tls_key_file": "This host's private key (rsyslog TLS; made root-only, 0600).",
}


def lifted_variable(path: str, key: str) -> Optional[str]:
    return LIFTED.get((path.rsplit("/", 1)[-1], key.lower()))


def answer_variables(answers: Answers) -> Dict[str, object]:
    """The variables a role's defaults and the group_vars file carry, with the answers' values."""
    values: Dict[str, object] = {
        "auditd_wizard_root": "/",
        "auditd_wizard_manage_system": True,
        "auditd_wizard_manage_selinux": answers.selinux.manage,
    }
    native = answers.method == "audisp-remote"
    if answers.role == "sender":
        values["auditd_wizard_remote_server"] = answers.remote.server or ""
        if native:
            values["auditd_wizard_remote_port"] = answers.remote.port
    else:
        values["auditd_wizard_manage_firewall"] = answers.firewall.manage
        if native:
            values["auditd_wizard_listen_port"] = answers.receiver.listen_port
        values["auditd_wizard_allowed_senders"] = list(answers.receiver.allowed_senders)
        values["auditd_wizard_firewall_zone"] = answers.firewall.zone or ""
    if not native:
        from wizard.export.rsyslog_tasks import tls_variables
        values["auditd_wizard_rsyslog_port"] = answers.rsyslog.port
        if answers.security.encryption == "tls":
            values.update(tls_variables(answers))
    if answers.auditd.name_format == "user":
        values["auditd_wizard_node_name"] = answers.auditd.name or ""
    return values


def described(names: List[str]) -> str:
    return "\n".join(f"{name}: {DESCRIPTIONS[name]}" for name in names if name in DESCRIPTIONS)
