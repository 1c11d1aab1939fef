"""F1: help for the screen (or step) you are on, and the keys."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS = ("Keys: F10 or Ctrl+N next, F8 back, F1 help, F7 history, F9 or Ctrl+Q quit.\n"
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
            yield Static(f"Help: {self.title_text}", classes="pane-title")
            yield Static(self.body, classes="help-body")
            yield Static(KEYS, classes="help-keys")
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
