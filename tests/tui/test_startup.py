"""Start-up: the first frame is drawn before the host is read; the Session opens in a worker,
Welcome (or the --start-at step) fills in when it is ready, and an error while opening ends
the wizard with the same message and exit code as before."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from functools import partialmethod
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from wizard import cli
from wizard.cli import tui
from wizard.cli.common import open_first_look, open_session as open_session_for
from wizard.errors import EXIT_USAGE, UserError
from wizard.first_look import FIRST_RUN_METHOD, FIRST_RUN_ROLE
from wizard.model import Answers
from wizard.session import Session
from screens.app import WizardApp
from tests.tui.helpers import SIZE, choose, new_root, screen_text
from tests.tui.test_apply_confirm import _interrupted_root


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

    def open_session(look):
        assert release.wait(10), "the test never let the session open"
        return Session.open(str(root), look=look)

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
    app = WizardApp(start_at=4, open_session=lambda look: Session.open(str(root), look=look))

    async def scenario(pilot):
        await _until(pilot, lambda: app.screen.id == "frame", "the frame replaced the loading screen")
        await pilot.pause()
        assert app.frame.current == 4 and "Step 4 of 9" in screen_text(app)

    _run(app, scenario)


def test_an_error_while_opening_ends_the_app_and_keeps_its_exit_code():
    def open_session(look):
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


def _starting_app(root, release=None):
    """The App as `auditd-wizard` starts it: the host read while Textual starts, the Session
    opened when first needed (held back until `release` is set, when given)."""
    def open_session(look):
        if release is not None:
            assert release.wait(10), "the test never let the session open"
        return open_session_for(str(root), None, look)
    return WizardApp(first_look=lambda: open_first_look(str(root)), open_session=open_session)


def test_welcome_answers_keys_before_the_session_opens_and_keeps_what_was_chosen(tmp_path):
    root = new_root(tmp_path)
    release = threading.Event()
    app = _starting_app(root, release)
    seen = {}

    async def scenario(pilot):
        await _until(pilot, lambda: app.screen.id == "welcome" and app.screen.shows_choices,
                     "Welcome showed the host and the choices")
        await pilot.pause()
        assert app.session is None                 # the answers model is not loaded for this
        seen["welcome"] = screen_text(app)
        await choose(pilot, "#role", "receiver")
        await choose(pilot, "#method", "rsyslog")
        await pilot.press("f10")                   # waits for the Session, then goes on
        await pilot.pause(0.5)                     # long enough to be told
        assert app.screen.id == "welcome" and app.session is None
        seen["waiting"] = [n.message for n in app._notifications]
        release.set()
        await _until(pilot, lambda: app.screen.id == "frame", "the steps followed F10")
        await pilot.pause()
        seen["step"] = screen_text(app)
        seen["after"] = [n.message for n in app._notifications]

    _run(app, scenario)
    assert app.session.facts.hostname in seen["welcome"] and "F10" in seen["welcome"]
    assert any("Loading the steps" in note for note in seen["waiting"])
    assert not any("Loading the steps" in note for note in seen["after"])   # not left behind
    assert (app.session.answers.role, app.session.answers.method) == ("receiver", "rsyslog")
    assert "Step 1 of 9" in seen["step"]


def test_r_on_welcome_opens_the_session_then_asks(tmp_path):
    root, found = _interrupted_root(tmp_path)
    app = _starting_app(root)

    async def scenario(pilot):
        await _until(pilot, lambda: app.screen.id == "welcome" and app.screen.shows_choices,
                     "Welcome showed the host")
        assert "An interrupted change was found" in screen_text(app)
        assert app.session is None
        await pilot.press("r")
        await _until(pilot, lambda: app.screen.id == "confirm-rollback", "the question")
        assert f"Roll back transaction {found.id}" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()

    _run(app, scenario)
    assert Session.open(str(root)).interrupted() is not None      # n: nothing was undone


def test_the_first_screen_loads_neither_the_answers_model_nor_the_steps(tmp_path):
    """What Welcome needs is read without pydantic, the planner or the step screens: they
    load when first needed (bench/tui_bench.py measures what that buys)."""
    root = new_root(tmp_path)
    probe = ("import sys\n"
             "import wizard.cli.main, wizard.cli.tui\n"
             "from wizard.cli.common import open_first_look\n"
             "from screens.welcome import WelcomeScreen\n"
             f"look = open_first_look({str(root)!r})\n"
             "assert look.facts.hostname\n"
             "heavy = ('pydantic', 'wizard.model', 'wizard.session', 'wizard.plan.core',\n"
             "         'backends.transaction', 'backends.changes', 'screens.frame', 'screens.review', 'screens.forms')\n"
             "print([m for m in heavy if type(sys.modules.get(m)).__name__ == 'module'])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=str(Path(__file__).resolve().parents[2]), check=True).stdout
    assert out.strip() == "[]"


def test_a_choice_made_before_the_session_opens_is_not_lost_silently(tmp_path):
    """F9 after changing the role on Welcome asks, as it does once the Session is open;
    untouched, it quits at once."""
    root = new_root(tmp_path)
    seen = {}

    async def touched(pilot):
        await _until(pilot, lambda: app.screen.id == "welcome" and app.screen.shows_choices,
                     "Welcome showed the choices")
        await choose(pilot, "#role", "receiver")
        await pilot.press("f9")
        await pilot.pause()
        seen["asked"] = app.screen.id

    app = _starting_app(root)
    _run(app, touched)
    assert seen["asked"] == "confirm-quit" and app.session is None

    async def untouched(pilot):
        await _until(pilot, lambda: app.screen.id == "welcome" and app.screen.shows_choices,
                     "Welcome showed the choices")
        await pilot.press("f9")
        await pilot.pause()

    app = _starting_app(root)
    _run(app, untouched)
    assert app.return_code == 0         # quit at once: no question held it open


def test_the_last_key_pressed_while_the_session_opens_wins(tmp_path):
    root = new_root(tmp_path)
    release = threading.Event()
    app = _starting_app(root, release)

    async def scenario(pilot):
        await _until(pilot, lambda: app.screen.id == "welcome" and app.screen.shows_choices,
                     "Welcome showed the choices")
        await pilot.press("f7")        # History, then changed their mind: F10
        await pilot.press("f10")
        release.set()
        await _until(pilot, lambda: app.screen.id in ("frame", "history"), "a screen followed")
        await pilot.pause(0.2)
        seen["screen"] = app.screen.id

    seen = {}
    _run(app, scenario)
    assert seen["screen"] == "frame"


def test_a_first_run_shows_the_answers_models_defaults():
    assert (Answers().role, Answers().method) == (FIRST_RUN_ROLE, FIRST_RUN_METHOD)


def test_a_slow_host_shows_reading_then_the_host(tmp_path):
    """Reading the host takes longer than SPLASH_AFTER (a real host's rpm and firewall-cmd):
    Welcome says so, then fills in, and keys work from then on."""
    root = new_root(tmp_path)
    release = threading.Event()

    def slow_look():
        assert release.wait(10), "the test never let the host be read"
        return open_first_look(str(root))

    app = WizardApp(first_look=slow_look,
                    open_session=lambda look: open_session_for(str(root), None, look))
    seen = {}

    async def scenario(pilot):
        await pilot.pause(0.3)
        seen["reading"] = screen_text(app)
        release.set()
        await _until(pilot, lambda: app.screen.id == "welcome" and app.screen.shows_choices,
                     "Welcome showed the host")
        await choose(pilot, "#role", "receiver")
        seen["chosen"] = screen_text(app)

    _run(app, scenario)
    assert "Reading this host..." in seen["reading"] and "F10" not in seen["reading"]
    assert "Receiver: this host collects" in seen["chosen"]
