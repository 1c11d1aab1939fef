"""Quit with unapplied changes: ask first. Quitting never changes anything on the host."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ConfirmQuitScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y", "answer(True)", "Yes, quit"),
                Binding("n,escape,f8", "answer(False)", "No, stay", key_display="N")]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static("Quit without applying?", classes="pane-title")
            yield Static("You have changes that were not applied. Quitting discards them; "
                         "nothing on this host has been changed.\n\ny = quit, n = stay")
        yield Footer(compact=True)

    def action_answer(self, quit_now: bool) -> None:
        self.dismiss(quit_now)
