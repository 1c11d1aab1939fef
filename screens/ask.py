"""Yes/no questions before anything that changes the host or replaces a file: the answer is
no unless y is pressed (n, Esc and F8 say no)."""
from __future__ import annotations

from typing import Optional, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

from screens.keybar import KeyBar
from screens.widgets import Plain


class Ask(ModalScreen[bool]):
    """Dismissed with True only on y."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"),
                Binding("n,escape,f8", "answer(False)", "No", key_display="N")]

    def __init__(self, title: str, text: str, id: Optional[str] = None):
        super().__init__(id=id)
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Plain(self.title_text, classes="pane-title")
            yield Plain(self.text, classes="confirm-text")
        yield KeyBar()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def quit_question(applied_before: bool) -> Ask:
    # After an apply in this session "nothing has been changed" would be false.
    host = ("what you applied earlier stays (F7 History can undo it)" if applied_before
            else "nothing on this host has been changed")
    return Ask("Quit without applying?", "You have changes that were not applied. Quitting "
               f"discards them; {host}.\n\ny = quit, n = stay", id="confirm-quit")


def rollback_question(tx_id: str, n_changes: int, later: Sequence[str] = (),
                      changed: Sequence[str] = ()) -> Ask:
    """Names what the rollback does besides (as `rollback --cascade --force` would): later
    transactions that changed the same things go first, newest first; what was changed since
    the wizard applied it is restored, with the admin's versions kept in the journal."""
    noun = "change" if n_changes == 1 else "changes"
    title = f"Roll back transaction {tx_id} ({n_changes} {noun})?"
    if later:
        title = f"Roll back {tx_id} and {len(later)} later one{'s' if len(later) > 1 else ''}?"
    text = ("Its files are restored as they were before it and its commands are undone on "
            "this host.")
    if later:
        text += ("\n\nLater transactions changed the same things; they are rolled back first, "
                 f"newest first: {', '.join(later)}.")
    if changed:
        shown = "\n".join("  " + line for line in changed[:6])
        more = f"\n  and {len(changed) - 6} more (auditd-wizard status)" if len(changed) > 6 else ""
        text += ("\n\nChanged since the wizard applied it; restored, and your versions are kept "
                 f"in the journal:\n{shown}{more}")
    return Ask(title, text + "\n\ny = roll back, n = keep it", id="confirm-rollback")


def replace_question(what: str) -> Ask:
    return Ask("Replace?", f"{what}\n\ny = replace, n = keep it (type another name)",
               id="confirm-replace")
