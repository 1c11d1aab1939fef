"""The installer's final question: "Apply N changes to HOST?" before anything is written.

F10 is Next on every step, so it must never apply by itself: pressed once more on Review it only
opens this box. The default is Cancel (Enter, n, Esc, F8); only y applies."""
from __future__ import annotations

from typing import List, Optional

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer

from screens.widgets import Plain


def apply_question(count: int, host: str) -> str:
    noun = "change" if count == 1 else "changes"
    return f"Apply {count} {noun} to {host}?"


class ConfirmApplyScreen(ModalScreen[bool]):
    """Dismissed with True only on y."""

    BINDINGS = [Binding("y", "answer(True)", "Yes, apply"),
                Binding("n,escape,f8,enter", "answer(False)", "Cancel", key_display="Enter/N")]

    def __init__(self, count: int, host: str, trial_seconds: Optional[int] = None,
                 blocking: Optional[List[str]] = None):
        super().__init__(id="confirm-apply")
        self.count = count
        self.host = host
        self.trial_seconds = trial_seconds
        self.blocking = blocking or []

    def compose(self) -> ComposeResult:
        how = ("as one transaction: if a change fails, the ones already made are undone. "
               "F7 History can undo it later.")
        if self.trial_seconds:
            how = (f"as a trial: unless you press k (Keep) within {self.trial_seconds} s, it "
                   "undoes itself.")
        lines = [f"The plan on the Review screen is applied {how}"]
        if self.blocking:
            lines += ["", "The check before applying found problems that will make it fail:"]
            lines += [f"  - {problem}" for problem in self.blocking]
            lines += ["Apply anyway only if you know they are fixed by then."]
        lines += ["", "[ Cancel: Enter or n ]    [ Apply: y ]"]
        with Vertical(id="confirm-box"):
            yield Plain(apply_question(self.count, self.host), classes="pane-title")
            yield Plain("\n".join(lines), classes="confirm-text")
        yield Footer(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
