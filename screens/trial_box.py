"""The Review screen's trial choice: apply, then roll back by itself unless kept in time.

Like Cockpit's network checkpoints: the rollback timer runs outside the wizard (systemd-run on
a real host), so a change that cuts your SSH session undoes itself."""
from __future__ import annotations

from typing import Optional, Tuple

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from screens.widgets import FieldInput, YesNo, framed

DEFAULT_SECONDS = 120
LIMITS = (1, 3600)


class TrialChoice(Horizontal):
    DEFAULT_CSS = """
    TrialChoice { height: 1; padding: 0 1; }
    TrialChoice Label { width: auto; }
    TrialChoice YesNo { width: 5; }
    TrialChoice Input { width: 5; }
    TrialChoice .framed { width: 7; }
    """

    def compose(self) -> ComposeResult:
        yield YesNo("", value=False, compact=True, id="trial")
        yield Label("Trial (t): undo unless kept (k) within ")
        yield framed(FieldInput(str(DEFAULT_SECONDS), id="trial-seconds", restrict=r"[0-9]*",
                                max_length=4), getattr(self.app, "console_mode", False))
        yield Label(" s")

    def choice(self) -> Tuple[bool, Optional[int], Optional[str]]:
        """(trial wanted, seconds, message when the seconds are refused)."""
        if not self.query_one(YesNo).value:
            return False, None, None
        text = self.query_one(Input).value.strip()
        low, high = LIMITS
        if not text.isdigit() or not low <= int(text) <= high:
            return True, None, f"Trial seconds: a whole number {low}-{high}"
        return True, int(text), None

    def toggle(self) -> None:
        box = self.query_one(YesNo)
        box.value = not box.value
