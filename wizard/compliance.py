"""Which RHEL 8/9/10 STIG items about audit offloading the planned configuration meets
(audit-facts.md §5, from ComplianceAsCode's products/rhel*/controls/stig_rhel*.yml).

The RHEL 8/9/10 STIGs satisfy "offload + encrypt" through rsyslog, not audisp-remote: their
audit-side items are only name_format, overflow_action and (9, 10) audispd-plugins installed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

RELEASES = (8, 9, 10)


@dataclass(frozen=True)
class ComplianceRow:
    rule: str                       # ComplianceAsCode rule id
    title: str
    ids: Dict[int, Optional[str]]   # EL major -> STIG id (None: not in that release's STIG)
    met: bool
    why: str

    def id_for(self, major: int) -> Optional[str]:
        return self.ids.get(major)


def _rsyslog_tls(a) -> bool:
    return a.method == "rsyslog" and a.security.encryption == "tls"


def _forwards_with_rsyslog(a) -> bool:
    return a.method == "rsyslog" and a.role == "sender"


def _check_name_format(a, _installed) -> Tuple[bool, str]:
    ok = a.auditd.name_format in ("hostname", "fqd", "numeric")
    return ok, "name_format = %s%s" % (a.auditd.name_format, "" if ok else
                                       " (needs hostname, fqd or numeric)")


def _check_overflow(a, _installed) -> Tuple[bool, str]:
    ok = a.auditd.overflow_action in ("syslog", "single", "halt")
    return ok, "overflow_action = %s%s" % (a.auditd.overflow_action.upper(), "" if ok else
                                           " (needs SYSLOG, SINGLE or HALT)")


def _package(name: str) -> Callable:
    def check(_a, installed) -> Tuple[bool, str]:
        ok = name in installed
        return ok, "%s %s" % (name, "installed" if ok else "not installed")
    return check


def _check_loghost(a, _installed) -> Tuple[bool, str]:
    if _forwards_with_rsyslog(a):
        return True, "omfwd over TCP to %s:%d" % (a.remote.server or "(receiver not set yet)", a.rsyslog.port)
    if a.role == "receiver":
        return False, "this host is the log host; its own rsyslog forwards nothing"
    return False, "audisp-remote forwards; the STIG checks rsyslog (method = rsyslog)"


def _check_driver(a, _installed) -> Tuple[bool, str]:
    if _rsyslog_tls(a):
        return True, "DefaultNetstreamDriver = %s" % a.security.tls_driver
    return False, "no rsyslog TLS (method = rsyslog, encryption = tls)"


def _check_mode(a, _installed) -> Tuple[bool, str]:
    if _rsyslog_tls(a):
        return True, "StreamDriverMode 1 (TLS only)"
    return False, "no rsyslog TLS (method = rsyslog, encryption = tls)"


def _check_authmode(a, _installed) -> Tuple[bool, str]:
    if not _rsyslog_tls(a):
        return False, "no rsyslog TLS (method = rsyslog, encryption = tls)"
    peers = list(a.security.peer_names) or ([a.remote.server] if a.role == "sender" and a.remote.server else [])
    return bool(peers), "x509/name, permitted peers: %s" % (", ".join(peers) or "(none)")


# rule, title, RHEL 8, RHEL 9, RHEL 10, check
TABLE = (
    ("auditd_name_format", "auditd labels records with the node name",
     "RHEL-08-030062", "RHEL-09-653060", "RHEL-10-500045", _check_name_format),
    ("auditd_overflow_action", "auditd acts when the dispatcher queue overflows",
     "RHEL-08-030700", "RHEL-09-653065", "RHEL-10-500115", _check_overflow),
    ("package_audispd-plugins_installed", "audispd-plugins is installed",
     None, "RHEL-09-653130", "RHEL-10-200662", _package("audispd-plugins")),
    ("package_rsyslog_installed", "rsyslog is installed",
     "RHEL-08-030670", None, None, _package("rsyslog")),
    ("package_rsyslog-gnutls_installed", "rsyslog-gnutls is installed",
     "RHEL-08-030680", "RHEL-09-652015", "RHEL-10-200650", _package("rsyslog-gnutls")),
    ("rsyslog_remote_loghost", "rsyslog offloads logs to a remote host over TCP",
     "RHEL-08-030690", "RHEL-09-652055", "RHEL-10-200642", _check_loghost),
    ("rsyslog_encrypt_offload_defaultnetstreamdriver", "rsyslog uses a TLS network stream driver",
     "RHEL-08-030710", "RHEL-09-652050", "RHEL-10-200646", _check_driver),
    ("rsyslog_encrypt_offload_actionsendstreamdrivermode", "rsyslog forwards in TLS-only mode",
     "RHEL-08-030710", "RHEL-09-652045", "RHEL-10-200645", _check_mode),
    ("rsyslog_encrypt_offload_actionsendstreamdriverauthmode",
     "rsyslog authenticates the peer by certificate name",
     "RHEL-08-030720", "RHEL-09-652040", "RHEL-10-200644", _check_authmode),
)


def planned_packages(answers, installed) -> List[str]:
    """Packages present after the plan: those installed plus those the plan installs."""
    out = set(installed)
    if answers.role == "sender":
        out.add("audispd-plugins")
    if answers.method == "rsyslog":
        out.add("rsyslog")
        if answers.security.encryption == "tls":
            out.add("rsyslog-gnutls" if answers.security.tls_driver == "gtls" else "rsyslog-openssl")
    return sorted(out)


def compliance_rows(answers, installed) -> List[ComplianceRow]:
    """One row per STIG item, evaluated on the planned configuration. `installed`: package
    names installed now (SystemState.installed)."""
    after = set(planned_packages(answers, installed))
    rows = []
    for rule, title, el8, el9, el10, check in TABLE:
        met, why = check(answers, after)
        rows.append(ComplianceRow(rule, title, {8: el8, 9: el9, 10: el10}, met, why))
    return rows


NATIVE_NOTE = ("Encryption of audisp-remote (transport = KRB5) is an OL7/RHEL 7 and SLES 12 STIG "
               "item (OL07-00-030310), not part of the RHEL 8/9/10 STIGs, which ask for rsyslog "
               "with TLS.")
