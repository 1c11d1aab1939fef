"""The App shell: builds the frame of nine step panes and owns the step order.

Screens and panes never decide where the user goes next: Next/Back/Quit/Help/History are App
actions, and `check_action` hides the keys that do nothing on the current screen so the footer
only shows what works. `make_app(session)` takes its dependencies so tests pass a sandbox.

`run_app(open_session)` draws the first frame before the host is read: the Session (facts,
detection, the answers checked against the model) opens in a thread worker and Welcome fills in
when it is ready. Start-up speed comes from what is imported and built (see
bench/tui_bench.py), not from imports hidden in functions."""
from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath
from typing import Callable, List, Optional, Union

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender

from wizard.steps import STEPS
from screens.ask import quit_question
from screens.diff_driver import CellDiffDriver
from screens.forms import in_words
from screens.frame import StepFrame
from screens.help import HelpScreen
from screens.help_text import help_for
from screens.history import HistoryScreen
from screens.review import ReviewScreen
from screens.welcome import LoadingScreen, WelcomeScreen
from screens.widgets import AsciiScrollBarRender

CONSOLE_TERMS = ("linux", "vt100", "vt220")
HERE = Path(__file__).resolve().parent
FIRST, LAST = STEPS[0].number, STEPS[-1].number


def console_mode_wanted(ascii_mode: Optional[bool]) -> bool:
    """--ascii, or a terminal type whose font and colours are those of the Linux VT/serial."""
    if ascii_mode:
        return True
    return os.environ.get("TERM", "") in CONSOLE_TERMS


def _driver_class():
    """On Linux, a driver that writes only the cells that changed (serial consoles are slow)."""
    if not sys.platform.startswith("linux") or os.environ.get("TEXTUAL_DRIVER"):
        return None
    return CellDiffDriver


class WizardApp(App):
    TITLE = "auditd-wizard"
    ENABLE_COMMAND_PALETTE = False
    # Below 80 columns the screens get the class -narrow: the step list shrinks to numbers.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    BINDINGS = [
        Binding("f10,ctrl+n", "next", "Next", key_display="F10"),
        Binding("f8", "back", "Back", key_display="F8"),
        Binding("f6", "steps", "Steps", key_display="F6"),
        Binding("f1", "help", "Help", key_display="F1"),
        Binding("f7", "history", "History", key_display="F7"),
        Binding("f9", "request_quit", "Quit", key_display="F9"),
        Binding("ctrl+q", "request_quit", "Quit", show=False),
    ]

    def __init__(self, session=None, start_at: Optional[int] = None, console: bool = False,
                 open_session: Optional[Callable[[], object]] = None):
        css: List[Union[str, PurePath]] = [HERE / "app.tcss"]
        if console:
            css.append(HERE / "console.tcss")
        super().__init__(css_path=css, ansi_color=True if console else None,
                         driver_class=_driver_class())
        self.session = session
        self.start_at = start_at
        self.console_mode = console
        self.colour = not console
        # The scrollbar renderer is a class attribute: set it either way so one process can
        # build a console app and a normal one (tests do) without leaking the choice.
        ScrollBar.renderer = AsciiScrollBarRender if console else ScrollBarRender
        if console:
            self.animation_level = "none"
        self.applied = False
        self.frame: Optional[StepFrame] = None
        self._open_session = open_session
        self._opened_answers = session.answers if session is not None else None
        # A UserError (or any error) while opening: run_app raises it after the terminal is
        # restored, so the message and exit code are those of every other command.
        self.open_error: Optional[BaseException] = None

    # ------------------------------------------------------------------ screens
    # The frame of steps is built when it is first needed: with no --start-at the first
    # frame on the terminal is Welcome alone, over an empty base screen; with --start-at and
    # the Session still opening, a LoadingScreen that the frame replaces.
    def get_default_screen(self):
        if self.start_at and self.session is not None:
            return self._make_frame()
        return Screen(id="base")

    def _make_frame(self) -> StepFrame:
        self.frame = StepFrame(self.session, self.colour, start=self.start_at or FIRST)
        return self.frame

    def _steps(self) -> StepFrame:
        """The frame, for what runs only on screens that exist once it is built."""
        if self.frame is None:
            raise RuntimeError("the frame of steps is not built yet")
        return self.frame

    def on_mount(self) -> None:
        if self.console_mode:
            self.theme = "ansi-dark"
        if not self.start_at:
            self._push_welcome()
        elif self.session is None:     # the step's frame replaces it when the host is read
            self.push_screen(LoadingScreen())
        if self.session is None:   # after the first frame: the worker would compete for the GIL
            self.call_after_refresh(self._open_session_worker)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def _open_session_worker(self) -> None:
        if self._open_session is None:
            raise RuntimeError("run_app opens the session; make_app was given one")
        try:
            session = self._open_session()
        except Exception as error:   # shown by run_app once the terminal is restored
            self.call_from_thread(self._open_failed, error)
            return
        # mypy cannot solve call_from_thread's `T | Awaitable[T]` for a coroutine function.
        self.call_from_thread(self._session_ready, session)  # type: ignore[arg-type]

    def _open_failed(self, error: BaseException) -> None:
        self.open_error = error
        self.exit(return_code=getattr(error, "exit_code", 1))

    async def _session_ready(self, session) -> None:
        self.session = session
        self._opened_answers = session.answers
        if self.start_at:
            await self.switch_screen(self._make_frame())
        else:
            for screen in self.screen_stack:
                if isinstance(screen, WelcomeScreen):
                    await screen.fill(session)
        self.refresh_bindings()

    def _push_welcome(self) -> None:
        self.push_screen(WelcomeScreen(self.session), self._welcome_done)

    async def _leave_welcome(self) -> None:
        if self.frame is None:      # first time: the frame takes Welcome's place
            await self.switch_screen(self._make_frame())
        else:                       # Welcome was opened from step 1 with Back
            self.screen.dismiss(True)

    async def _welcome_done(self, go_on: Optional[bool]) -> None:
        frame = self._steps()
        frame.sync_all()
        await frame.show_step(frame.current)

    def _sync_frame(self) -> None:
        if self.frame is not None:
            self.frame.sync_all()

    SCREEN_KINDS = ((StepFrame, "frame"), (WelcomeScreen, "welcome"), (ReviewScreen, "review"),
                    (HistoryScreen, "history"))

    def _screen_kind(self) -> str:
        for screen_class, kind in self.SCREEN_KINDS:
            if isinstance(self.screen, screen_class):
                return kind
        return "modal"

    def _applying(self) -> bool:
        # A trial waiting for Keep holds the screen too: leaving it would lose the Keep key.
        screen = self.screen
        return isinstance(screen, ReviewScreen) and screen.state in ("applying", "trial")

    def check_action(self, action: str, parameters) -> Optional[bool]:
        kind = self._screen_kind()
        if self.session is None:      # still reading the host: only Quit (and Welcome's Help)
            return action == "request_quit" or (action == "help" and kind == "welcome")
        if action == "next":
            return kind in ("welcome", "frame")
        if action == "back":
            return kind in ("frame", "history") or (kind == "review" and not self._applying())
        if action == "history":
            return kind in ("welcome", "frame") or (kind == "review" and not self._applying())
        if action == "help":
            return kind != "modal"
        if action == "steps":
            return kind == "frame"
        return True

    # ------------------------------------------------------------------ actions
    async def action_next(self) -> None:
        kind = self._screen_kind()
        if self.session is None:
            return
        if kind == "welcome":
            await self._leave_welcome()
            return
        if kind != "frame":
            return
        frame = self._steps()
        pane = frame.pane(frame.current)
        invalid = pane.invalid_fields()
        if invalid:
            spec, message = invalid[0]
            self.clear_notifications()     # pressing F10 again repeats the notice, not stacks it
            self.notify(f"Fix this first: {in_words(message)}", severity="error",
                        title="Next refused")
            control = pane.first_invalid_control()
            if control is not None:      # straight to the field to fix, no Tab hunt
                control.focus()
            return
        following = frame.neighbour(frame.current, +1)
        if following is None:
            self.open_review()
        else:
            await frame.show_step(following)

    async def action_back(self) -> None:
        kind = self._screen_kind()
        if kind == "frame":
            frame = self._steps()
            previous = frame.neighbour(frame.current, -1)
            if previous is None:
                self._push_welcome()
            else:
                await frame.show_step(previous)
        elif kind in ("review", "history") and not self._applying():
            self.pop_screen()
            self._sync_frame()

    async def on_step_chosen(self, message) -> None:
        await self._steps().show_step(message.number)

    def action_steps(self) -> None:
        """F6: into the side list (Up/Down, Enter jumps to that step); F6 again: back."""
        if self._screen_kind() == "frame":
            self._steps().toggle_step_list()

    def open_review(self) -> None:
        self.push_screen(ReviewScreen(self.session, self.colour, self.console_mode))

    def open_fix_review(self, findings) -> None:
        """The doctor's chosen fixes go through Review like any change: one transaction."""
        self.push_screen(ReviewScreen(self.session, self.colour, self.console_mode, fixes=findings))

    def action_history(self) -> None:
        if self.check_action("history", ()):
            self.push_screen(HistoryScreen(self.session, self.colour))

    def action_help(self) -> None:
        title, text = help_for(self._screen_kind(), self.frame, self.focused)
        self.push_screen(HelpScreen(title, text))

    def action_request_quit(self) -> None:
        if self._applying():
            if isinstance(self.screen, ReviewScreen) and self.screen.state == "trial":
                self.notify("A trial is waiting: press k to keep it, or wait and it is undone.",
                            severity="warning")
            else:
                self.notify("Apply is running; it finishes (or restores everything) on its own.",
                            severity="warning")
            return
        if self._unapplied_changes():
            if self._screen_kind() != "modal":
                self.push_screen(quit_question(self.applied), self._quit_answer)
            return
        self.exit(0)

    def _quit_answer(self, quit_now: Optional[bool]) -> None:
        if quit_now:
            self.exit(0)

    def _unapplied_changes(self) -> bool:
        """Only what the user changed in this session counts: the answers as opened (from the
        host's files or an answers file) are not lost by quitting."""
        if self.session is None or self.session.answers == self._opened_answers:
            return False
        try:
            return not self.session.plan().empty
        except Exception:
            return True   # answers that cannot be planned yet are still unsaved work

    # ------------------------------------------------------------------ called by screens
    def after_apply(self, ok: bool) -> None:
        self.applied = self.applied or ok
        if ok:       # what was applied is no longer unsaved work
            self._opened_answers = self.session.answers
        self._sync_frame()

    def rollback_transaction(self, tx_id: str, then: Callable[[bool], None], force: bool = False,
                             cascade: bool = False) -> None:
        self.notify(f"Rolling back {tx_id}...")
        self._rollback_worker(tx_id, then, force, cascade)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rollback")
    def _rollback_worker(self, tx_id: str, then: Callable[[bool], None], force: bool,
                         cascade: bool) -> None:
        kept: List[str] = []
        done = [tx_id]
        try:
            result = self.session.rollback(tx_id, force=force, cascade=cascade)
            ok, error = result.ok, result.error
            kept = [f"Your version of {k.path} is kept in {k.copy}" for k in result.kept]
            done = result.rolled_back or done
        except Exception as exc:   # a refusal (changed since, later transactions): nothing changed
            ok, error = False, str(exc)
        self.call_from_thread(self._rollback_done, done, ok, error, kept, then)

    def _rollback_done(self, done: List[str], ok: bool, error, kept: List[str], then) -> None:
        if ok:
            self.notify(f"Rolled back {', '.join(done)}: the files and services are as before "
                        f"{'them' if len(done) > 1 else 'it'}."
                        + "".join(f"\n{line}" for line in kept))
        else:
            self.notify(f"Rollback of {', '.join(done)} failed: {error}", severity="error")
        self._sync_frame()
        then(ok)


def make_app(session, start_at: Optional[int] = None, ascii_mode: Optional[bool] = None) -> WizardApp:
    return WizardApp(session, start_at=start_at, console=console_mode_wanted(ascii_mode))


def run_app(open_session: Callable[[], object], start_at: Optional[int] = None,
            ascii_mode: Optional[bool] = None) -> int:
    """Run the wizard; `open_session()` runs in a worker after the first frame is drawn.
    An error it raises (UserError: unsupported host, bad answers) is raised again here."""
    app = WizardApp(start_at=start_at, console=console_mode_wanted(ascii_mode),
                    open_session=open_session)
    result = app.run()
    if app.open_error is not None:
        raise app.open_error
    return result if isinstance(result, int) else 0
