"""Quit with unapplied changes: ask first. Quitting never changes anything on the host."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer
from screens.widgets import Plain


class ConfirmQuitScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y", "answer(True)", "Yes, quit"),
                Binding("n,escape,f8", "answer(False)", "No, stay", key_display="N")]

    def __init__(self, applied_before: bool = False):
        super().__init__()
        self.applied_before = applied_before

    def compose(self) -> ComposeResult:
        # After an apply in this session "nothing has been changed" would be false.
        host = ("what you applied earlier stays (F7 History can undo it)" if self.applied_before
                else "nothing on this host has been changed")
        with Vertical(id="confirm-box"):
            yield Plain("Quit without applying?", classes="pane-title")
            yield Plain("You have changes that were not applied. Quitting discards them; "
                         f"{host}.\n\ny = quit, n = stay")
        yield Footer(compact=True)

    def action_answer(self, quit_now: bool) -> None:
        self.dismiss(quit_now)
