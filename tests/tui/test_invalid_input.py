"""Per form: a refused value shows its message under the field, Next is refused, nothing is written."""
import re

import pytest

from tests.tui.helpers import (choose, drive, host_files, new_root, next_step, open_app,
                               state, type_into)

# (role, step, control, value, words the message must contain, the field's label)
CASES = [
    ("sender", 2, "#f-auditd--name", "two words", "spaces", "Node name"),
    ("sender", 4, "#f-remote--server", "bad host!", "not a hostname", "Receiver host or IP"),
    ("sender", 4, "#f-remote--port", "70000", "1-65535", "Receiver port"),
    ("sender", 4, "#f-remote--peak-rate", "lots", "whole number", "Peak records/s"),
    ("sender", 4, "#f-remote--outage", "ten minutes", "a duration like", "Ride out an outage of"),
    ("receiver", 5, "#f-firewall--zone", "no such zone!", "not a firewalld zone", "Firewall zone"),
    ("receiver", 6, "#f-receiver--listen-port", "abc", "whole number", "Listen port"),
    ("receiver", 5, "#f-receiver--allowed-senders", "300.1.2.3/99", "not an IP address",
     "Allowed senders, item 1"),
    ("receiver", 6, "#f-receiver--client-ports", "9-1", "first port", "Sender source ports"),
]


DOTTED = re.compile(r"\b(auditd|remote|receiver|firewall|security|rsyslog|selinux)\.[a-z_]+")


def system_state(root):
    """The pretend system without its command log (read-only queries are logged too)."""
    return {k: v for k, v in state(root).items() if k != "log"}


@pytest.mark.parametrize("role,step,control,value,words,label", CASES,
                         ids=[c[2][3:] for c in CASES])
def test_invalid_value_is_refused(tmp_path, role, step, control, value, words, label):
    root = new_root(tmp_path)
    before_files, before_state = host_files(root), system_state(root)
    app = open_app(root, start_at=step)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        app.session.set_field("role", role)
        if role == "sender":
            app.session.set_field("remote.server", "logs.example.com")
        app.frame.sync_all()
        if control == "#f-auditd--name":
            await choose(pilot, "#f-auditd--name-format", "user")
        await type_into(pilot, control, value)
        await next_step(pilot)
        seen["step"] = app.frame.current
        row = app.screen.query_one(control).parent.parent
        message = row.query_one(".field-error")
        seen["message"] = (message.display and row.region.height >= 2, str(message.render()))
        seen["notes"] = [n.message for n in app._notifications]
        seen["invalid"] = app.frame.pane(step).invalid_fields()

    drive(app, scenario)
    assert seen["step"] == step, "Next must be refused while a field is invalid"
    assert seen["invalid"] and words in seen["invalid"][0][1]
    shown, text = seen["message"]
    assert shown and words in text, "the message appears under the field"
    assert not DOTTED.search(text), "the field is named by its label, not its key"
    assert any("first" in note and f"{label}:" in note and words in note for note in seen["notes"])
    assert host_files(root) == before_files
    assert system_state(root) == before_state
    assert not (root / "var/lib/auditd-wizard/transactions").exists()


@pytest.mark.parametrize("away", ["step-list", "nowhere"])
def test_refused_next_moves_focus_to_the_field_to_fix(tmp_path, away):
    """Focus in the side list, or on nothing at all: F10 refused lands on the bad field."""
    root = new_root(tmp_path)
    app = open_app(root, start_at=4)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        app.session.set_field("role", "sender")
        app.session.set_field("remote.server", "logs.example.com")
        app.frame.sync_all()
        await type_into(pilot, "#f-remote--port", "70000")
        if away == "step-list":
            await pilot.press("f6")
        else:
            app.screen.set_focus(None)
        await pilot.pause()
        seen["before"] = app.focused
        await next_step(pilot)
        seen["step"] = app.frame.current
        seen["focused"] = app.focused
        seen["control"] = app.screen.query_one("#f-remote--port")

    drive(app, scenario)
    assert seen["before"] is not seen["control"]
    assert seen["step"] == 4
    assert seen["focused"] is seen["control"]
