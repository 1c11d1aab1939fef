"""The Security step's view of this host (Session.security_report): principals and keytab
findings (Kerberos), certificate findings (rsyslog TLS), access control, the compliance view, whether
TLS-PSK is available and, where rsyslogd exists on a real host, `rsyslogd -N1` on the drop-ins."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from wizard import kerberos, rsyslog_config, tls
from wizard.compliance.view import NATIVE_NOTE, ComplianceView
from wizard.kerberos import KRB5_CONF, Finding, Principal
from wizard.plan.errors import PlanError
from wizard.plan.methods import rsyslog as rsyslog_method
from wizard.plan.methods.native import tls_psk_refusal
from wizard.plan.security import stat_paths
from wizard.rsyslog_check import check_config, check_dropin


@dataclass
class SecurityReport:
    method: str
    encryption: str
    realm: Optional[str]
    principals: List[Principal]
    keytab_findings: List[Finding]
    kadmin_commands: List[List[str]]
    cert_findings: List[Finding]
    access_notes: List[str]
    compliance: ComplianceView
    os_major: int
    tls_psk_available: bool
    tls_psk_reason: str
    dropin_checks: List[Finding] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    @property
    def problems(self) -> List[Finding]:
        return [f for f in self.keytab_findings + self.cert_findings + self.dropin_checks
                if f.level == "error"]


def read_file_stats(host, answers, facts) -> Dict:
    stats = {}
    paths = stat_paths(answers, facts.layout)
    if answers.security.lab_certificates and answers.role == "receiver":
        paths = paths + tls.lab_outputs(answers, facts.fqdn)   # none may exist (plan refuses)
    for path in paths:
        found = host.stat(path)
        if found is not None:
            stats[path] = found
    return stats


def _kerberos_part(host, facts, answers, stats):
    realm = kerberos.default_realm(host.read_text(KRB5_CONF))
    items = kerberos.principals(answers, facts, realm)
    layout = facts.layout
    if answers.role == "sender":
        keytab, who = layout.client_keytab, "audisp-remote"
    else:
        keytab, who = kerberos.receiver_keytab(answers, layout), "auditd"
    findings = kerberos.keytab_findings(keytab, stats.get(keytab), who)
    if answers.role == "sender":
        findings.insert(0, kerberos.hostname_finding(facts, realm))
    if realm is None:
        findings.insert(0, Finding("error", KRB5_CONF, "no default_realm in [libdefaults]: "
                                   "audisp-remote and auditd use the default realm"))
    commands = kerberos.kadmin_commands(answers, items[0].name, keytab) if keytab not in stats else []
    return realm, items, findings, commands


def _own_names(answers, facts) -> List[str]:
    """Names this host's certificate must carry: what the peer pins it to."""
    if answers.role == "receiver":
        return [facts.fqdn]
    return [facts.fqdn, facts.hostname]


def _access_notes(answers) -> List[str]:
    r, notes = answers.receiver, []
    if answers.role == "sender":
        if answers.method == "audisp-remote" and 0 < answers.remote.local_port < 1024:
            notes.append("source port %d (privileged)" % answers.remote.local_port)
        return notes
    port = r.listen_port if answers.method == "audisp-remote" else answers.rsyslog.port
    notes.append("firewall: port %d open to %s" % (port, ", ".join(r.allowed_senders) or "any address"))
    if answers.method == "audisp-remote":
        if r.client_ports:
            notes.append("tcp_client_ports = %s" % r.client_ports)
        if r.max_per_addr == 1 and r.client_max_idle == 0:
            notes.append("warning: tcp_max_per_addr = 1 and tcp_client_max_idle = 0: a rebooted "
                         "sender can be refused (op=dup) until its old connection is gone")
    elif answers.security.encryption == "tls":
        notes.append("TLS permitted peers: %s" % (", ".join(answers.security.peer_names) or "(none)"))
    return notes


def dropin_checks(host, facts, answers, state) -> List[Finding]:
    """`rsyslogd -N1` on the whole rsyslog configuration this host would have (rsyslog.conf and
    its includes, with the planned drop-in), only on a real host with rsyslogd; and the TLS
    driver's package, which -N1 does not load."""
    if answers.method != "rsyslog" or not host.is_real or not host.runner.has_command("rsyslogd"):
        return []
    if answers.role == "sender" and not answers.remote.server:
        return []   # unfinished answers: nothing to check yet
    findings = []
    if answers.security.encryption == "tls":
        package = rsyslog_method.TLS_PACKAGE[answers.security.tls_driver]
        findings.append(Finding("ok", package, "%s (the %s driver) is installed" % (
            package, answers.security.tls_driver)) if state.is_installed(package) else
            Finding("warning", package, "%s is not installed: the plan installs it (rsyslogd -N1 "
                    "cannot tell a missing driver; rsyslogd would fail to load it at run time)"
                    % package))
    files = rsyslog_config.read_files(host)
    try:
        path, text = rsyslog_method.dropin(files, answers, facts.layout,
                                            event_rate=facts.event_rate)
    except PlanError as error:
        return findings + [Finding("error", "rsyslog configuration", str(error))]
    files[path] = text
    combined = rsyslog_config.combined_text(files)
    result = check_config(combined, host.runner) if combined is not None else \
        check_dropin(text, host.runner)
    return findings + [Finding("ok" if result.ok else "error", "rsyslogd -N1", result.summary)]


def build_security_report(host, facts, answers, state, compliance: ComplianceView) -> SecurityReport:
    stats = read_file_stats(host, answers, facts)
    realm, items, keytab_findings, commands = None, [], [], []
    if answers.method == "audisp-remote":
        realm, items, keytab_findings, commands = _kerberos_part(host, facts, answers, stats)
    cert_findings: List[Finding] = []
    if answers.method == "rsyslog" and answers.security.encryption == "tls":
        cert_findings = tls.certificate_findings(answers, _own_names(answers, facts),
                                                 host.read_bytes, stats)
    psk = facts.layout.supports_tls_psk
    report = SecurityReport(
        method=answers.method, encryption=answers.security.encryption, realm=realm,
        principals=items, keytab_findings=keytab_findings, kadmin_commands=commands,
        cert_findings=cert_findings, access_notes=_access_notes(answers),
        compliance=compliance, os_major=facts.os_major,
        tls_psk_available=psk,
        tls_psk_reason=("audit %s has transport = tls (TLS-PSK)" % facts.audit_version if psk
                        else tls_psk_refusal(facts).split(": ", 1)[1]),
        dropin_checks=dropin_checks(host, facts, answers, state))
    if answers.method == "audisp-remote":
        report.notes.append(NATIVE_NOTE)
    if answers.security.lab_certificates:
        report.notes.append("Lab certificates: %s." % tls.LAB_NOTICE)
    return report
