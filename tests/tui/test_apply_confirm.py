"""Nothing is applied or rolled back without a question: F10 on Review asks "Apply N changes to
HOST?" with Cancel as the default; Welcome's r asks like History's; quitting a session the user
did not touch does not warn."""
from __future__ import annotations

import json

from tests.fault_harness import _run_child
from tests.tui.helpers import drive, host_files, new_root, open_app, screen_text, state
from wizard.session import Session


def _journal(root):
    return root / "var/lib/auditd-wizard/transactions"


def test_f10_on_review_asks_and_only_y_applies(tmp_path):
    root = new_root(tmp_path)
    before_files, before_log = host_files(root), len(state(root)["log"])
    app = open_app(root, start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    count = len(app.session.plan().transaction())     # the ledger's record too
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f10")                    # step 9 -> Review
        await pilot.pause()
        assert app.screen.id == "review"
        for cancel in ("enter", "n", "escape", "f8"):
            await pilot.press("f10")
            await pilot.pause()
            assert app.screen.id == "confirm-apply", cancel
            seen.setdefault("question", screen_text(app))
            await pilot.press("f10")                # F10 again is not a yes
            await pilot.pause()
            assert app.screen.id == "confirm-apply", cancel
            await pilot.press(cancel)
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert app.screen.id == "review" and app.screen.state == "review", cancel
        seen["files_after_cancel"] = host_files(root)
        seen["journal_after_cancel"] = _journal(root).exists()
        await pilot.press("f10", "y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        seen["done"] = screen_text(app)
        seen["log"] = list(app.screen.query_one("#apply-log")._lines)
        seen["bar"] = app.screen.query_one("#progress").progress

    drive(app, scenario)
    assert f"Apply {count} changes to alma9.example.com (sandbox)?" in seen["question"]
    assert "Cancel: Enter or n" in seen["question"]
    assert seen["files_after_cancel"] == before_files
    assert not seen["journal_after_cancel"]
    assert "Applied: transaction" in seen["done"]
    # The log numbers the changes the question counted and the bar ends on the same number.
    total = int(seen["log"][-2].split("/")[1].split("]")[0])
    assert total == count and seen["bar"] == total, seen["log"]
    assert not any(f"{count} change(s)" in line for line in seen["log"])
    assert host_files(root) != before_files
    assert len(state(root)["log"]) > before_log


def _interrupted_root(tmp_path):
    """A sender's plan killed (SIGKILL) right after its second change applied."""
    root = new_root(tmp_path)
    session = Session.open(str(root))
    session.set_field("remote.server", "logs.example.com")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps([c.to_dict() for c in session.plan().changes]))
    _run_child(root, plan_file, "after-apply", 1, "backends.host:Host.for_root")
    found = Session.open(str(root)).interrupted()
    assert found is not None
    return root, found


def test_welcome_r_asks_before_rolling_back_an_interrupted_transaction(tmp_path):
    root, found = _interrupted_root(tmp_path)
    app = open_app(root)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        assert "An interrupted change was found" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        seen["question"] = screen_text(app)
        assert app.screen.id == "confirm-rollback"
        await pilot.press("n")
        await pilot.pause()
        await app.workers.wait_for_complete()
        seen["after_n"] = Session.open(str(root)).interrupted()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        seen["welcome"] = screen_text(app)

    drive(app, scenario)
    assert f"Roll back transaction {found.id}" in seen["question"]
    assert seen["after_n"] is not None and seen["after_n"].id == found.id
    assert Session.open(str(root)).interrupted() is None
    assert "An interrupted change was found" not in seen["welcome"]


def test_quitting_an_untouched_session_does_not_ask(tmp_path):
    app = open_app(new_root(tmp_path))

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press("f10")          # to step 1 and back: looking is not changing
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()

    drive(app, scenario)
    assert app.return_code == 0 and not app.is_running


def test_quitting_after_typing_asks(tmp_path):
    app = open_app(new_root(tmp_path), start_at=4)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await pilot.press(*"logs")
        await pilot.pause(0.2)
        await pilot.press("f9")
        await pilot.pause()
        seen["screen"] = app.screen
        seen["text"] = screen_text(app)

    drive(app, scenario)
    assert "Quit without applying?" in seen["text"]
