"""What survives a receiver outage (issue #16), on sandbox roots: the rate read from the host's
own audit log, the queues sized from the outage and the rate, the words the plan says, the
dead-connection settings on both ends, the receiver answers that carry them, the doctor's
checks, and the answers no file holds coming back on a rerun. The real daemons hold the plan
to these numbers in tests/test_realstack_delivery.py."""
from pathlib import Path

import pytest

from tests.test_doctor import applied, edit, finding, fixed
from tests.test_planner import active_lines, final_content, session_for
from wizard.answers import parse_answers
from wizard.event_rate import measure
from wizard.model import validate_answers
from wizard.plan.preflight import HostChecks, preflight
from wizard.plan.queues import (QUEUE_SLOT_BYTES, duration_seconds, native_queues,
                                planned_rate, stale_wait)
from wizard.receiver_answers import receiver_answers_for
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n'


def line(second, serial):
    return ("type=SYSCALL msg=audit(%d.%03d:%d): arch=c000003e syscall=257 success=yes"
            % (1764990000 + second, serial % 1000, serial))


def sender(**remote):
    text = SENDER + "".join("%s = %s\n" % (k, v if isinstance(v, int) else '"%s"' % v)
                            for k, v in remote.items())
    return parse_answers(text)


# ------------------------------------------------------------------ the rate
def test_rate_is_the_busiest_minute_of_the_last_hour_of_the_log():
    lines = [line(s, s) for s in range(0, 3600 * 2, 2)]          # 0.5/s for two hours ...
    lines += [line(4980 + s % 60, 10 ** 6 + s) for s in range(600)]  # ... and 600 in one minute
    rate = measure("\n".join(sorted(lines, key=lambda l: l.split("(")[1])).encode())
    assert rate.peak == 10.5                                     # 600/60 + the 0.5/s under it
    assert rate.seconds == 3599 and rate.records == 1800 + 600   # only the last hour
    assert measure(b"no records here\n") is None


def test_planned_rate_doubles_the_busiest_minute_to_a_1_2_5_step_or_takes_the_answer():
    class Measured:
        source, peak = "/var/log/audit/audit.log", 9.0
    assert planned_rate(None, Measured).per_second == 20         # 18 -> 20
    Measured.peak = 0.2
    assert planned_rate(None, Measured).per_second == 10         # at least 10
    Measured.peak = 130
    assert planned_rate(None, Measured).per_second == 500        # 260 -> 500
    assert planned_rate(None, None).per_second == 50             # nothing to read
    assert planned_rate(300, Measured).per_second == 300


def test_demo_root_has_a_log_the_wizard_reads_its_rate_from(tmp_path):
    session = Session.open(str(make_demo_root(tmp_path / "root", "almalinux-9")))
    rate = session.facts.event_rate
    assert rate is not None and rate.peak == 9.0 and rate.average == 2.47
    assert "busiest minute" in rate.describe()


# ------------------------------------------------------------------ sizing
def test_queues_hold_the_outage_with_headroom_and_auditd_holds_the_drain():
    queues = native_queues(sender(outage="10m", peak_rate=120), None)
    assert queues.mode == "forward"
    assert queues.queue_depth == 120 * 600 * 110 // 100          # 79200
    # while the 79200 go out at 1000/s, 120/s come in: auditd holds 120 * 79.2 s, +10%
    assert queues.q_depth == 10455
    assert queues.promise == 600 and queues.survives == 660
    assert queues.disk_bytes == 79201 * QUEUE_SLOT_BYTES
    assert queues.loss(1200) == 120 * 1200 - 79200
    assert queues.words("/var/spool/audit") == (
        "Survives a receiver outage of 10 minutes at 120 records/s; uses 929 MiB in "
        "/var/spool/audit.")


def test_a_long_outage_at_a_high_rate_is_limited_by_auditds_q_depth():
    queues = native_queues(sender(outage="1h", peak_rate=500), None)
    assert queues.q_depth == 99999
    assert queues.promise < 3600 and queues.promise == queues.survives == 363
    assert "6 minutes" in queues.words("/var/spool/audit")


def test_no_outage_means_immediate_mode_and_an_even_bigger_queue_than_q_depth():
    queues = native_queues(sender(outage="0", peak_rate=50), None)
    assert (queues.mode, queues.q_depth, queues.queue_depth, queues.disk_bytes) == \
        ("immediate", 2000, 2001, 0)
    explicit = native_queues(sender(outage="10m", peak_rate=50, mode="immediate"), None)
    assert explicit.mode == "immediate" and explicit.disk_bytes == 0
    assert "in memory, lost if auditd or this host restarts" in explicit.words("/var/spool/audit")


@pytest.mark.parametrize("text,seconds", [("0", 0), ("90s", 90), ("10m", 600), ("2h", 7200),
                                          ("1d", 86400)])
def test_durations(text, seconds):
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("value", ["10", "ten minutes", "-5m", "5 w", "31d"])
def test_a_bad_outage_is_refused_naming_the_field(value):
    answers, messages = validate_answers({"role": "sender", "remote": {"server": "h", "outage": value}})
    assert answers is None and messages[0].startswith("remote.outage: ")


def test_stale_connections_wait_nothing_while_a_place_is_free_then_two_idle_periods():
    assert stale_wait(2, 60, 1) == 0
    assert stale_wait(2, 60, 2) == 120
    assert stale_wait(1, 60, 1) == 120
    assert stale_wait(1, 0, 1) is None


# ------------------------------------------------------------------ the plan
@pytest.mark.parametrize("os_name", ["almalinux-8", "almalinux-9", "almalinux-10"])
def test_sender_plan_sizes_both_queues_and_says_what_survives(tmp_path, os_name):
    session = session_for(tmp_path, os_name, SENDER)
    remote = active_lines(final_content(session, "/etc/audit/audisp-remote.conf"))
    # the demo log's busiest minute is 9/s: planned 20/s, 10 minutes + 10%
    for wanted in ("mode = forward", "queue_depth = 13200", "heartbeat_timeout = 30",
                   "queue_file = /var/spool/audit/remote.log"):
        assert wanted in remote
    assert "q_depth = 2000" in active_lines(final_content(session, "/etc/audit/auditd.conf"))
    notes = session.plan().steps[4].notes
    assert notes[0].startswith("Survives a receiver outage of 10 minutes at 20 records/s; "
                               "uses 155 MiB in /var/spool/audit.")
    assert "twice the busiest minute of /var/log/audit/audit.log (9.0/s)" in notes[0]


def test_step_4_shows_the_q_depth_it_sets_in_auditd_conf(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER + "peak_rate = 200\n")
    assert "q_depth = 29040" in active_lines(final_content(session, "/etc/audit/auditd.conf"))
    diffs = {item.title: item.text for item in session.plan().steps[4].diffs}
    assert "+q_depth = 29040" in diffs["/etc/audit/auditd.conf"]
    assert "+queue_depth = 132000" in diffs["/etc/audit/audisp-remote.conf"]


def test_local_port_and_no_heartbeat_are_explained(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER + "local_port = 61\nheartbeat_timeout = 0\n")
    notes = "\n".join(session.plan().steps[4].notes)
    assert "TIME_WAIT" in notes and "local_port = 61" in notes
    assert "heartbeat_timeout = 0" in notes


def test_receiver_plan_closes_dead_connections_and_says_so(tmp_path):
    session = session_for(tmp_path, "almalinux-9", 'role = "receiver"\n')
    conf = active_lines(final_content(session, "/etc/audit/auditd.conf"))
    assert "tcp_max_per_addr = 2" in conf and "tcp_client_max_idle = 60" in conf
    notes = "\n".join(session.plan().steps[6].notes)
    assert "let back in at once" in notes and "within 2 minutes" in notes


def test_receiver_answers_carry_twice_the_senders_heartbeat():
    one = receiver_answers_for(sender(heartbeat_timeout=10), "192.0.2.5")
    assert one.receiver.client_max_idle == 20 and one.receiver.max_per_addr == 2
    # merging a sender with a longer heartbeat raises it, a shorter one keeps it
    two = receiver_answers_for(sender(heartbeat_timeout=45), "192.0.2.6", one)
    assert two.receiver.client_max_idle == 90
    three = receiver_answers_for(sender(heartbeat_timeout=5), "192.0.2.7", two)
    assert three.receiver.client_max_idle == 90
    off = receiver_answers_for(sender(heartbeat_timeout=0), "192.0.2.8")
    assert off.receiver.client_max_idle == 60


# ------------------------------------------------------------------ rerun
def test_outage_and_rate_come_back_from_the_applied_answers(tmp_path):
    root = applied(tmp_path, SENDER + 'outage = "30m"\npeak_rate = 70\n')
    again = Session.open(str(root))
    assert (again.answers.remote.outage, again.answers.remote.peak_rate) == ("30m", 70)
    assert again.plan().empty


# ------------------------------------------------------------------ doctor
def test_doctor_says_what_the_files_survive(tmp_path):
    root = applied(tmp_path)
    found = finding(Session.open(str(root)), "sender-recovery")
    assert found.status == "ok"
    assert "survives a receiver outage of 11 minutes at 20 records/s" in found.explanation


def test_doctor_fixes_a_sender_that_would_never_reconnect(tmp_path):
    root = applied(tmp_path)
    edit(root, "etc/audit/audisp-remote.conf", "remote_ending_action = reconnect",
         "remote_ending_action = syslog")
    fixed(root, "sender-recovery", contains="never connects again")


def test_doctor_stop_with_no_restarts_is_a_problem(tmp_path):
    root = applied(tmp_path, SENDER + 'network_failure_action = "stop"\n')
    found = finding(Session.open(str(root)), "sender-recovery")
    assert found.status == "warning" and "at most 10 times" in found.explanation
    conf = Path(root) / "etc/audit/auditd.conf"
    conf.write_text(conf.read_text() + "max_restarts = 0\n")
    fixed(root, "sender-recovery", contains="does not start it again")


def test_doctor_turns_the_heartbeat_on(tmp_path):
    root = applied(tmp_path, SENDER + "heartbeat_timeout = 0\n")
    fixed(root, "sender-recovery", status="warning", contains="heartbeat_timeout = 0")


def test_doctor_receiver_that_never_closes_dead_connections(tmp_path):
    root = applied(tmp_path, 'role = "receiver"\n[receiver]\nmax_per_addr = 1\nclient_max_idle = 0\n')
    fixed(root, "receiver-dead-connections", contains="#33")


def test_preflight_blocks_a_forward_queue_only_for_the_space_it_still_needs(tmp_path):
    session = session_for(tmp_path, "almalinux-9", SENDER)
    plan = session.plan()
    need = native_queues(session.answers, session.facts.event_rate).disk_bytes

    def blockers(free, existing):
        found = preflight(plan, session.answers, session.facts, HostChecks(free, existing))
        return [f.text for f in found if f.level == "blocker"]
    assert need == 13201 * QUEUE_SLOT_BYTES
    assert blockers(need - 1, 0) == [
        "mode = forward: the queue /var/spool/audit/remote.log needs 155 MiB (queue_depth = "
        "13200, for an outage of 10 minutes at 20 records/s), but its filesystem has 154 MiB "
        "free; lower remote.outage or remote.peak_rate, or free space first"]
    assert blockers(need, 0) == []
    # a rerun: the queue file audisp-remote allocated last time is reused
    assert blockers(2 ** 20, need - 2 ** 20) == []


# ------------------------------------------------------------------ the rsyslog method
RSYSLOG_SENDER = 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'


def test_rsyslog_sender_says_what_its_disk_queue_survives(tmp_path):
    session = session_for(tmp_path, "almalinux-9", RSYSLOG_SENDER)
    findings = session.plan().steps[4].findings
    survives = [f for f in findings if f.text.startswith("Survives")]
    assert survives[0].level == "note" and survives[0].text.startswith(
        "Survives a receiver outage of 10 minutes at 20 records/s; uses up to 1024 MiB in "
        "/var/lib/rsyslog (queue.maxDiskSpace")
    assert "twice the busiest minute" in survives[0].text
    assert "queue.maxDiskSpace = 1g, sized from remote.outage (10 minutes) x 20 records/s" \
        in survives[0].text
    assert not [f for f in findings if f.level != "note"]
    assert session.what_survives().startswith("Survives a receiver outage of 10 minutes")


def test_rsyslog_disk_queue_too_small_for_the_outage_is_a_warning_naming_the_size(tmp_path):
    session = session_for(tmp_path, "almalinux-9", RSYSLOG_SENDER + 'outage = "2h"\n'
                          'peak_rate = 200\n[rsyslog]\nqueue_max_disk = "100m"\n')
    warnings = [f.text for f in session.plan().steps[4].findings if f.level == "warning"]
    assert warnings == [
        "remote.outage asks for 2 hours at 200 records/s, but rsyslog.queue_max_disk = 100m "
        "holds about 4 minutes (about 2 KiB a record on disk): set it to at least 3094m, or "
        "lower remote.outage or remote.peak_rate."]
    assert "queue.maxDiskSpace=\"100m\"" in final_content(
        session, "/etc/rsyslog.d/auditd-wizard-forward.conf")


def test_rsyslog_disk_queue_unset_is_sized_from_the_outage_and_rate(tmp_path):
    session = session_for(tmp_path, "almalinux-9", RSYSLOG_SENDER + 'outage = "2h"\n'
                          'peak_rate = 200\n')
    findings = session.plan().steps[4].findings
    assert not [f for f in findings if f.level != "note"]
    survives = [f.text for f in findings if f.text.startswith("Survives")]
    assert survives[0].startswith("Survives a receiver outage of 2 hours at 200 records/s; uses "
                                  "up to 3094 MiB in /var/lib/rsyslog")
    assert "queue.maxDiskSpace = 3094m, sized from remote.outage (2 hours) x 200 records/s" \
        in survives[0]
    assert 'queue.maxDiskSpace="3094m"' in final_content(
        session, "/etc/rsyslog.d/auditd-wizard-forward.conf")


def test_preflight_blocks_an_rsyslog_queue_that_does_not_fit_var_lib_rsyslog(tmp_path):
    session = session_for(tmp_path, "almalinux-9", RSYSLOG_SENDER + 'outage = "2h"\n'
                          'peak_rate = 200\n')
    plan = session.plan()
    need = 3094 * 2 ** 20                                   # sized: 200/s for 2 h

    def blockers(free, existing=0):
        checks = HostChecks(rsyslog_free_bytes=free, rsyslog_queue_bytes=existing)
        found = preflight(plan, session.answers, session.facts, checks)
        return [f.text for f in found if f.level == "blocker"]
    assert blockers(need - 1) == [
        "the rsyslog forward queue may use 3094 MiB in /var/lib/rsyslog (queue.maxDiskSpace = "
        "3094m, for an outage of 2 hours at 200 records/s), but its filesystem has 3093 MiB "
        "free; lower remote.outage, remote.peak_rate or rsyslog.queue_max_disk, or free space "
        "first"]
    assert blockers(need) == []
    # records already queued from an outage are part of the limit
    assert blockers(2 ** 20, need - 2 ** 20) == []
    # the session reads the free space of rsyslog's work directory (or its nearest parent)
    assert session._host_checks().rsyslog_free_bytes > 0
