"""What F1 shows: for a focused field, what it does and what it accepts; for a step, its
purpose for this role and each field it shows; for the other screens, what they do. Plain
sentences: the Help box wraps them to its width."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Tuple

from wizard.lazy_module import lazy_module
from wizard.steps import BY_NUMBER

if TYPE_CHECKING:
    from screens.forms import FieldRow

forms = lazy_module("screens.forms")   # the fields' help; Welcome's help is loaded before them

WELCOME = ("Pick what this host is and how records travel. A sender forwards its own audit "
           "records; a receiver collects them. Run the wizard on both hosts with the same "
           "method and port. F10 goes to the steps of this role; nothing changes until you "
           "apply on the Review screen.")
REVIEW = ("The whole plan, grouped by step: file diffs (+ added, - removed lines) and the "
          "exact commands. F10 asks \"Apply N changes?\" and y applies it as one transaction: "
          "if any change fails, every change already made is undone in reverse. t makes it a "
          "trial that undoes itself unless you press k in time. e exports an Ansible playbook, "
          "x (on a sender) the matching receiver answers. F8 goes back to edit.")
HISTORY = ("Every transaction this wizard made on this host, newest first, with its diffs. "
           "r rolls the selected one back after you confirm with y (files restored byte for "
           "byte, commands undone); e exports its answers as an Ansible playbook.")
KEYS = ("Keys: F10 or Ctrl+N next, F8 back, F6 the list of steps (Enter jumps), F1 help (on a "
        "field: that field), F7 history, F9 or Ctrl+Q quit; F5 runs the test (step 7) and the "
        "checks (step 9). Tab and Shift+Tab move between fields; Enter opens a choice list "
        "(Welcome's choices: Left and Right); "
        "Space ticks [X]. Nothing on the host changes until you confirm Apply on the Review "
        "screen.")


def field_row(widget) -> Optional["FieldRow"]:
    for node in (widget.ancestors_with_self if widget is not None else ()):
        if isinstance(node, forms.FieldRow):
            return node
    return None


def field_text(row: "FieldRow") -> str:
    spec = row.spec
    section, _, key = spec.dotted.rpartition(".")
    where = f"[{section}] {key}" if section else key
    return (f"{forms.field_help(spec.dotted)}\n\nAllowed: {forms.allowed_text(spec.dotted)}\n"
            f"In an answers file: {where} = ...")


def step_text(pane) -> str:
    lines = [pane.explanation(), ""]
    if not pane.applies:
        lines.append(pane.role_note())
    for row in pane.shown_rows():
        lines.append(f"{row.spec.label}: {forms.field_help(row.spec.dotted)}")
    if pane.guide_note():
        lines += ["", pane.guide_note()]
    return "\n".join(lines)


def help_for(kind: str, frame, focused) -> Tuple[str, str]:
    if kind == "welcome":
        return "Welcome", WELCOME
    if kind == "review":
        return "Review & apply", REVIEW
    if kind == "history":
        return "History", HISTORY
    pane = frame.pane(frame.current)
    step = BY_NUMBER[pane.STEP]
    row = field_row(focused)
    if row is not None:
        return (f"{row.spec.label} (step {step.number}: {step.title})",
                field_text(row) + "\n\nThis step: " + step_text(pane))
    return f"Step {step.number}: {step.title}", step_text(pane)
