"""What every step pane has: a short explanation, the form, inline validation as you type, the
"why not what the guides say" note and a live preview of exactly what this step changes.

A pane never decides which step comes next; the App does. A pane only reports that its
preview changed (so the side list can mark steps with changes)."""
from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, Dict, List, Optional, Tuple

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from wizard.plan.errors import PlanError
from wizard.session import PLACEHOLDERS
from wizard.steps import BY_NUMBER
from screens.forms import FIELD_LABELS, FIELD_STEP, FieldRow, FieldSpec, current_value, in_words
from screens.widgets import AsciiSelect, Plain, Preview, YesNo, render_preview

PREVIEW_DEBOUNCE = 0.15   # seconds after the last keystroke


class StepPane(VerticalScroll):
    STEP: ClassVar[int] = 0
    EXPLANATION: ClassVar[str] = ""
    BY_METHOD: ClassVar[Dict[str, str]] = {}   # the explanation for one method, when it differs
    FIELDS: ClassVar[Tuple[FieldSpec, ...]] = ()
    ROLES: ClassVar[Tuple[str, ...]] = ("sender", "receiver")
    GUIDE_NOTE: ClassVar[str] = ""       # why not what the popular guide says
    GUIDE_BY_METHOD: ClassVar[Dict[str, str]] = {}   # the guide note for one method, when it differs

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for spec in cls.FIELDS:
            FIELD_STEP.setdefault(spec.dotted, cls.STEP)
            FIELD_LABELS.setdefault(spec.dotted, spec.label)

    class Refreshed(Message):
        """The pane recomputed its preview (the plan may have changed)."""

    def __init__(self, session, colour: bool):
        super().__init__(id=f"step-{self.STEP}", classes="step-pane")
        self.session = session
        self.colour = colour
        self._timer: Optional[Timer] = None
        self._rows: List[FieldRow] = []

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        step = BY_NUMBER[self.STEP]
        yield Plain(f"Step {step.number} of 9: {step.title}", classes="pane-title")
        yield Plain(self.explanation(), classes="explanation")
        yield Plain("", classes="role-note")
        for spec in self.FIELDS:
            row = FieldRow(spec, self.session)
            self._rows.append(row)
            yield row
        yield from self.compose_extra()
        yield Plain("Preview: what this step changes", classes="preview-title")
        yield Preview("", classes="preview")
        yield from self.compose_after_preview()
        if self.GUIDE_NOTE:
            yield Plain(self.guide_note(), classes="guide-note")

    def compose_extra(self) -> ComposeResult:
        """Extra widgets between the form and the preview (step 8's plan error)."""
        return iter(())

    def compose_after_preview(self) -> ComposeResult:
        """Extra widgets after the preview (step 8's report of what the host has)."""
        return iter(())

    def on_mount(self) -> None:
        self.sync()

    # ------------------------------------------------------------------ state
    @property
    def applies(self) -> bool:
        return self.session.answers.role in self.ROLES

    def explanation(self) -> str:
        """What this step does, for the method (and role) chosen on Welcome."""
        return self.BY_METHOD.get(self.session.answers.method, self.EXPLANATION)

    def guide_note(self) -> str:
        """Why not the guide's commands, for the method chosen on Welcome (empty: no note)."""
        note = self.GUIDE_BY_METHOD.get(self.session.answers.method, self.GUIDE_NOTE)
        return "Why not what the guides say: " + note if note else ""

    def role_note(self) -> str:
        role = self.session.answers.role
        other = "receiver" if role == "sender" else "sender"
        return (f"This step does nothing on a {role}: F10 and F8 skip it. Run the wizard on "
                f"the {other} for it.")

    def shown_rows(self) -> List[FieldRow]:
        return [row for row in self._rows if row.display]

    def sync(self) -> None:
        """Match the pane to the answers: which rows show, their values, the role note."""
        answers = self.session.answers
        note = self.query_one(".role-note", Static)
        note.update("" if self.applies else self.role_note())
        note.display = not self.applies
        self.query_one(".explanation", Static).update(self.explanation())
        for guide in self.query(".guide-note").results(Static):
            guide.update(self.guide_note())
        for row in self._rows:
            shown = self._shown(row)
            row.display = shown
            if shown:
                row.offer(self.session)
            if shown and row.own_error is None:
                row.show_value(current_value(answers, row.spec.dotted))
        self.refresh_preview()

    def show_problems(self) -> None:
        """Messages of checks across fields (a sender needs remote.server) under their field."""
        by_field: Dict[str, str] = {}
        for problem in self.session.problems():
            by_field.setdefault(problem.split(":", 1)[0], problem)
        for row in self._rows:
            row.set_error(row.own_error, by_field.get(row.spec.dotted))

    def invalid_fields(self) -> List[Tuple[FieldSpec, str]]:
        return [(row.spec, row.error) for row in self._rows if row.display and row.error]

    def first_invalid_control(self):
        """The control of the first field Next refuses (focus goes there), or None."""
        for row in self._rows:
            if row.display and row.error:
                return row.control
        return None

    def first_control(self):
        for row in self._rows:
            if row.display:
                return row.control
        return self

    # ------------------------------------------------------------------ editing
    def _row_of(self, widget) -> Optional[FieldRow]:
        for node in widget.ancestors:
            if isinstance(node, FieldRow):
                return node
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        self._edited(event.input)

    def on_select_changed(self, event: AsciiSelect.Changed) -> None:
        self._edited(event.select)

    def on_checkbox_changed(self, event: YesNo.Changed) -> None:
        self._edited(event.checkbox)

    def _edited(self, control) -> None:
        row = self._row_of(control)
        if row is None:
            return
        message = self.session.set_field(row.spec.dotted, row.typed_value())
        row.set_error(message, row.cross_error)
        self.show_problems()
        if message is None and row.kind in ("choice", "bool"):
            self._resync_visibility()     # the rows this choice shows or hides, at once
        self._schedule_preview()

    def _shown(self, row: FieldRow) -> bool:
        return self.applies and (row.spec.visible is None or row.spec.visible(self.session))

    def _resync_visibility(self) -> None:
        for row in self._rows:
            shown = self._shown(row)
            if shown:
                row.offer(self.session)
            if shown and not row.display and row.own_error is None:
                row.show_value(current_value(self.session.answers, row.spec.dotted))
            row.display = shown

    def _schedule_preview(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DEBOUNCE, self.refresh_preview)

    # ------------------------------------------------------------------ preview
    def preview_text(self):
        problems = self.session.preview_problems()
        if problems:
            field = problems[0].split(":", 1)[0]
            where = FIELD_STEP.get(field)
            return (f"The preview needs an answer first (step {where}): {in_words(problems[0])}"
                    if where else f"The preview needs an answer first: {in_words(problems[0])}")
        try:
            items = self.preview_items()
        except PlanError as error:
            where = FIELD_STEP.get(str(error).split(":", 1)[0])
            fix = f" (change it on step {where})" if where and where != self.STEP else ""
            return Text(f"Not possible with these answers{fix}: {in_words(str(error))}",
                        style="bold red" if self.colour else "bold")
        except Exception as error:   # an incomplete form: say so, never a traceback
            return f"Preview not available yet: {error}"
        text = render_preview(items, self.colour)
        gaps = [f"{PLACEHOLDERS[d][1]} stands for \"{FIELD_LABELS[d]}\" (step {FIELD_STEP[d]})"
                for d in self.session.placeholders() if PLACEHOLDERS[d][1] in text.plain]
        if gaps:
            text = Text("Not answered yet: " + "; ".join(gaps) + ".\n\n").append_text(text)
        return text

    def preview_items(self) -> list:
        """The step's preview; its notes and findings name fields by their labels."""
        return [replace(item, text=in_words(item.text)) if item.kind == "note" else item
                for item in self.session.step_preview(self.STEP)]

    def refresh_preview(self) -> None:
        self._timer = None
        self._resync_visibility()     # an answer on another step may show or hide a field here
        self.show_problems()
        self.query_one(".preview", Static).update(self.preview_text())
        self.post_message(self.Refreshed())
