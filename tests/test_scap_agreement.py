"""The compliance view agrees with the auditors' scanner (OpenSCAP + ComplianceAsCode 0.1.82)
on every rule it shows: EL8/9/10 x the scenarios of tests/scap/agreement.py (both methods,
both roles, Kerberos, TLS with gtls and with ossl, and the STIG-minded choices). The planned view (what the Security step
shows before Apply) and the view of the applied root (what `auditd-wizard compliance --root`
shows) must be the same; rules that ask systemd cannot be checked in a chroot and are reported,
not counted. About 10 s a scan; a second run with the same input (CI's other Python) reads the
scanner's verdicts from the cache (tests/scap/scanner.py)."""
import os

import pytest

from tests.scap import extract_rules
from tests.scap.agreement import OSES, SCENARIOS, STIG_SENDER, run_scenario, table
from tests.scap.content import ContentUnavailable
from tests.scap.scanner import missing_tools

pytestmark = pytest.mark.scap


@pytest.fixture(scope="module")
def scanner_here():
    missing = missing_tools()
    if missing:
        message = "the SCAP scanner test needs " + "; ".join(missing) + " (.ci/run installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
        pytest.skip(message)


def test_the_packaged_rules_are_what_the_content_says(scanner_here):
    """wizard/compliance/ssg-0.1.82.json is exactly what extracting from the content gives."""
    try:
        fresh = extract_rules.render(extract_rules.extract())
    except ContentUnavailable as error:
        pytest.fail(str(error), pytrace=False)
    assert extract_rules.DATA_FILE.read_text() == fresh, (
        "the data file is out of date: run `python -m tests.scap.extract_rules`")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("os_name", OSES)
def test_view_agrees_with_the_scanner(scanner_here, tmp_path, os_name, scenario):
    outcome = run_scenario(os_name, scenario, tmp_path)
    print(table([outcome]))
    print("scan: %.1f s%s" % (outcome.scan.seconds, " (from the cache)" if outcome.scan.cached else ""))
    assert outcome.apply_ok
    assert outcome.planned_vs_applied == [], "planned and applied views differ"
    assert len(outcome.rows) >= 15
    disagreements = ["%s: view %s (scanner would say %s), scanner %s" % (a.rule, a.view, a.expected, a.scanner)
                     for a in outcome.rows if not a.agrees]
    assert disagreements == []
    # Only the systemd rules may go unchecked, and only as the chroot's "unknown".
    unchecked = {a.rule for a in outcome.rows if a.chroot_cannot_check}
    assert unchecked <= {"service_auditd_enabled", "service_rsyslog_enabled"}


@pytest.mark.parametrize("os_name", OSES)
def test_the_stig_minded_sender_meets_every_stig_rule(scanner_here, tmp_path, os_name):
    """An rsyslog TLS sender with the STIG's choices: every STIG rule met, and the scanner
    passes each one it can check; on RHEL 10 the permitted-peer rule stays a manual review
    (the content wants spellings rsyslog does not know)."""
    outcome = run_scenario(os_name, STIG_SENDER, tmp_path)
    print(table([outcome]))
    assert outcome.all_met
    stig = [a for a in outcome.rows if a.stig_id]
    reviews = [a.rule for a in stig if a.view == "manual review"]
    assert reviews == (["rsyslog_omfwd_authmode"] if os_name == "almalinux-10" else [])
    assert [a.rule for a in stig if a.view != "met" and a.rule not in reviews] == []
    assert [a.rule for a in stig if a.scanner != "pass" and not a.chroot_cannot_check
            and a.rule not in reviews] == []
