"""What F1 shows for each screen: the step's purpose, every field's meaning, the guide note."""
from __future__ import annotations

from typing import Tuple

from wizard.steps import BY_NUMBER
from screens.forms import field_help

WELCOME = ("Pick what this host is and how records travel. A sender forwards its own audit "
           "records; a receiver collects them. Run the wizard on both hosts with the same "
           "method and port. F10 goes to the nine steps; nothing changes until you apply.")
REVIEW = ("The whole plan, grouped by step: file diffs (+ added, - removed lines) and the "
          "exact commands. F10 applies it as one transaction: if any change fails, every "
          "change already made is undone in reverse. F8 goes back to edit.")
HISTORY = ("Every transaction this wizard made on this host, newest first, with its diffs. "
           "r rolls the selected one back after you confirm with y (files restored byte for byte, "
           "commands undone).")


def help_for(kind: str, screen, frame) -> Tuple[str, str]:
    if kind == "welcome":
        return "Welcome", WELCOME
    if kind == "review":
        return "Review & apply", REVIEW
    if kind == "history":
        return "History", HISTORY
    pane = frame.pane(frame.current)
    step = BY_NUMBER[pane.STEP]
    lines = [pane.EXPLANATION, ""]
    for spec in pane.FIELDS:
        lines.append(f"{spec.label} ({spec.dotted}): {field_help(spec.dotted)}")
    if pane.GUIDE_NOTE:
        lines += ["", "Why not what the guides say: " + pane.GUIDE_NOTE]
    return f"Step {step.number}: {step.title}", "\n".join(lines)
