"""F1: help for the screen (or step) you are on, and the keys."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer
from screens.widgets import Plain

KEYS = ("Keys: F10 or Ctrl+N next, F8 back, F6 the list of steps (Enter jumps), F1 help,\n"
        "F7 history, F9 or Ctrl+Q quit; F5 runs the test (step 7) and the checks (step 9).\n"
        "Tab / Shift+Tab move between fields; Enter opens a choice list; Space ticks [X].\n"
        "Nothing on the host changes until you press F10 (Apply) on the Review screen.")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,f8", "close", "Close", key_display="Esc")]

    def __init__(self, title: str, text: str):
        super().__init__(id="help")
        self.title_text = title
        self.body = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Plain(f"Help: {self.title_text}", classes="pane-title")
            yield Plain(self.body, classes="help-body")
            yield Plain(KEYS, classes="help-keys")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
