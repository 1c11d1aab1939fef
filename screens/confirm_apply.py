"""The installer's final question: "Apply N changes to HOST?" before anything is written.

F10 is Next on every step, so it must never apply by itself: pressed once more on Review it only
opens this box. The default is Cancel (Enter, n, Esc, F8); only y applies."""
from __future__ import annotations

from typing import List, Optional

from textual.binding import Binding

from screens.ask import Ask


def apply_question(count: int, host: str) -> str:
    noun = "change" if count == 1 else "changes"
    return f"Apply {count} {noun} to {host}?"


class ConfirmApplyScreen(Ask):
    """Dismissed with True only on y; Enter is Cancel, the default."""

    BINDINGS = [Binding("y", "answer(True)", "Yes, apply"),
                Binding("n,escape,f8,enter", "answer(False)", "Cancel", key_display="Enter/N")]

    def __init__(self, count: int, host: str, trial_seconds: Optional[int] = None,
                 blocking: Optional[List[str]] = None):
        how = ("as one transaction: if a change fails, the ones already made are undone. "
               "F7 History can undo it later.")
        if trial_seconds:
            how = (f"as a trial: unless you press k (Keep) within {trial_seconds} s, it "
                   "undoes itself.")
        lines = [f"The plan on the Review screen is applied {how}"]
        if blocking:
            lines += ["", "The checks before applying found what will make it fail:"]
            lines += [f"  - {problem}" for problem in blocking]
            lines += ["Apply anyway only if you know it is fixed by then."]
        lines += ["", "[ Cancel: Enter or n ]    [ Apply: y ]"]
        super().__init__(apply_question(count, host), "\n".join(lines), id="confirm-apply")
