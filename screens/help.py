"""F1: help for the screen (or step) you are on, and the keys."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from screens.help_text import KEYS
from screens.keybar import KeyBar
from screens.widgets import Plain


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
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)
