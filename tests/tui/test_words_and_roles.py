"""What the screens say, and that they say it for the role chosen on Welcome: History's words
for what happened, Review after a rollback, step 9's checks and step 7's tag for a receiver,
previews before every answer exists, F1 on a field, unicode as typed, and every key in the
footer at 60 columns."""
from __future__ import annotations

import asyncio
import json
import os
import signal

from tests.tui.helpers import (choose, drive, focus_on, new_root, open_app, screen_text, to_step,
                               type_into)
from screens.forms import in_words
from wizard.session import Session


def _history_root(tmp_path):
    """Three transactions: restored after a failure, rolled back by the user, a kept trial."""
    root = new_root(tmp_path)
    session = Session.open(str(root))
    session.set_field("remote.server", "logs.example.com")
    state_file = root / ".sandbox" / "state.json"
    state = json.loads(state_file.read_text())
    state["fail"] = [{"argv": ["service", "auditd", "restart"], "exit_code": 1,
                      "stderr": "injected", "times": 1}]
    state_file.write_text(json.dumps(state))
    failed = session.apply()
    assert not failed.ok
    done = session.apply()
    assert done.ok and session.rollback(done.tx_id).ok
    trial = session.apply_trial(600)
    assert trial.trial is not None
    kept = session.confirm_trial(trial.trial.tx_id)
    _stop_timer(kept.timer)
    return root, failed.tx_id, done.tx_id, trial.trial.tx_id


def _stop_timer(timer: str) -> None:
    """The sandbox's rollback timer is a process this test started; after Keep it would only
    wait out its 600 s and find the trial kept."""
    if timer.startswith("pid "):
        try:
            os.kill(int(timer.split()[1]), signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_history_says_what_happened(tmp_path):
    root, failed, rolled, kept = _history_root(tmp_path)
    app = open_app(root)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause(0.2)
        seen["text"] = screen_text(app)

    drive(app, scenario)
    lines = {line.split()[0]: line for line in seen["text"].splitlines() if line.strip()[:8].isdigit()}
    assert "restored after failure" in lines[failed]
    assert "rolled back" in lines[rolled] and "failure" not in lines[rolled]
    assert "trial, kept" in lines[kept]
    assert "to confirm" not in seen["text"]


def test_review_shows_the_plan_again_after_a_rollback_from_history(tmp_path):
    app = open_app(new_root(tmp_path), start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        count = app.screen.count
        await pilot.press("f10", "y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        seen["applied"] = screen_text(app)
        await pilot.press("f7", "r")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        await pilot.press("f8")
        await pilot.pause(0.2)
        seen["review"] = screen_text(app)
        seen["state"], seen["count"] = app.screen.state, (count, app.screen.count)
        seen["apply_offered"] = app.screen.check_action("apply", ())

    drive(app, scenario)
    assert "Applied: transaction" in seen["applied"]
    assert "was rolled back" in seen["review"] and "Applied: transaction" not in seen["review"]
    assert seen["state"] == "review" and seen["count"][0] == seen["count"][1]
    assert seen["apply_offered"]


def test_step9_runs_the_checks_of_the_role_chosen_on_welcome(tmp_path):
    app = open_app(new_root(tmp_path), start_at=9)
    app.session.set_field("role", "receiver")
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        app.frame.sync_all()
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        seen["checks"] = {f.check: f.status for f in app.frame.pane(9).findings}

    drive(app, scenario)
    assert seen["checks"].get("receiver-listen") == "problem", seen["checks"]


def test_step7_on_a_receiver_refuses_a_tag_that_is_not_one(tmp_path):
    app = open_app(new_root(tmp_path), start_at=7)
    app.session.set_field("role", "receiver")
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        app.frame.sync_all()
        await pilot.pause()
        await type_into(pilot, "#test-nonce", "zzz")
        seen["message"] = str(app.frame.pane(7).query_one(".test-error").render())
        await pilot.press("f5")
        await pilot.pause()
        seen["running"] = app.frame.pane(7).running
        seen["notes"] = [n.message for n in app._notifications]
        seen["screen"] = "\n".join(str(w.render()) for w in app.screen.query("Static")
                                   if w.display and w.parent.display)
        await type_into(pilot, "#test-nonce", "0123456789AB")
        seen["good"] = str(app.frame.pane(7).query_one(".test-error").render())
        seen["plan"] = str(app.frame.pane(7).query_one(".test-plan").render())

    drive(app, scenario)
    assert seen["message"].startswith('Tag from the sender: "zzz" is not a tag; it is 12 hex')
    # said once, under the field: F5 neither toasts it again nor echoes zzz as the tag to find
    assert not seen["running"] and not any("not a tag" in n for n in seen["notes"])
    assert seen["screen"].count("not a tag") == 1 and "tagged zzz" not in seen["screen"]
    assert seen["good"] == "" and "tagged 0123456789ab" in seen["plan"]


def test_steps_1_to_3_preview_before_the_receiver_is_known(tmp_path):
    app = open_app(new_root(tmp_path), start_at=1)
    seen = {}

    async def scenario(pilot):
        await pilot.pause(0.3)
        seen[1] = app.frame.pane(1).query_one(".preview").source.plain
        await to_step(pilot, 4)
        await pilot.pause(0.3)
        seen[4] = app.frame.pane(4).query_one(".preview").source.plain
        seen["step"] = app.frame.current
        await pilot.press("f10")
        await pilot.pause()
        seen["refused"] = app.frame.current

    drive(app, scenario)
    assert "dnf install -y audispd-plugins" in seen[1]
    assert "needs an answer" not in seen[1]
    assert "+remote_server = <receiver: not set yet>" in seen[4]
    assert '<receiver: not set yet> stands for "Receiver host or IP" (step 4)' in seen[4]
    assert seen["refused"] == 4, "Next still needs the answer"


def test_f1_on_a_field_says_what_it_does_and_allows(tmp_path):
    app = open_app(new_root(tmp_path), start_at=4)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await focus_on(pilot, "#f-remote--port", type(app.screen.query_one("#f-remote--port")))
        await pilot.press("f1")
        await pilot.pause(0.2)
        seen["help"] = screen_text(app)

    drive(app, scenario)
    assert "Help: Receiver port" in seen["help"]
    assert "a whole number from 1 to 65535" in seen["help"]
    assert "TCP port the receiver listens on" in seen["help"]


def test_a_message_shows_unicode_as_typed(tmp_path):
    app = open_app(new_root(tmp_path), start_at=4)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await type_into(pilot, "#f-remote--port", "\uff16\uff10")
        row = app.screen.query_one("#row-remote--port")
        seen["message"] = str(row.query_one(".field-error").render())

    drive(app, scenario)
    assert '"\uff16\uff10"' in seen["message"] and "\\uff16" not in seen["message"]


def test_every_key_stays_in_the_footer_at_60_columns(tmp_path):
    app = open_app(new_root(tmp_path), start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f10")               # Review: the most keys
        await pilot.pause(0.3)
        bar = app.screen.query_one("#keybar")
        seen["keys"] = [key for key, _ in bar.keys()]
        seen["line"] = str(bar.render())

    async def main():
        async with app.run_test(size=(60, 20)) as pilot:
            await scenario(pilot)
    asyncio.run(main())
    lines = seen["line"].splitlines()
    assert len(seen["keys"]) >= 7
    assert all(key in seen["line"] for key in seen["keys"]), seen["line"]
    assert all(len(line) <= 60 for line in lines) and lines[-1].rstrip().endswith("F9 Quit")
    assert "Apply" in lines[0], "labels stay, shortened or on a second line"


def test_step8_offers_the_encryptions_of_the_method_chosen_on_welcome(tmp_path):
    """Kerberos exists only for audisp-remote: with rsyslog it is not in the list (it could
    only be refused); switching the method on Welcome changes the list."""
    app = open_app(new_root(tmp_path))
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}

    def offered():
        return [value for _label, value in app.frame.pane(8).query_one(
            "#f-security--encryption")._options]

    async def scenario(pilot):
        await pilot.pause()
        await choose(pilot, "#method", "rsyslog")
        await to_step(pilot, 8)
        seen["rsyslog"] = offered()
        while app.screen is app.frame:           # back to Welcome
            await pilot.press("f8")
            await pilot.pause()
        await choose(pilot, "#method", "audisp-remote")
        await to_step(pilot, 8)
        seen["native"] = offered()
        await choose(pilot, "#f-security--encryption", "kerberos")
        seen["kerberos"] = app.session.answers.security.encryption

    drive(app, scenario)
    assert seen["rsyslog"] == ["none", "tls"]
    assert seen["native"] == ["none", "kerberos", "tls"]
    assert seen["kerberos"] == "kerberos"


def test_messages_name_fields_by_label_not_by_answers_file_key():
    """A planner message written for answers files (`encryption = "kerberos"`,
    `security.encryption`) reads with the form's labels; file keys (`transport = KRB5`) stay."""
    message = in_words('security.encryption: needs audit 4.2. Use encryption = "kerberos" '
                       '(transport = KRB5), or method = "rsyslog" with security.encryption = "tls"')
    assert message == ('Encryption: needs audit 4.2. Use "Encryption" set to kerberos '
                       '(transport = KRB5), or "Forwarding method" set to rsyslog with '
                       '"Encryption" set to tls')
