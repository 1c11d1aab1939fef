"""The answers that satisfy the STIG rules the wizard's choices decide (issue #14 item 2):
auditd's disk actions (step 2), forwarding every facility (step 4, rsyslog), logging
authentication and daemon messages (step 8), and the compliance view that follows them: an
rsyslog TLS sender with those choices has every STIG rule met on EL8, EL9 and EL10 (RHEL 10's
permitted-peer rule stays a manual review of a content quirk). The real scanner's verdicts on
the same scenarios are tests/test_scap_agreement.py."""
from pathlib import Path

import pytest

from tests.security_helpers import OSES, all_notes, kinds, open_session, writes
from wizard.answers import parse_answers
from wizard.compliance.verdict import MANUAL, MET, NOT_MET
from wizard.export import ExportError
from wizard.export.playbook import write_playbook
from wizard.session import Session

SENDER = ('role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
          '[security]\nencryption = "tls"\n')
STIG = '[auditd]\ndisk_full_action = "single"\ndisk_error_action = "syslog"\n' \
       '[rsyslog]\nforward = "all"\nlog_remote_access = true\n'
FORWARD = "/etc/rsyslog.d/auditd-wizard-forward.conf"
COLLECT = "/etc/rsyslog.d/auditd-wizard-collect.conf"
ACCESS = "/etc/rsyslog.d/auditd-wizard-access.conf"
AUDITD = "/etc/audit/auditd.conf"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "stig-rsyslog-sender.toml"


def lines(text):
    return [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]


def rsyslog_restarts(session):
    return [c for c in kinds(session, "restart") if "rsyslog" in " ".join(c.start)]


def test_disk_actions_keep_by_default_and_set_when_chosen(tmp_path):
    kept = open_session(tmp_path / "a", SENDER)
    assert "disk_full_action = SUSPEND" in lines(writes(kept)[AUDITD])      # stock, untouched
    chosen = open_session(tmp_path / "b", SENDER + '[auditd]\ndisk_full_action = "halt"\n'
                                                   'disk_error_action = "single"\n')
    conf = lines(writes(chosen)[AUDITD])
    assert "disk_full_action = HALT" in conf and "disk_error_action = SINGLE" in conf
    assert "disk_full_action = SUSPEND" not in conf
    step2 = "\n".join(d.text for d in chosen.plan().steps[2].diffs)
    assert "+disk_full_action = HALT" in step2


def test_forward_all_puts_every_facility_on_the_omfwd_action(tmp_path):
    audit_only = writes(open_session(tmp_path / "a", SENDER))[FORWARD]
    assert 'if $syslogfacility-text == "local6" then {' in audit_only
    assert "*.*" not in lines(audit_only)
    everything = open_session(tmp_path / "b", SENDER + '[rsyslog]\nforward = "all"\n')
    text = lines(writes(everything)[FORWARD])
    star = text.index("*.*")
    assert text[star + 1].startswith('action(type="omfwd"')
    # the audit records still stay out of /var/log/messages, after they were forwarded
    assert text[-1] == 'if $syslogfacility-text == "local6" then stop'
    assert "Every message of this host is forwarded" in all_notes(everything)
    assert "Forward = all" in all_notes(open_session(tmp_path / "c", SENDER))


def test_the_receiver_keeps_the_other_messages_apart(tmp_path):
    receiver = open_session(tmp_path, 'role = "receiver"\nmethod = "rsyslog"\n')
    text = writes(receiver)[COLLECT]
    assert '/var/log/remote/%FROMHOST:::lowercase,secpath-replace%/audit.log' in text
    assert '/var/log/remote/%FROMHOST:::lowercase,secpath-replace%/messages.log' in text
    assert text.index('$syslogfacility-text == "local6"') < text.index('dynaFile="auditd-wizard-per-host"')


@pytest.mark.parametrize("method", ["rsyslog", "audisp-remote"])
def test_access_logging_is_a_dropin_of_its_own_with_one_restart(tmp_path, method):
    answers = ('role = "sender"\nmethod = "%s"\n[remote]\nserver = "logs.example.com"\n'
               '[rsyslog]\nlog_remote_access = true\n' % method)
    session = open_session(tmp_path, answers)
    plan = session.plan()
    assert lines(writes(session)[ACCESS]) == ["auth.*;authpriv.*;daemon.*    /var/log/secure"]
    assert [c.path for c in plan.step_changes(8) if c.kind == "write-file"] == [ACCESS]
    assert len(rsyslog_restarts(session)) == 1
    assert session.apply().ok
    again = Session.open(session.root)
    assert again.answers.rsyslog.log_remote_access is True
    assert again.plan().empty


def test_turning_access_logging_off_removes_the_dropin_and_restarts_rsyslog(tmp_path):
    on = open_session(tmp_path, SENDER + '[rsyslog]\nlog_remote_access = true\n')
    assert on.apply().ok and (on.root / ACCESS.lstrip("/")).exists()
    (tmp_path / "off.toml").write_text(SENDER)
    off = Session.open(str(on.root), str(tmp_path / "off.toml"))
    assert [c.path for c in kinds(off, "remove-file")] == [ACCESS]
    assert [c.description for c in rsyslog_restarts(off)] == [
        "Restart rsyslog so it stops using the removed drop-in"]
    assert off.apply().ok and not (on.root / ACCESS.lstrip("/")).exists()
    assert Session.open(str(on.root), str(tmp_path / "off.toml")).plan().empty


def test_access_logging_off_writes_nothing(tmp_path):
    session = open_session(tmp_path, 'role = "sender"\n[remote]\nserver = "logs.example.com"\n')
    assert ACCESS not in writes(session)
    assert rsyslog_restarts(session) == []


@pytest.mark.parametrize("answers", ["inline", "example"])
@pytest.mark.parametrize("os_name", OSES)
def test_a_stig_minded_rsyslog_tls_sender_meets_every_stig_rule(tmp_path, os_name, answers):
    text = SENDER + STIG if answers == "inline" else EXAMPLE.read_text()
    view = open_session(tmp_path, text, os_name).compliance_view()
    assert view.all_met, [(r.rule, r.why) for r in view.rows if r.stig_id and r.status == NOT_MET]
    reviews = [r.rule for r in view.rows if r.stig_id and r.status == MANUAL]
    assert reviews == (["rsyslog_omfwd_authmode"] if os_name == "almalinux-10" else [])
    assert {r.rule: r.status for r in view.rows}["rsyslog_remote_loghost"] == MET


def test_each_unmet_rule_names_the_field_that_meets_it(tmp_path):
    rows = {r.rule: r for r in open_session(tmp_path, SENDER, "almalinux-8").compliance_view().rows}
    assert rows["rsyslog_remote_loghost"].hint == "step 4, Forward: all"
    assert rows["rsyslog_remote_access_monitoring"].hint == "step 8, Log auth/daemon: yes"
    assert rows["auditd_data_disk_full_action"].hint == "step 2, On log disk full: syslog, single or halt"
    assert rows["auditd_data_disk_error_action"].hint == "step 2, On log disk error: syslog, single or halt"
    assert all(r.status in (MET, NOT_MET) or r.stig_id is None or r.needs_systemd for r in rows.values())


def test_the_export_writes_the_access_dropin_with_the_rsyslog_ones(tmp_path):
    answers = parse_answers(SENDER + '[rsyslog]\nlog_remote_access = true\n')
    write_playbook(answers, tmp_path / "out")
    role_vars = (tmp_path / "out" / "roles" / "auditd_wizard" / "vars" / "main.yml").read_text()
    dropins = role_vars.split("auditd_wizard_rsyslog_dropins:", 1)[1]
    assert ACCESS in dropins and "auth.*;authpriv.*;daemon.*" in dropins
    # not among the files written whole, which restart auditd (the auditd.service drop-in is)
    whole = role_vars.split("auditd_wizard_whole_files:", 1)[1].split("\nauditd_wizard_", 1)[0]
    assert "auditd.service.d" in whole and ACCESS not in whole


def test_the_audisp_remote_export_refuses_access_logging_in_one_line(tmp_path):
    answers = parse_answers('role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                            '[rsyslog]\nlog_remote_access = true\n')
    with pytest.raises(ExportError, match=r"^rsyslog.log_remote_access: .*method = \"rsyslog\""):
        write_playbook(answers, tmp_path / "out")
    assert not (tmp_path / "out").exists()
