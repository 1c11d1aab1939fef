"""The compliance view: for this host's RHEL release, the content's rules about audit
forwarding and the settings the wizard writes, each met, not met, not applicable or for manual
review, checked on the host as the plan leaves it.

Rules the STIG profile leaves out are shown where they concern what this host does (the native
method's forwarding rules on a native sender, the syslog plugin on an rsyslog sender); a
scanner selects them with a tailoring file (test_scap_agreement builds one from site_values)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from wizard.compliance import audit_rules, rsyslog_rules
from wizard.compliance.content import CONTENT_VERSION, ContentRule, load_content
from wizard.compliance.projected import ProjectedHost
from wizard.compliance.verdict import NOT_MET, STATES, Subject, not_applicable

CHECKS = {**audit_rules.CHECKS, **rsyslog_rules.CHECKS}


def _native_sender(a) -> bool:
    return a.role == "sender" and a.method == "audisp-remote"


def _rsyslog_sender(a) -> bool:
    return a.role == "sender" and a.method == "rsyslog"


# Rules outside the STIG profile: shown only where they concern this host.
OUTSIDE_PROFILE_SHOWN: Dict[str, Callable] = {
    "package_audispd-plugins_installed": lambda a: a.role == "sender",
    "auditd_audispd_configure_remote_server": _native_sender,
    "auditd_audispd_encrypt_sent_records": _native_sender,
    "auditd_audispd_syslog_plugin_activated": _rsyslog_sender,
}


@dataclass(frozen=True)
class ComplianceRow:
    rule: str
    stig_id: Optional[str]       # None: outside this release's STIG profile
    vuln_id: Optional[str]
    title: str
    severity: str
    status: str                  # met | not met | not applicable | manual review
    why: str
    scanner: str                 # what OpenSCAP with this content reports: pass | fail | notapplicable
    looks_for: str               # what the content's check looks for
    hint: Optional[str] = None   # where in the wizard to change it
    needs_systemd: bool = False  # the check asks systemd (a scan of a chroot cannot answer)

    @property
    def label(self) -> str:
        return self.stig_id or "(outside the STIG profile)"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ComplianceView:
    content: str                 # "ComplianceAsCode 0.1.82"
    major: int
    profile: str                 # "DISA STIG for Red Hat Enterprise Linux 9 (V2R9)"
    basis: str                   # what the rows were checked on
    rows: List[ComplianceRow] = field(default_factory=list)
    site_values: Dict[str, str] = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status and r.stig_id)

    @property
    def summary(self) -> str:
        parts = ["%d %s" % (self.count(s), s) for s in STATES if self.count(s)]
        return "STIG rules: " + (", ".join(parts) or "none")

    @property
    def all_met(self) -> bool:
        """Every STIG rule met, apart from manual reviews of content quirks and exceptions."""
        return not any(r.stig_id and r.status == NOT_MET for r in self.rows)

    def as_dict(self) -> dict:
        return {"content": self.content, "release": self.major, "profile": self.profile,
                "basis": self.basis, "summary": self.summary, "all_met": self.all_met,
                "site_values": dict(self.site_values), "rows": [r.as_dict() for r in self.rows]}


def site_values(answers) -> Dict[str, str]:
    """The XCCDF values a site sets in its tailoring, as these answers imply them: the loghost
    that rsyslog and audisp-remote forward to."""
    values = {}
    if answers.role == "sender" and answers.remote.server:
        values["var_audispd_remote_server"] = answers.remote.server
        peers = list(answers.security.peer_names) or [answers.remote.server]
        values["rsyslog_remote_loghost_address"] = peers[0]
    return values


def _shown(rule: ContentRule, answers) -> bool:
    return rule.in_profile or OUTSIDE_PROFILE_SHOWN.get(rule.id, lambda a: False)(answers)


def _row(rule: ContentRule, subject: Subject) -> ComplianceRow:
    check, looks_for = CHECKS[rule.id]
    absent = [p for p in rule.required_packages if not subject.host.installed(p)]
    if absent:
        verdict = not_applicable("the content checks this rule only where %s is installed"
                                 % " and ".join(absent))
    else:
        verdict = check(subject, rule)
    return ComplianceRow(rule.id, rule.stig_id if rule.in_profile else None, rule.vuln_id,
                         rule.title, rule.severity, verdict.status, verdict.why, verdict.scanner,
                         looks_for, verdict.hint, rule.needs_systemd)


def compliance_view(projected, answers, major: int, basis: str) -> ComplianceView:
    """`projected`: compliance.projected.ProjectedHost (the host as the plan leaves it)."""
    content = load_content()
    release = content.releases.get(major)
    view = ComplianceView("ComplianceAsCode %s" % content.version, major,
                          "%s (%s)" % (release.profile_title, release.profile_version) if release
                          else "no RHEL %d content in ComplianceAsCode %s" % (major, CONTENT_VERSION),
                          basis, site_values=site_values(answers))
    if release is None:
        return view
    shown = [rule for rule in release.rules if _shown(rule, answers)]
    view.site_values = {k: v for k, v in view.site_values.items() if any(k in r.values for r in shown)}
    subject = Subject(projected, answers, major, view.site_values)
    view.rows = [_row(rule, subject) for rule in shown]
    return view


def planned_view(host, facts, answers, state, changes, plan_error: Optional[str] = None,
                 planned: bool = True) -> ComplianceView:
    """The view of the host as `changes` (a plan's) leave it; of the host as it is when not
    `planned` or when there is no plan (`plan_error`: why not)."""
    if not planned:
        changes, basis = [], "the host as it is now"
    elif plan_error is not None:
        changes, basis = [], "the host as it is now (no plan yet: %s)" % plan_error
    else:
        basis = "the host as Apply would leave it" if changes else "the host as it is (nothing to apply)"
    return compliance_view(ProjectedHost.after(host, state, changes), answers, facts.os_major, basis)


NATIVE_NOTE = ("The RHEL 8/9/10 STIGs offload audit records through rsyslog (method rsyslog, TLS); "
               "audisp-remote's rules (remote_server, transport = KRB5) are outside their STIG "
               "profiles and come from the OL7/RHEL 7 and SLES 12 STIGs.")
