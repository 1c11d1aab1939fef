"""Does the compliance view agree with the scanner? One scenario on one release:

1. a fresh demo root and an answers file; the view the Security step shows (planned);
2. apply; the view `auditd-wizard compliance --root` shows on the applied root (answers
   detected from its files);
3. the scanner on a copy of the applied root, for exactly the rules the view shows.

    python -m tests.scap.agreement            # the agreement table, every scenario x EL

prints the table (scans come from the cache after a test run)."""
from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from tests.scap.scanner import ScanResult, scan
from tests.security_helpers import demo
from wizard.session import Session

OSES = ("almalinux-8", "almalinux-9", "almalinux-10")
SERVER = 'server = "logs.example.com"\n'
SCENARIOS: Dict[str, str] = {
    "native-sender": 'role = "sender"\nmethod = "audisp-remote"\n[remote]\n' + SERVER,
    "native-sender-krb5": ('role = "sender"\nmethod = "audisp-remote"\n[remote]\n' + SERVER +
                           '[security]\nencryption = "kerberos"\n'),
    "native-receiver": 'role = "receiver"\nmethod = "audisp-remote"\n',
    "native-receiver-krb5": 'role = "receiver"\nmethod = "audisp-remote"\n[security]\nencryption = "kerberos"\n',
    "rsyslog-sender": 'role = "sender"\nmethod = "rsyslog"\n[remote]\n' + SERVER,
    "rsyslog-sender-gtls": ('role = "sender"\nmethod = "rsyslog"\n[remote]\n' + SERVER +
                            '[security]\nencryption = "tls"\ntls_driver = "gtls"\n'),
    "rsyslog-sender-ossl": ('role = "sender"\nmethod = "rsyslog"\n[remote]\n' + SERVER +
                            '[security]\nencryption = "tls"\ntls_driver = "ossl"\n'),
    "rsyslog-receiver-gtls": ('role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                              'tls_driver = "gtls"\npeer_names = ["*.example.com"]\n'),
    # What a STIG-minded admin picks: every facility forwarded, gtls, auth/daemon logged, the
    # STIG's disk actions.
    "rsyslog-sender-stig": ('role = "sender"\nmethod = "rsyslog"\n[auditd]\ndisk_full_action = "single"\n'
                            'disk_error_action = "syslog"\n[remote]\n' + SERVER +
                            '[rsyslog]\nforward = "all"\nlog_remote_access = true\n'
                            '[security]\nencryption = "tls"\ntls_driver = "gtls"\n'),
    "rsyslog-receiver-stig": ('role = "receiver"\nmethod = "rsyslog"\n[auditd]\ndisk_full_action = "halt"\n'
                              'disk_error_action = "single"\n[rsyslog]\nlog_remote_access = true\n'
                              '[security]\nencryption = "tls"\ntls_driver = "gtls"\n'
                              'peer_names = ["*.example.com"]\n'),
}
STIG_SENDER = "rsyslog-sender-stig"
# What a scan of a chroot gives for rules that ask systemd (nothing to ask there).
UNCHECKABLE = ("unknown", "error", "notchecked")


@dataclass(frozen=True)
class Agreement:
    os_name: str
    scenario: str
    rule: str
    stig_id: Optional[str]
    view: str                    # the view's status (planned; the applied view is checked equal)
    expected: str                # what the view says the scanner reports
    scanner: str                 # what the scanner reported
    chroot_cannot_check: bool

    @property
    def agrees(self) -> bool:
        return self.chroot_cannot_check or self.expected == self.scanner


@dataclass
class Outcome:
    rows: List[Agreement]
    planned_vs_applied: List[str]    # rules whose planned and applied views differ
    scan: ScanResult
    apply_ok: bool
    all_met: bool                    # the view's verdict on the STIG rules


def run_scenario(os_name: str, scenario: str, scratch: Path) -> Outcome:
    root = demo(scratch, os_name)
    answers = scratch / "answers.toml"
    answers.write_text(SCENARIOS[scenario])
    session = Session.open(str(root), str(answers))
    planned = session.compliance_view()
    result = session.apply()
    applied = Session.open(str(root)).compliance_view(planned=False)
    differ = sorted({r.rule for r in planned.rows} ^ {r.rule for r in applied.rows})
    by_rule = {r.rule: r for r in applied.rows}
    differ += [r.rule for r in planned.rows if r.rule in by_rule and
               (r.status, r.scanner) != (by_rule[r.rule].status, by_rule[r.rule].scanner)]
    extra = [r.rule for r in planned.rows if r.stig_id is None]
    scanned = scan(root, planned.major, [r.rule for r in planned.rows], extra,
                   planned.site_values, scratch)
    rows = [Agreement(os_name, scenario, r.rule, r.stig_id, r.status, r.scanner,
                      scanned.results.get(r.rule, "not evaluated"),
                      r.needs_systemd and scanned.results.get(r.rule) in UNCHECKABLE)
            for r in planned.rows]
    return Outcome(rows, differ, scanned, result.ok, planned.all_met)


def table(outcomes: List[Outcome]) -> str:
    lines = ["| EL | scenario | rule | STIG id | view | scanner | agree |", "|---|---|---|---|---|---|---|"]
    for outcome in outcomes:
        for a in outcome.rows:
            scanner = a.scanner + (" (systemd: not checkable in a chroot)" if a.chroot_cannot_check else "")
            agree = "n/a" if a.chroot_cannot_check else ("yes" if a.agrees else "NO")
            lines.append("| %s | %s | %s | %s | %s (%s) | %s | %s |" % (
                a.os_name.rsplit("-", 1)[1], a.scenario, a.rule, a.stig_id or "outside profile",
                a.view, a.expected, scanner, agree))
    return "\n".join(lines)


def by_rule(outcomes: List[Outcome]) -> str:
    """Per rule and release: scenarios where view and scanner agree / where the scanner could
    check the rule (rows a chroot cannot check are counted apart)."""
    counts: Dict[str, Dict[str, List[int]]] = {}
    for outcome in outcomes:
        for a in outcome.rows:
            cell = counts.setdefault(a.rule, {}).setdefault(a.os_name.rsplit("-", 1)[1], [0, 0, 0])
            if a.chroot_cannot_check:
                cell[2] += 1
            else:
                cell[0] += a.agrees
                cell[1] += 1
    releases = [o.rsplit("-", 1)[1] for o in OSES]
    lines = ["| rule | " + " | ".join("EL%s agree" % r for r in releases) + " |",
             "|---|" + "---|" * len(releases)]
    for rule in sorted(counts):
        cells = []
        for r in releases:
            agree, checked, unchecked = counts[rule].get(r, [0, 0, 0])
            text = "%d/%d" % (agree, checked) if checked or not unchecked else "-"
            cells.append(text + (" (+%d not checkable)" % unchecked if unchecked else "")
                         if checked or unchecked else "not shown")
        lines.append("| %s | %s |" % (rule, " | ".join(cells)))
    return "\n".join(lines)


def main() -> int:
    outcomes = []
    for os_name in OSES:
        for scenario in SCENARIOS:
            with tempfile.TemporaryDirectory() as scratch:
                outcomes.append(run_scenario(os_name, scenario, Path(scratch)))
    print(table(outcomes))
    print()
    print(by_rule(outcomes))
    disagreements = [a for o in outcomes for a in o.rows if not a.agrees]
    print("\n%d rows, %d disagreements, %d not checkable in a chroot, %d scans from the cache"
          % (sum(len(o.rows) for o in outcomes), len(disagreements),
             sum(a.chroot_cannot_check for o in outcomes for a in o.rows),
             sum(o.scan.cached for o in outcomes)))
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
