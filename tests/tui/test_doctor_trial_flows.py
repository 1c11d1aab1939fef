"""Pilot over the new interactions: a doctor fix applied from step 9 makes its finding go
away; a trial apply that is not kept undoes itself, one that is kept stays; the delivery test
shows what ran and the line for the receiver; exports write their files."""
import time

from tests.tui.helpers import drive, host_files, new_root, open_app, screen_text
from wizard.sandbox import make_demo_root


async def settle(pilot, seconds=0.2):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(seconds)


def test_doctor_fix_from_step9_makes_the_finding_go_away(tmp_path):
    root = make_demo_root(tmp_path / "broken", broken=True)
    app = open_app(root, start_at=9)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f5")
        await settle(pilot)
        pane = app.frame.pane(9)
        seen["before"] = {f.check: f.status for f in pane.findings}
        seen["chosen"] = [f.check for f in pane.chosen()]
        await pilot.press("a")                      # review the chosen fixes
        await pilot.pause()
        seen["review"] = screen_text(app)
        await pilot.press("f10", "y")               # apply them as one transaction
        await settle(pilot)
        seen["applied"] = screen_text(app)
        await pilot.press("f8")                     # back to step 9: checked again
        await settle(pilot, 0.3)
        await settle(pilot)
        seen["after"] = {f.check: f.status for f in app.frame.pane(9).findings}

    drive(app, scenario)
    assert seen["before"]["plugin-file"] == "problem"
    assert "plugin-file" in seen["chosen"]
    assert "Review & apply the doctor's fixes" in seen["review"]
    assert "set type = always" in seen["review"]
    assert "Applied: transaction" in seen["applied"]
    assert seen["after"]["plugin-file"] == "ok"
    assert seen["after"]["plugin-strays"] == "ok"
    assert "type = always" in (root / "etc/audit/plugins.d/au-remote.conf").read_text()
    history = open_app(root).session.history()
    assert history[0].label.startswith("doctor: fix") and history[0].status == "applied"


def _trial_scenario(seconds, keep, seen, wait_after=0.0):
    async def scenario(pilot):
        app = pilot.app
        await pilot.pause()
        await pilot.press("f10")                    # step 9 -> Review
        await pilot.pause()
        await pilot.press("t")                      # tick the trial
        app.screen.query_one("#trial-seconds").value = str(seconds)
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("y")
        for _ in range(100):                        # applied, checked, and counting down
            if app.screen.state != "applying" and "s left" in screen_text(app):
                break
            await pilot.pause(0.05)
        seen["counting"] = screen_text(app)
        if keep:
            await pilot.press("k")
            await pilot.pause()
        deadline = time.monotonic() + wait_after
        while time.monotonic() < deadline and app.screen.state == "trial":
            await pilot.pause(0.2)
        await pilot.pause(0.3)
        seen["end"] = screen_text(app)
        seen["state"] = app.screen.state
    return scenario


def test_trial_apply_not_kept_is_undone(tmp_path):
    root = new_root(tmp_path)
    before = host_files(root)
    app = open_app(root, start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}
    drive(app, _trial_scenario(2, keep=False, seen=seen, wait_after=15))
    assert "press k to keep it" in seen["counting"]
    assert seen["state"] == "failed"
    assert "Not kept in time" in seen["end"] and "rolled back" in seen["end"]
    assert host_files(root) == before
    assert open_app(root).session.history()[0].status == "rolled-back"


def test_trial_apply_kept_stays(tmp_path):
    root = new_root(tmp_path)
    app = open_app(root, start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}
    drive(app, _trial_scenario(30, keep=True, seen=seen))
    assert seen["state"] == "done"
    assert "Kept: transaction" in seen["end"]
    assert "remote_server = logs.example.com" in (root / "etc/audit/audisp-remote.conf").read_text()
    assert app.session.pending_trial() is None


def test_delivery_test_shows_what_ran_and_the_receiver_line(tmp_path):
    root = new_root(tmp_path)
    app = open_app(root, start_at=7)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f5")
        await settle(pilot)
        seen["text"] = screen_text(app)
        seen["status"] = str(app.frame.pane(7).query_one(".test-status").render())
        seen["result"] = str(app.frame.pane(7).query_one(".test-result").render())

    drive(app, scenario)
    assert "auditd-wizard test --expect " in seen["status"]
    assert "$ systemctl is-active auditd" in seen["result"]
    assert "OK auditd enabled and running" in seen["result"]


def test_receiver_waits_for_the_senders_tag(tmp_path):
    root = new_root(tmp_path)
    app = open_app(root, start_at=7)
    app.session.set_field("role", "receiver")
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        app.frame.sync_all()
        app.frame.pane(7).first_control().focus()
        await pilot.pause()
        await pilot.press(*"0123456789ab")
        await pilot.press("enter")
        await settle(pilot)
        seen["result"] = str(app.frame.pane(7).query_one(".test-result").render())

    drive(app, scenario)
    assert "ausearch" in seen["result"]
    assert "0123456789ab" in seen["result"] or "test event" in seen["result"]


def test_exports_from_review_and_history(tmp_path):
    root = new_root(tmp_path)
    app = open_app(root, start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    out = tmp_path / "out"
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f10")                    # Review
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-dir").value = str(out / "now")
        await pilot.press("enter")
        await pilot.pause()
        seen["ansible"] = str(app.screen.query_one("#export-result").render())
        await pilot.press("escape")
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#export-file").value = str(out / "receiver.toml")
        await pilot.press(*"192.0.2.10")
        await pilot.press("enter")
        await pilot.pause()
        seen["receiver"] = str(app.screen.query_one("#export-result").render())
        await pilot.press("escape")
        await pilot.press("f10", "y")               # apply
        await settle(pilot)
        await pilot.press("f7")                     # History: the transaction just made
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-dir").value = str(out / "past")
        await pilot.press("enter")
        await pilot.pause()
        seen["past"] = str(app.screen.query_one("#export-result").render())

    drive(app, scenario)
    assert "Written to" in seen["ansible"] and (out / "now" / "site.yml").is_file()
    assert (out / "receiver.toml").is_file(), seen["receiver"]
    assert "192.0.2.10" in (out / "receiver.toml").read_text()
    assert (out / "past" / "site.yml").is_file(), seen["past"]
    assert "logs.example.com" in (out / "past" / "answers.toml").read_text()


def test_security_report_names_principals_and_the_missing_keytab(tmp_path):
    app = open_app(new_root(tmp_path), start_at=8)
    app.session.set_field("remote.server", "logs.example.com")
    app.session.set_field("security.encryption", "kerberos")
    seen = {}

    async def scenario(pilot):
        await pilot.pause(0.3)
        seen["report"] = str(app.frame.pane(8).query_one(".security-report").render())

    drive(app, scenario)
    assert "sender: auditd/alma9.example.com@" in seen["report"]
    assert "receiver: auditd/logs.example.com@" in seen["report"]
    assert "[FAIL] /etc/audit/audisp-remote.key" in seen["report"]
    assert "Compliance: DISA STIG for Red Hat Enterprise Linux 9 (V2R9), ComplianceAsCode 0.1.82" in seen["report"]
    assert "[review] (outside the STIG profile) Encrypt Audit Records Sent With audispd Plugin" in seen["report"]
