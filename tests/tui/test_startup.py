"""Start-up: the first frame is drawn before the host is read; the Session opens in a worker,
Welcome (or the --start-at step) fills in when it is ready, and an error while opening ends
the wizard with the same message and exit code as before."""
from __future__ import annotations

import asyncio
import threading
from functools import partialmethod

from textual.app import App
from textual.widgets import Static

from tests.tui.helpers import SIZE, new_root, screen_text
from wizard import cli
from wizard.cli import tui
from screens.app import WizardApp
from wizard.errors import EXIT_USAGE, UserError
from wizard.session import Session


def _run(app, scenario) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scenario(pilot)
    asyncio.run(main())


async def _until(pilot, condition, what: str) -> None:
    for _ in range(100):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def test_welcome_shows_before_the_host_is_read_then_fills_in(tmp_path):
    root = new_root(tmp_path)
    release = threading.Event()

    def open_session():
        assert release.wait(10), "the test never let the session open"
        return Session.open(str(root))

    app = WizardApp(open_session=open_session)

    async def scenario(pilot):
        await pilot.pause()
        assert app.screen.id == "welcome"
        assert "Reading this host..." in screen_text(app)
        assert "F10" not in screen_text(app)        # Next does nothing yet, so it is not offered
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen.id == "welcome" and app.frame is None
        release.set()
        await _until(pilot, lambda: app.session is not None and app.screen.query("#role"),
                     "the session opened and Welcome got its choices")
        await pilot.pause()
        facts = str(app.screen.query_one("#host-facts", Static).render())
        assert "Reading" not in facts and app.session.facts.hostname in facts
        assert app.focused is app.screen.query_one("#role")
        assert "No forwarding is set up" in screen_text(app)
        await pilot.press("f10")
        await pilot.pause()
        assert app.screen.id == "frame" and "Step 1 of 9" in screen_text(app)

    _run(app, scenario)


def test_start_at_shows_the_step_once_the_host_is_read(tmp_path):
    root = new_root(tmp_path)
    app = WizardApp(start_at=4, open_session=lambda: Session.open(str(root)))

    async def scenario(pilot):
        await _until(pilot, lambda: app.screen.id == "frame", "the frame replaced the loading screen")
        await pilot.pause()
        assert app.frame.current == 4 and "Step 4 of 9" in screen_text(app)

    _run(app, scenario)


def test_an_error_while_opening_ends_the_app_and_keeps_its_exit_code():
    def open_session():
        raise UserError(["answers.toml: remote.port: 70000 is not a port"], EXIT_USAGE)

    app = WizardApp(open_session=open_session)

    async def scenario(pilot):
        await _until(pilot, lambda: app.open_error is not None, "the error reached the app")
        await pilot.pause()

    _run(app, scenario)
    assert app.return_code == EXIT_USAGE
    assert isinstance(app.open_error, UserError)


def test_bad_answers_file_from_the_command_line_prints_the_field_and_exits_2(
        tmp_path, capsys, monkeypatch):
    """The whole path: cli -> wizard.cli.tui -> the App's worker -> message after the App ends."""
    monkeypatch.setattr(App, "run", partialmethod(App.run, headless=True, size=SIZE))
    monkeypatch.setattr(tui, "need_terminal", lambda: None)   # pytest's stdin is no terminal
    root = new_root(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('role = "sender"\n[remote]\nserver = "bad host#"\n')
    code = cli.main(["--root", str(root), "--answers", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"auditd-wizard: {bad}: remote.server" in err
    assert "Traceback" not in err
