"""The App shell: builds the frame of nine step panes and owns the step order.

Screens and panes never decide where the user goes next: Next/Back/Quit/Help/History are App
actions, and `check_action` hides the keys that do nothing on the current screen so the footer
only shows what works. `make_app(session)` takes its dependencies so tests pass a sandbox.

`run_app(first_look, open_session)` reads what Welcome shows (facts, the setup found:
wizard/first_look.py) in a thread while Textual starts; Welcome waits for it up to
SPLASH_AFTER (a splash shown for less is only a flicker), else shows "Reading this host..." and
fills in when it is read. From then on Welcome answers keys. The Session (the answers model,
detection, the planner) opens in a worker when first needed: F10, History or r on Welcome, which
go on once it is open; at once with --start-at or an answers file. The steps, Review and
History are lazy modules (wizard/lazy_module.py): a host only looked at never loads them (see
bench/tui_bench.py)."""
from __future__ import annotations

import asyncio
import os
import sys
import threading
from concurrent.futures import Future, TimeoutError as NotYet
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Callable, List, Optional, Union

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.timer import Timer

from wizard.first_look import FirstLook
from wizard.lazy_module import lazy_module
from wizard.steps import STEPS
from screens.ask import quit_question
from screens.diff_driver import CellDiffDriver
from screens.help import HelpScreen
from screens.help_text import help_for
from screens.welcome import LoadingScreen, NeedsSession, WelcomeScreen
from screens.widgets import AsciiScrollBarRender

if TYPE_CHECKING:
    from screens.frame import StepFrame

forms = lazy_module("screens.forms")
frame_module = lazy_module("screens.frame")
history = lazy_module("screens.history")
review = lazy_module("screens.review")

CONSOLE_TERMS = ("linux", "vt100", "vt220")
HERE = Path(__file__).resolve().parent
FIRST, LAST = STEPS[0].number, STEPS[-1].number
LOADING_NOTE_AFTER = 0.3   # seconds F10 waits for the Session before it says so
SPLASH_AFTER = 0.1     # seconds of reading the host before Welcome says "Reading this host..."


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


def _in_thread(call: Callable[[], FirstLook]) -> Future:
    """`call()` in a daemon thread: quitting while a host's command hangs must not wait for
    it (a pool's threads are joined at exit)."""
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(call())
        except BaseException as error:   # handed to whoever waits for the result
            future.set_exception(error)

    threading.Thread(target=run, name="first-look", daemon=True).start()
    return future


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
                 open_session: Optional[Callable[[Optional[FirstLook]], object]] = None,
                 first_look: Optional[Callable[[], FirstLook]] = None):
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
        self._look: Optional[FirstLook] = None
        self._looking: Optional[Future] = None
        if first_look is not None:     # commands and files: it runs while Textual starts
            self._looking = _in_thread(first_look)
        self._opening = False
        # The key pressed last while the Session opens (F10, F7, r): done once it is open.
        self._after_open: Optional[Callable[[], object]] = None
        self._loading_note: Optional[Timer] = None
        self._loading_said = False
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
        self.frame = frame_module.StepFrame(self.session, self.colour, start=self.start_at or FIRST)
        return self.frame

    def _steps(self) -> StepFrame:
        """The frame, for what runs only on screens that exist once it is built."""
        if self.frame is None:
            raise RuntimeError("the frame of steps is not built yet")
        return self.frame

    def on_mount(self) -> None:
        if self.console_mode:
            self.theme = "ansi-dark"
        if self._looking is not None:
            try:
                self._look = self._looking.result(timeout=SPLASH_AFTER)
            except NotYet:
                pass
            except Exception as error:   # shown by run_app once the terminal is restored
                self._open_failed(error)
                return
        if not self.start_at:
            self._push_welcome()
        elif self.session is None:     # the step's frame replaces it when the host is read
            self.push_screen(LoadingScreen())
        if self._look is not None:
            self._look_ready()
        elif self._looking is not None:
            self._read_host_worker()
        elif self.session is None:   # after the first frame: it would compete for the GIL
            self.call_after_refresh(self.open_session_then)

    @work(exclusive=True, exit_on_error=False, group="look")
    async def _read_host_worker(self) -> None:
        """Waits for the host to be read (in the first-look thread), then shows it."""
        if self._looking is None:
            return
        try:
            look = await asyncio.wrap_future(self._looking)
        except Exception as error:   # shown by run_app once the terminal is restored
            self._open_failed(error)
            return
        await self._host_read(look)

    def open_session_then(self, action: Optional[Callable[[], object]] = None) -> None:
        """Open the Session in a worker (once), then run `action` on the event loop; the last
        action asked for wins, as the user's last key says what they want now."""
        if action is not None:
            self._after_open = action
            if self._loading_note is None:   # said only when the wait is long enough to notice
                self._loading_note = self.set_timer(LOADING_NOTE_AFTER, self._say_loading)
        if not self._opening:
            self._opening = True
            self._open_session_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def _open_session_worker(self) -> None:
        if self._open_session is None:
            raise RuntimeError("run_app opens the session; make_app was given one")
        try:
            session = self._open_session(self._look)
        except Exception as error:   # shown by run_app once the terminal is restored
            self.call_from_thread(self._open_failed, error)
            return
        # mypy cannot solve call_from_thread's `T | Awaitable[T]` for a coroutine function.
        self.call_from_thread(self._session_ready, session)  # type: ignore[arg-type]

    def _open_failed(self, error: BaseException) -> None:
        self.open_error = error
        self.exit(return_code=getattr(error, "exit_code", 1))

    async def _host_read(self, look: FirstLook) -> None:
        self._look = look
        welcome = self._welcome()
        if welcome is not None:
            await welcome.show_host(look)
        self.refresh_bindings()
        self._look_ready()

    def _look_ready(self) -> None:
        if self.start_at or not self._look or not self._look.choices_known:
            self.open_session_then()    # nothing to choose before the Session

    async def _session_ready(self, session) -> None:
        self.session = session
        self._opened_answers = session.answers
        if self._loading_note is not None:
            self._loading_note.stop()
            if self._loading_said:   # before fill, which may have its own message to show
                self.clear_notifications()
        welcome = self._welcome()
        if welcome is not None:
            await welcome.fill(session)     # a role chosen while it opened is applied here
        if self.start_at:
            await self.switch_screen(self._make_frame())
        self.refresh_bindings()
        if self._after_open is not None:
            self.call_later(self._after_open)
            self._after_open = None

    def on_needs_session(self, message: NeedsSession) -> None:
        self.open_session_then(message.then)

    def _say_loading(self) -> None:
        self._loading_said = True
        self.notify("Loading the steps and this host's configuration...", timeout=30)

    async def _next_if_still_on_welcome(self) -> None:
        if self._screen_kind() == "welcome":
            await self._leave_welcome()

    def _welcome(self) -> Optional[WelcomeScreen]:
        return next((s for s in self.screen_stack if isinstance(s, WelcomeScreen)), None)

    def _push_welcome(self) -> None:
        self.push_screen(WelcomeScreen(self.session, self._look), self._welcome_done)

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

    def _screen_kind(self) -> str:
        """"frame", "welcome", "review", "history" (each screen class says: asking with
        isinstance would load the lazy modules), or "modal"."""
        return getattr(self.screen, "KIND", "modal")

    def _applying(self) -> bool:
        # A trial waiting for Keep holds the screen too: leaving it would lose the Keep key.
        return self._screen_kind() == "review" and self._review_state() in ("applying", "trial")

    def _review_state(self) -> str:
        return getattr(self.screen, "state", "")

    def _welcome_answers_keys(self) -> bool:
        """Welcome shows the host and the choices, though the Session may still be opening."""
        welcome = self.screen
        return isinstance(welcome, WelcomeScreen) and welcome.shows_choices

    def check_action(self, action: str, parameters) -> Optional[bool]:
        kind = self._screen_kind()
        if self.session is None:      # the Session is not open yet
            if action in ("next", "history"):    # on Welcome they open it, then go on
                return self._welcome_answers_keys()
            if action == "help":
                return kind == "welcome"
            return action not in ("back", "steps")
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
        if self.session is None:    # the steps follow as soon as the Session is open
            if self._welcome_answers_keys():
                self.open_session_then(self._next_if_still_on_welcome)
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
            self.notify(f"Fix this first: {forms.in_words(message)}", severity="error",
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
        self.push_screen(review.ReviewScreen(self.session, self.colour, self.console_mode))

    def open_fix_review(self, findings) -> None:
        """The doctor's chosen fixes go through Review like any change: one transaction."""
        self.push_screen(review.ReviewScreen(self.session, self.colour, self.console_mode,
                                             fixes=findings))

    def action_history(self) -> None:
        if self.session is None:     # from Welcome: History lists what the Session reads
            if self._welcome_answers_keys():
                self.open_session_then(self.action_history)
            return
        if self.check_action("history", ()):
            self.push_screen(history.HistoryScreen(self.session, self.colour))

    def action_help(self) -> None:
        title, text = help_for(self._screen_kind(), self.frame, self.focused)
        self.push_screen(HelpScreen(title, text))

    def action_request_quit(self) -> None:
        if self._applying():
            if self._review_state() == "trial":
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
        if self.session is None:     # Welcome's choices are all there is to lose yet
            welcome = self._welcome()
            return welcome is not None and welcome.choices_changed
        if self.session.answers == self._opened_answers:
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


def run_app(first_look: Callable[[], FirstLook], open_session: Callable[[Optional[FirstLook]], object],
            start_at: Optional[int] = None, ascii_mode: Optional[bool] = None) -> int:
    """Run the wizard; `first_look()` then `open_session(look)` run in a worker after the
    first frame is drawn. An error they raise (UserError: unsupported host, bad answers) is
    raised again here."""
    app = WizardApp(start_at=start_at, console=console_mode_wanted(ascii_mode),
                    open_session=open_session, first_look=first_look)
    result = app.run()
    if app.open_error is not None:
        raise app.open_error
    return result if isinstance(result, int) else 0
