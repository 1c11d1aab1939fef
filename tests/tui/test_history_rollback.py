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


def _apply_answers(root, answers_text: str, tmp_path, name: str) -> str:
    (tmp_path / name).write_text(answers_text)
    session = Session.open(str(root), str(tmp_path / name))
    result = session.apply()
    assert result.ok, result.error
    return result.tx_id


def _roll_back_in_history(root, keys) -> str:
    """F7, the keys that select a row, r, then y; returns the question's screen text."""
    app = open_app(root)
    seen = []

    async def scenario(pilot):
        await pilot.press("f7", *keys, "r")
        await pilot.pause()
        assert app.screen.id == "confirm-rollback"
        seen.append(screen_text(app))   # inside the question's box: one line each
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)

    drive(app, scenario)
    return seen[0]


def test_an_older_transaction_is_rolled_back_with_the_later_one_after_naming_it(tmp_path):
    """Issue #11 item 2 in the TUI: the question names the later transaction that changed the
    same things; y rolls both back, newest first (like rollback --cascade)."""
    root = new_root(tmp_path)
    before = host_files(root)
    sender = (EXAMPLES / "sender.toml").read_text()
    first = _apply_answers(root, sender, tmp_path, "a.toml")
    second = _apply_answers(root, sender.replace("logs.example.com", "other.example.com"),
                            tmp_path, "b.toml")
    assert second != first and Session.open(str(root)).history()[1].later == (second,)
    text = _roll_back_in_history(root, ["down"])     # the older one
    assert f"Roll back {first} and 1 later one?" in text
    assert second in text.split("Later transactions")[-1]
    assert host_files(root) == before
    assert [t.status for t in Session.open(str(root)).history()] == ["rolled-back", "rolled-back"]


def test_a_file_changed_since_is_named_and_the_admins_version_kept(tmp_path):
    """Issue #11 item 1 in the TUI: the question lists what was changed since; y restores it
    and keeps the admin's version in the journal (like rollback --force)."""
    root, before, tx_id, _n = _applied_root(tmp_path)
    conf_path = root / "etc/audit/auditd.conf"
    conf_path.write_text(conf_path.read_text() + "# the admin's line\n")
    text = _roll_back_in_history(root, [])
    assert "/etc/audit/auditd.conf: content" in text and "versions are kept in the journal" in text
    assert host_files(root) == before
    kept = list((root / "var/lib/auditd-wizard/transactions" / tx_id / "kept").iterdir())
    assert [p.read_text().endswith("# the admin's line\n") for p in kept] == [True]
