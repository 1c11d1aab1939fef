"""History: r asks "Roll back transaction ID (N changes)? y/n" first; only y rolls back."""
from __future__ import annotations

from pathlib import Path

from tests.tui.helpers import drive, host_files, new_root, open_app, screen_text
from wizard.answers import load_answers
from wizard.session import Session

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _applied_root(tmp_path):
    root = new_root(tmp_path)
    before = host_files(root)
    session = Session.open(str(root))
    session.replace_answers(load_answers(str(EXAMPLES / "sender.toml")))
    result = session.apply()
    assert result.ok
    return root, before, result.tx_id, session.history()[0].n_changes


def test_rollback_asks_first_and_n_keeps_the_transaction(tmp_path):
    root, _before, tx_id, n_changes = _applied_root(tmp_path)
    applied = host_files(root)
    app = open_app(root)

    async def scenario(pilot):
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.id == "confirm-rollback"
        assert f"Roll back transaction {tx_id} ({n_changes} changes)?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.id == "history"
        await app.workers.wait_for_complete()
        assert "applied" in screen_text(app)

    drive(app, scenario)
    assert host_files(root) == applied
    assert Session.open(str(root)).history()[0].status == "applied"


def test_rollback_after_y_restores_the_host(tmp_path):
    root, before, tx_id, _n = _applied_root(tmp_path)
    app = open_app(root)

    async def scenario(pilot):
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        assert app.screen.id == "history"
        assert "rolled-back" in screen_text(app) or "rolled back" in screen_text(app)

    drive(app, scenario)
    assert host_files(root) == before
    assert Session.open(str(root)).history()[0].status != "applied"
