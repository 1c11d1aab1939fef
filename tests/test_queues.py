"""wizard/plan/queues.py formula by formula (issue #16 item 1): audisp-remote's queue_depth and
auditd's q_depth from the outage and the rate, their caps and floors, what the queue costs on
disk, what an outage loses, the planned rate, the words; the rsyslog method's queue.maxDiskSpace
against the same outage; bad input refused naming the field, nothing kept or written.
Pure functions and one in-process CLI run: about a second in all."""
import pytest

from tests.test_cli import run, snapshot
from wizard.answers import parse_answers
from wizard.model import validate_answers
from wizard.plan.queues import (DRAIN_RATE, HEADROOM_PERCENT, Q_DEPTH_DEFAULT, Q_DEPTH_MAX,
                                QUEUE_SLOT_BYTES, RATE_FLOOR, RSYSLOG_RECORD_BYTES,
                                dead_connection_words, duration_seconds, duration_words, mib,
                                native_queues, planned_rate, rsyslog_queue, rsyslog_size_bytes)
from wizard.sandbox import make_demo_root
from wizard.session import Session

SPOOL = "/var/spool/audit"


def sender(method="audisp-remote", rsyslog=None, **remote):
    def value(v):
        return str(v) if isinstance(v, int) else '"%s"' % v
    text = 'role = "sender"\nmethod = "%s"\n[remote]\nserver = "logs.example.com"\n' % method
    text += "".join("%s = %s\n" % (k, value(v)) for k, v in remote.items())
    if rsyslog:
        text += "[rsyslog]\n" + "".join("%s = %s\n" % (k, value(v)) for k, v in rsyslog.items())
    return parse_answers(text)


class Measured:
    source = "/var/log/audit/audit.log"

    def __init__(self, peak):
        self.peak = peak


# ------------------------------------------------------------------ audisp-remote's queue_depth
def test_queue_depth_is_the_outage_at_the_rate_plus_ten_percent_rounded_up():
    queues = native_queues(sender(outage="7m", peak_rate=33), None)
    exact = 33 * 420 * HEADROOM_PERCENT / 100                     # 15246.0
    assert queues.queue_depth == 15246 == exact
    odd = native_queues(sender(outage="97s", peak_rate=31), None)
    assert 31 * 97 * 1.1 == pytest.approx(3307.7)
    assert odd.queue_depth == 3308                               # rounded up, never down


def test_queue_depth_is_always_bigger_than_q_depth():
    """Upstream's advice: "a large q_depth, an even bigger queue_depth"."""
    small = native_queues(sender(outage="5s", peak_rate=10), None)   # 55 records asked for
    assert small.q_depth == Q_DEPTH_DEFAULT and small.queue_depth == Q_DEPTH_DEFAULT + 1
    assert "queue_depth = 2001 (one more than q_depth" in small.details(SPOOL)
    for outage, rate in (("10m", 120), ("1h", 500), ("30s", 5000), ("2h", 1)):
        queues = native_queues(sender(outage=outage, peak_rate=rate), None)
        assert queues.queue_depth > queues.q_depth, (outage, rate)


# ------------------------------------------------------------------ auditd's q_depth
def test_q_depth_holds_what_comes_in_while_the_backlog_drains():
    queues = native_queues(sender(outage="20m", peak_rate=200), None)
    assert queues.queue_depth == 264000                          # 200 * 1200 * 1.1
    # the backlog goes out at DRAIN_RATE: 264 s, while 200/s come in; + 10%
    assert queues.q_depth == 264000 * 200 * 110 // (DRAIN_RATE * 100) == 58080
    assert queues.promise == 1200
    assert "queue_depth = 264000 (the outage asked, 20 minutes, plus 10%)" in queues.details(SPOOL)


def test_q_depth_has_auditds_default_as_floor_and_its_maximum_as_cap():
    assert native_queues(sender(outage="1m", peak_rate=10), None).q_depth == Q_DEPTH_DEFAULT
    capped = native_queues(sender(outage="6h", peak_rate=900), None)
    assert capped.q_depth == Q_DEPTH_MAX == 99999


def test_a_backlog_auditd_could_not_hold_is_not_queued_and_the_promise_says_less():
    """Beyond q_depth's maximum the records would be lost in auditd while the backlog drains:
    queue_depth stops where q_depth = 99999 suffices, and the promise shrinks with it."""
    queues = native_queues(sender(outage="1h", peak_rate=500), None)
    most = Q_DEPTH_MAX * DRAIN_RATE * 100 // (500 * HEADROOM_PERCENT)
    assert queues.queue_depth == most == 181816 < 500 * 3600
    assert queues.q_depth == Q_DEPTH_MAX
    assert queues.survives == int(most / 500) == 363             # auditd alone would hold 399 s
    assert queues.promise == 363 < queues.outage
    assert "queue_depth = 181816 (as much as auditd's q_depth = 99999 can hold" in \
        queues.details(SPOOL)
    assert queues.words(SPOOL).startswith("Survives a receiver outage of 6 minutes at 500")


def test_survives_is_the_smaller_of_what_each_queue_holds():
    queues = native_queues(sender(outage="10m", peak_rate=100), None)
    by_queue = queues.queue_depth / 100                          # 660 s
    by_auditd = queues.q_depth * DRAIN_RATE / 100 ** 2           # 6600 * 1000 / 10000 = 660 s
    assert queues.survives == int(min(by_queue, by_auditd)) == 660
    assert queues.promise == 600                                 # never more than asked


# ------------------------------------------------------------------ mode, disk, memory, loss
@pytest.mark.parametrize("mode,outage,expected", [
    ("auto", "10m", "forward"), ("auto", "0", "immediate"),
    ("forward", "0", "forward"), ("immediate", "10m", "immediate")])
def test_mode_auto_forwards_when_an_outage_is_to_be_ridden_out(mode, outage, expected):
    assert native_queues(sender(mode=mode, outage=outage, peak_rate=20), None).mode == expected


def test_the_forward_queue_file_costs_twelve_kib_a_slot_plus_one():
    forward = native_queues(sender(outage="10m", peak_rate=20), None)
    assert forward.queue_depth == 13200
    assert forward.disk_bytes == 13201 * QUEUE_SLOT_BYTES == 162_213_888
    assert forward.words(SPOOL).endswith("uses 155 MiB in /var/spool/audit.")
    immediate = native_queues(sender(mode="immediate", outage="10m", peak_rate=20), None)
    assert immediate.disk_bytes == 0 and "MiB" not in immediate.words(SPOOL)


def test_auditd_memory_is_q_depth_events():
    queues = native_queues(sender(outage="20m", peak_rate=200), None)
    assert queues.auditd_memory_bytes == 58080 * 8986
    assert "up to 498 MiB of memory" in queues.details(SPOOL)


def test_an_outage_loses_what_goes_beyond_the_queue():
    queues = native_queues(sender(outage="10m", peak_rate=120), None)   # queue_depth 79200
    assert queues.loss(600) == 0 and queues.loss(660) == 0
    assert queues.loss(1200) == 120 * 1200 - 79200 == 64800
    assert queues.loss(1200, rate=50) == 0                       # a quieter host loses nothing
    assert "20 minutes at 120 records/s loses about 64800" in queues.details(SPOOL)


def test_a_rate_at_or_above_the_drain_rate_never_catches_up():
    assert native_queues(sender(outage="1m", peak_rate=999), None).catches_up
    assert not native_queues(sender(outage="1m", peak_rate=DRAIN_RATE), None).catches_up


def test_no_outage_says_how_much_memory_holds_instead_of_a_promise():
    queues = native_queues(sender(outage="0", peak_rate=50), None)
    assert queues.promise == queues.survives == 40               # 2001 / 50
    assert queues.words(SPOOL) == (
        "No outage asked for (remote.outage = 0): mode = immediate, up to 2001 records wait "
        "in memory (40 seconds at 50 records/s).")


# ------------------------------------------------------------------ the planned rate
@pytest.mark.parametrize("peak,planned", [
    (0.1, RATE_FLOOR), (4.9, RATE_FLOOR), (5.0, 10), (5.1, 20), (10, 20), (10.5, 50),
    (25, 50), (26, 100), (50, 100), (99, 200), (250, 500), (251, 1000), (600, 2000)])
def test_planned_rate_is_twice_the_busiest_minute_stepped_up_1_2_5(peak, planned):
    assert planned_rate(None, Measured(peak)).per_second == planned


def test_planned_rate_prefers_the_answer_and_says_where_it_comes_from():
    given = planned_rate(7, Measured(400))
    assert (given.per_second, given.source) == (7, "given in the answers (remote.peak_rate)")
    read = planned_rate(None, Measured(9.0))
    assert read.source == "twice the busiest minute of /var/log/audit/audit.log (9.0/s)"
    assert planned_rate(None, None).source.startswith("assumed")
    assert native_queues(sender(outage="1m"), Measured(9.0)).rate == 20


# ------------------------------------------------------------------ durations and sizes in words
@pytest.mark.parametrize("seconds,words", [
    (0, "0 seconds"), (1, "1 second"), (59, "59 seconds"), (60, "1 minute"),
    (90, "90 seconds"), (119, "119 seconds"), (120, "2 minutes"), (150, "2 minutes"),
    (3600, "1 hour"), (5400, "90 minutes"), (7199, "119 minutes"), (7200, "2 hours"),
    (86400, "24 hours")])
def test_duration_words_round_down_a_promise(seconds, words):
    assert duration_words(seconds) == words


@pytest.mark.parametrize("text", ["10", "", "1w", "m", "-1m", "1.5h", "1234567s"])
def test_duration_seconds_refuses_what_the_answers_refuse(text):
    with pytest.raises(ValueError):
        duration_seconds(text)


def test_mib_rounds_up():
    assert (mib(1), mib(2 ** 20), mib(2 ** 20 + 1)) == ("1 MiB", "1 MiB", "2 MiB")


# ------------------------------------------------------------------ the rsyslog method
@pytest.mark.parametrize("text,size", [("4096", 4096), ("100k", 102400), ("512m", 2 ** 29),
                                       ("1g", 2 ** 30)])
def test_rsyslog_sizes_are_binary_with_lower_case_suffixes(text, size):
    assert rsyslog_size_bytes(text) == size


def test_rsyslog_queue_survives_max_disk_over_rate_times_record_size():
    queue = rsyslog_queue(sender("rsyslog", outage="10m", peak_rate=120), None)
    assert queue.max_disk_bytes == 2 ** 30                       # sized: the floor, "1g"
    assert queue.sized and queue.max_disk == "1g"
    assert queue.survives == 2 ** 30 // (120 * RSYSLOG_RECORD_BYTES) == 4369
    assert queue.enough and queue.promise == 600
    assert queue.needed == "155m"                                # 120 * 600 * 1.1 * 2 KiB
    assert queue.words() == (
        "Survives a receiver outage of 10 minutes at 120 records/s; uses up to 1024 MiB in "
        "/var/lib/rsyslog (queue.maxDiskSpace, filled only while the receiver is away).")


def test_rsyslog_queue_too_small_for_the_outage_promises_less_and_names_the_size_needed():
    queue = rsyslog_queue(sender("rsyslog", {"queue_max_disk": "100m"}, outage="2h",
                                 peak_rate=200), None)
    assert queue.survives == 100 * 2 ** 20 // (200 * RSYSLOG_RECORD_BYTES) == 256
    assert not queue.enough and queue.promise == 256
    assert queue.needed == "3094m"                               # 200 * 7200 * 1.1 * 2 KiB
    assert queue.words().startswith("Survives a receiver outage of 4 minutes at 200")


def test_rsyslog_queue_unset_is_sized_from_outage_times_rate_above_the_1g_floor():
    queue = rsyslog_queue(sender("rsyslog", outage="2h", peak_rate=200), None)
    # 200 records/s * 7200 s * 1.1 * 2 KiB = 3093.75 MiB, rounded up to whole MiB
    assert queue.sized and queue.max_disk == "3094m" == queue.needed
    assert queue.max_disk_bytes == 3094 * 2 ** 20
    assert queue.enough and queue.promise == 7200
    assert queue.how_sized() == (
        "queue.maxDiskSpace = 3094m, sized from remote.outage (2 hours) x 200 records/s + 10% "
        "at about 2 KiB a record, at least 1g (rsyslog.queue_max_disk not set)")
    # the planned rate comes from this host's log when no peak_rate is given
    measured = rsyslog_queue(sender("rsyslog", outage="1h"), Measured(230))
    assert measured.rate == 500 and measured.max_disk == "3868m"   # 500 * 3600 * 1.1 * 2 KiB
    # no outage asked for: the floor
    assert rsyslog_queue(sender("rsyslog", outage="0", peak_rate=100), None).max_disk == "1g"


def test_rsyslog_queue_given_by_the_admin_is_kept_whatever_the_outage():
    queue = rsyslog_queue(sender("rsyslog", {"queue_max_disk": "2g"}, outage="2h",
                                 peak_rate=200), None)
    assert not queue.sized and queue.max_disk == "2g" and queue.max_disk_bytes == 2 * 2 ** 30
    assert not queue.enough
    assert queue.how_sized() == ("queue.maxDiskSpace = 2g, given in the answers "
                                 "(rsyslog.queue_max_disk)")
    # written as typed, even when it is a whole number of GiB or below a MiB
    for typed in ("2048m", "512k"):
        assert rsyslog_queue(sender("rsyslog", {"queue_max_disk": typed}), None).max_disk == typed
    # a blank answer (the TUI's empty field) means sized
    assert rsyslog_queue(sender("rsyslog", {"queue_max_disk": ""}, outage="2h",
                                peak_rate=200), None).sized


def test_rsyslog_queue_without_an_outage_says_what_it_holds():
    queue = rsyslog_queue(sender("rsyslog", outage="0", peak_rate=100), None)
    assert queue.enough and queue.words().startswith(
        "No outage asked for (remote.outage = 0): the queue holds about 87 minutes")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("section,key,value,words", [
    ("remote", "outage", "10", 'a duration like "90s", "10m", "2h" or "0"'),
    ("remote", "outage", "31d", "longer than 30 days"),
    ("remote", "outage", "ten minutes", "a duration like"),
    ("remote", "peak_rate", 0, "1-1000000"),
    ("remote", "peak_rate", 1000001, "1-1000000"),
    ("remote", "peak_rate", "lots", "whole number"),
    ("remote", "mode", "sometimes", "auto, immediate, forward"),
    ("rsyslog", "queue_max_disk", "1G", "rsyslog.queue_max_disk"),
    ("rsyslog", "queue_max_disk", "2t", "rsyslog.queue_max_disk"),
    ("rsyslog", "queue_max_disk", "0", "a size like 512m or 2g"),
    ("rsyslog", "queue_max_disk", "lots", "a size like 512m or 2g"),
])
def test_bad_sizing_input_is_refused_naming_the_field_and_what_is_allowed(section, key, value,
                                                                        words):
    data = {"role": "sender", "remote": {"server": "h"}}
    data.setdefault(section, {})[key] = value
    answers, messages = validate_answers(data)
    assert answers is None and len(messages) == 1
    assert messages[0].startswith("%s.%s: " % (section, key)) and words in messages[0]


def test_the_largest_values_allowed_are_accepted():
    answers, messages = validate_answers({"role": "sender", "remote": {
        "server": "h", "outage": "30d", "peak_rate": 1000000}})
    assert messages == [] and answers is not None
    queues = native_queues(answers, None)
    # no queue holds a month at a million records/s: the plan promises nothing and says why
    assert queues.q_depth <= Q_DEPTH_MAX and queues.promise == 0 and not queues.catches_up
    assert queues.words(SPOOL).startswith("Survives a receiver outage of 0 seconds")


def test_a_refused_value_is_not_kept_by_the_session(tmp_path):
    session = Session.open(str(make_demo_root(tmp_path / "root", "almalinux-9")))
    session.set_field("role", "sender")
    session.set_field("remote.server", "logs.example.com")
    assert session.set_field("remote.outage", "2h") is None
    message = session.set_field("remote.outage", "forever")
    assert message.startswith("remote.outage: ")
    assert session.answers.remote.outage == "2h"
    assert "Survives a receiver outage of 2 hours" in session.what_survives()


def test_an_answers_file_with_a_bad_outage_exits_2_and_writes_nothing(tmp_path, capsys):
    root = make_demo_root(tmp_path / "root", "almalinux-9")
    bad = tmp_path / "bad.toml"
    bad.write_text('role = "sender"\n[remote]\nserver = "logs.example.com"\noutage = "5 w"\n'
                   'peak_rate = -3\n')
    before = snapshot(root)
    code, out, err = run(capsys, "apply", "--answers", str(bad), "--root", str(root), "--yes")
    assert code == 2
    assert any(l.startswith("auditd-wizard: ") and "remote.outage: " in l
               for l in err.splitlines())
    assert "remote.peak_rate" in err and "Traceback" not in out + err
    assert snapshot(root) == before


# ------------------------------------------------------------------ dead connections in words
def test_dead_connection_words_say_when_a_crashed_sender_gets_back_in():
    assert dead_connection_words(2, 60) == (
        "A sender that crashed or lost power is let back in at once (tcp_max_per_addr = 2 "
        "leaves a place beside its dead connection); dead connections are closed within 2 "
        "minutes (2 x tcp_client_max_idle = 60 s; senders' heartbeat_timeout must be at most "
        "30 s).")
    assert dead_connection_words(1, 60).startswith(
        "A sender that crashed or lost power is refused (op=dup) while its dead connection is "
        "open; dead connections are closed within 2 minutes")
    assert dead_connection_words(1, 0).endswith(
        "never closed, so it may stay refused for good (upstream issue #33): set "
        "receiver.client_max_idle (like 60).")


def test_a_receiver_that_never_closes_dead_connections_gets_one_warning(tmp_path):
    session = Session.open(str(make_demo_root(tmp_path / "root", "almalinux-9")))
    session.set_field("role", "receiver")
    session.set_field("receiver.max_per_addr", 1)
    session.set_field("receiver.client_max_idle", 0)
    found = [f for step in session.plan().steps.values() for f in step.findings
             if "op=dup" in f.text]
    assert [(f.level, f.step) for f in found] == [("warning", 6)]
