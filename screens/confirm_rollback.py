"""Rolling back a transaction on a production host: ask first, naming what would be undone."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from screens.widgets import Plain


class ConfirmRollbackScreen(ModalScreen[bool]):
    """Dismissed with True only on y; n, Escape or F8 leave the host as it is."""

    BINDINGS = [Binding("y", "answer(True)", "Yes, roll back"),
                Binding("n,escape,f8", "answer(False)", "No", key_display="N")]

    def __init__(self, tx_id: str, n_changes: int):
        super().__init__(id="confirm-rollback")
        self.tx_id = tx_id
        self.n_changes = n_changes

    def compose(self) -> ComposeResult:
        noun = "change" if self.n_changes == 1 else "changes"
        with Vertical(id="confirm-box"):
            yield Plain(f"Roll back transaction {self.tx_id} ({self.n_changes} {noun})?",
                        classes="pane-title")
            yield Plain("Its files are restored as they were before it and its commands are "
                        "undone on this host.\n\ny = roll back, n = keep it")
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
