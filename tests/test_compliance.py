"""The compliance view (wizard.compliance): ComplianceAsCode 0.1.82's rules about audit
forwarding per RHEL release, checked on the host as the plan leaves it. The agreement with the
real scanner is tests/test_scap_agreement.py; these run without it."""
import pytest

from tests.security_helpers import OSES, open_session
from wizard.session import Session
from wizard.compliance.content import load_content
from wizard.compliance.textfile import pcre, state_matches, subexpressions
from wizard.compliance.verdict import MANUAL, MET, NOT_APPLICABLE, NOT_MET

RSYSLOG_TLS_SENDER = ('role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
                      '[security]\nencryption = "tls"\n')
RSYSLOG_TLS_RECEIVER = ('role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                        'peer_names = ["*.example.com"]\n')
NATIVE_KRB_SENDER = ('role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                     '[security]\nencryption = "kerberos"\n')


def view(tmp_path, answers, os_name="almalinux-9"):
    return open_session(tmp_path, answers, os_name).compliance_view()


def rows(tmp_path, answers, os_name="almalinux-9"):
    return {r.rule: r for r in view(tmp_path, answers, os_name).rows}


def test_stig_ids_come_from_the_content_per_release():
    releases = load_content().releases
    ids = {major: {r.id: r.stig_id for r in release.rules} for major, release in releases.items()}
    assert ids[10]["rsyslog_omfwd_authmode"] == "RHEL-10-200644"
    assert ids[10]["rsyslog_omfwd_tls"] == "RHEL-10-200645"
    assert ids[10]["rsyslog_omfwd_streamdriver"] == "RHEL-10-200646"
    assert "rsyslog_encrypt_offload_defaultnetstreamdriver" not in ids[10]
    assert [ids[m]["package_rsyslog_installed"] for m in (8, 9, 10)] == [
        "RHEL-08-030670", "RHEL-09-652010", "RHEL-10-200640"]
    assert ids[9]["auditd_data_disk_full_action_stig"] == "RHEL-09-653025"
    assert ids[8]["auditd_data_disk_error_action"] == "RHEL-08-030040"
    assert ids[8]["package_audispd-plugins_installed"] is None     # outside the RHEL 8 STIG
    assert ids[9]["rsyslog_nolisten"] == "RHEL-09-652025"
    assert releases[9].rule("auditd_name_format").values == {"var_auditd_name_format": "hostname|fqd|numeric"}


def test_pcre_case_toggles_become_scoped_flags():
    assert pcre(r'^\s*action\((?i)type(?-i)="omfwd"').search('action(TYPE="omfwd"')
    assert not pcre(r'(?i)type(?-i)="omfwd"').search('type="OMFWD"')
    assert subexpressions("name_format = hostname # here\n",
                          r"^[ \t]*(?i)name_format(?-i)[ \t]*=[ \t]*(.+?)[ \t]*(?:$|#)") == ["hostname"]
    assert state_matches("NUMERIC", "(?i)hostname|fqd|numeric")


def test_rsyslog_tls_sender_audit_only_fails_the_loghost_rule(tmp_path):
    r = rows(tmp_path, RSYSLOG_TLS_SENDER)
    assert r["rsyslog_remote_loghost"].status == NOT_MET
    assert "every facility" in r["rsyslog_remote_loghost"].why
    assert r["rsyslog_encrypt_offload_defaultnetstreamdriver"].status == MET
    assert r["rsyslog_encrypt_offload_actionsendstreamdriverauthmode"].status == MET
    assert r["auditd_audispd_syslog_plugin_activated"].status == MET
    assert r["auditd_audispd_syslog_plugin_activated"].stig_id is None
    assert r["rsyslog_remote_access_monitoring"].status == NOT_MET
    assert "auth.* or daemon.*" in r["rsyslog_remote_access_monitoring"].why


def test_ossl_does_not_meet_the_gtls_rule_on_el8_and_el9(tmp_path):
    for os_name in ("almalinux-8", "almalinux-9"):
        r = rows(tmp_path / os_name, RSYSLOG_TLS_SENDER.replace('"tls"\n', '"tls"\ntls_driver = "ossl"\n'), os_name)
        driver = r["rsyslog_encrypt_offload_defaultnetstreamdriver"]
        assert (driver.status, driver.scanner) == (NOT_MET, "fail")
        assert "only gtls" in driver.why and driver.hint == "step 8, TLS driver: gtls"
        assert r["package_rsyslog-gnutls_installed"].status == NOT_MET


def test_the_receiver_fails_the_sending_side_rules(tmp_path):
    r = rows(tmp_path, RSYSLOG_TLS_RECEIVER)
    for rule in ("rsyslog_encrypt_offload_actionsendstreamdrivermode",
                 "rsyslog_encrypt_offload_actionsendstreamdriverauthmode"):
        assert r[rule].status == NOT_MET and "sending side" in r[rule].why
    assert r["rsyslog_encrypt_offload_defaultnetstreamdriver"].status == MET   # its global() has gtls
    assert r["package_audispd-plugins_installed"].status == NOT_MET
    nolisten = r["rsyslog_nolisten"]
    assert (nolisten.status, nolisten.scanner) == (MANUAL, "fail")
    assert "documented exception" in nolisten.why


def test_el10_authmode_is_a_manual_review_of_a_content_quirk(tmp_path):
    r = rows(tmp_path, RSYSLOG_TLS_SENDER, "almalinux-10")
    authmode = r["rsyslog_omfwd_authmode"]
    assert (authmode.status, authmode.scanner, authmode.stig_id) == (MANUAL, "fail", "RHEL-10-200644")
    assert "StreamDriverPermittedPeers" in authmode.why and "logs.example.com" in authmode.why
    assert r["rsyslog_omfwd_tls"].status == MET and r["rsyslog_omfwd_streamdriver"].status == MET


def test_el10_rules_on_omfwd_actions_pass_where_nothing_forwards(tmp_path):
    r = rows(tmp_path, NATIVE_KRB_SENDER, "almalinux-10")
    assert r["rsyslog_omfwd_tls"].status == MET and "no omfwd action" in r["rsyslog_omfwd_tls"].why


def test_native_kerberos_sender(tmp_path):
    el9 = rows(tmp_path / "9", NATIVE_KRB_SENDER)
    el8 = rows(tmp_path / "8", NATIVE_KRB_SENDER, "almalinux-8")
    assert el8["auditd_audispd_encrypt_sent_records"].status == MET
    assert el9["auditd_audispd_encrypt_sent_records"].status == MANUAL   # it checks enable_krb5
    assert "enable_krb5" in el9["auditd_audispd_encrypt_sent_records"].why
    assert el9["auditd_audispd_configure_remote_server"].status == MET
    assert "rsyslog" in el9["rsyslog_remote_loghost"].why
    assert "auditd_audispd_syslog_plugin_activated" not in el9


def test_auditd_settings_the_answers_decide(tmp_path):
    r = rows(tmp_path / "a", RSYSLOG_TLS_SENDER + '[auditd]\nlog_format = "RAW"\nname_format = "none"\n')
    assert r["auditd_log_format"].status == NOT_MET and "ENRICHED" in r["auditd_log_format"].why
    assert r["auditd_name_format"].status == NOT_MET
    r = rows(tmp_path / "b", 'role = "receiver"\n[receiver]\nlocal_events = false\n')
    assert r["auditd_local_events"].status == NOT_MET
    assert "local_events = no" in r["auditd_local_events"].why


def test_disk_actions_follow_each_release_check(tmp_path):
    r8 = rows(tmp_path / "8", RSYSLOG_TLS_SENDER, "almalinux-8")
    r9 = rows(tmp_path / "9", RSYSLOG_TLS_SENDER)
    r10 = rows(tmp_path / "10", RSYSLOG_TLS_SENDER, "almalinux-10")
    assert r8["auditd_data_disk_full_action"].status == NOT_MET           # stock SUSPEND
    assert "SUSPEND" in r9["auditd_data_disk_error_action_stig"].why
    assert not any(rule.startswith("auditd_data_disk") for rule in r10)  # not in the RHEL 10 STIG


def test_rules_of_a_missing_package_are_not_applicable(tmp_path):
    session = open_session(tmp_path, NATIVE_KRB_SENDER)
    session.system_state().installed.pop("rsyslog")
    r = {row.rule: row for row in session.compliance_view().rows}
    row = r["rsyslog_encrypt_offload_defaultnetstreamdriver"]
    assert (row.status, row.scanner) == (NOT_APPLICABLE, "notapplicable")
    assert "rsyslog is installed" in row.why
    assert r["package_rsyslog_installed"].status == NOT_MET


@pytest.mark.parametrize("os_name", OSES)
def test_every_release_view_names_its_profile(tmp_path, os_name):
    v = view(tmp_path, RSYSLOG_TLS_SENDER, os_name)
    major = int(os_name.rsplit("-", 1)[1])
    assert v.major == major and v.content == "ComplianceAsCode 0.1.82"
    assert "Red Hat Enterprise Linux %d" % major in v.profile
    assert all(r.stig_id is None or r.stig_id.startswith("RHEL-%02d-" % major) for r in v.rows)
    assert v.basis == "the host as Apply would leave it"
    assert not v.all_met   # audit-only forwarding, no auth/daemon logging, stock disk actions


def test_security_report_carries_the_view(tmp_path):
    report = open_session(tmp_path, RSYSLOG_TLS_SENDER).security_report()
    assert report.compliance.rows and report.compliance.major == 9


def test_unfinished_answers_show_the_host_as_it_is(tmp_path):
    session = open_session(tmp_path, RSYSLOG_TLS_SENDER)
    a = session.answers   # a form still being filled in: no receiver yet
    session.replace_answers(a.model_copy(update={"remote": a.remote.model_copy(update={"server": None})}))
    v = session.compliance_view()
    assert v.basis.startswith("the host as it is now (no plan yet: remote.server")
    assert {r.rule: r for r in v.rows}["package_rsyslog-gnutls_installed"].status == NOT_MET


def test_a_configured_host_is_checked_as_it_is(tmp_path):
    session = open_session(tmp_path, RSYSLOG_TLS_SENDER)
    assert session.apply().ok
    v = Session.open(str(tmp_path / "root")).compliance_view()   # answers read from the files
    assert v.basis == "the host as it is (nothing to apply)"
    assert {r.rule: r.status for r in v.rows}["rsyslog_encrypt_offload_actionsendstreamdrivermode"] == MET
