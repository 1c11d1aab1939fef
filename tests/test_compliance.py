"""The compliance view: RHEL 8/9/10 STIG items about audit offloading, met or not by the
planned configuration (audit-facts.md §5)."""
import pytest

from wizard.compliance import TABLE, compliance_rows
from wizard.model import Answers
from tests.security_helpers import OSES, open_session

RSYSLOG_TLS_SENDER = {"role": "sender", "method": "rsyslog", "remote": {"server": "logs.example.com"},
                      "security": {"encryption": "tls"}}
NATIVE_KRB_SENDER = {"role": "sender", "remote": {"server": "logs.example.com"},
                     "security": {"encryption": "kerberos"}}


def rows(data, installed=("audit", "rsyslog")):
    return {r.rule: r for r in compliance_rows(Answers.model_validate(data), installed)}


def test_ids_per_release_follow_the_table():
    r = rows(RSYSLOG_TLS_SENDER)
    assert r["auditd_name_format"].ids == {8: "RHEL-08-030062", 9: "RHEL-09-653060", 10: "RHEL-10-500045"}
    assert r["auditd_overflow_action"].ids == {8: "RHEL-08-030700", 9: "RHEL-09-653065", 10: "RHEL-10-500115"}
    assert r["package_audispd-plugins_installed"].ids == {8: None, 9: "RHEL-09-653130", 10: "RHEL-10-200662"}
    assert r["rsyslog_remote_loghost"].id_for(10) == "RHEL-10-200642"
    assert r["package_rsyslog-gnutls_installed"].ids == {8: "RHEL-08-030680", 9: "RHEL-09-652015",
                                                         10: "RHEL-10-200650"}
    assert r["rsyslog_encrypt_offload_actionsendstreamdriverauthmode"].id_for(8) == "RHEL-08-030720"
    assert len(r) == len(TABLE)


def test_rsyslog_tls_sender_meets_every_item():
    r = rows(RSYSLOG_TLS_SENDER)
    assert [rule for rule, row in r.items() if not row.met] == []
    assert "logs.example.com" in r["rsyslog_encrypt_offload_actionsendstreamdriverauthmode"].why


def test_native_kerberos_sender_meets_only_the_audit_items():
    r = rows(NATIVE_KRB_SENDER)
    met = {rule for rule, row in r.items() if row.met}
    assert met == {"auditd_name_format", "auditd_overflow_action",
                   "package_audispd-plugins_installed", "package_rsyslog_installed"}
    assert "rsyslog" in r["rsyslog_remote_loghost"].why


def test_wrong_audit_values_are_not_met():
    data = dict(NATIVE_KRB_SENDER, auditd={"name_format": "none", "overflow_action": "ignore"})
    r = rows(data)
    assert not r["auditd_name_format"].met and "hostname, fqd or numeric" in r["auditd_name_format"].why
    assert not r["auditd_overflow_action"].met


def test_ossl_does_not_install_rsyslog_gnutls():
    data = dict(RSYSLOG_TLS_SENDER, security={"encryption": "tls", "tls_driver": "ossl"})
    assert not rows(data)["package_rsyslog-gnutls_installed"].met
    assert rows(data, installed=("rsyslog", "rsyslog-gnutls"))["package_rsyslog-gnutls_installed"].met


def test_receiver_is_not_a_forwarding_loghost():
    r = rows({"role": "receiver", "method": "rsyslog",
              "security": {"encryption": "tls", "peer_names": ["a.example.com"]}})
    assert not r["rsyslog_remote_loghost"].met
    assert r["rsyslog_encrypt_offload_actionsendstreamdrivermode"].met


@pytest.mark.parametrize("os_name", OSES)
def test_session_report_carries_the_rows_for_this_release(tmp_path, os_name):
    session = open_session(tmp_path, 'role = "sender"\nmethod = "rsyslog"\n[remote]\n'
                                     'server = "logs.example.com"\n[security]\nencryption = "tls"\n',
                           os_name)
    report = session.security_report()
    major = int(os_name.rsplit("-", 1)[1])
    assert report.os_major == major
    by_rule = {row.rule: row for row in report.compliance}
    assert by_rule["rsyslog_remote_loghost"].met
    assert by_rule["rsyslog_remote_loghost"].id_for(major).startswith("RHEL-%02d-" % major)


def test_report_on_unfinished_answers_does_not_fail(tmp_path):
    session = open_session(tmp_path, 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "x.example.com"\n'
                                     '[security]\nencryption = "tls"\n')
    a = session.answers   # a form still being filled in: no receiver yet
    session.replace_answers(a.model_copy(update={"remote": a.remote.model_copy(update={"server": None})}))
    report = session.security_report()
    by_rule = {row.rule: row for row in report.compliance}
    assert not by_rule["rsyslog_encrypt_offload_actionsendstreamdriverauthmode"].met
    assert "(none)" in by_rule["rsyslog_encrypt_offload_actionsendstreamdriverauthmode"].why
