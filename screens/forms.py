"""One form row per answer field: label, control, and the inline validation message.

The kind of control comes from the Answers model itself (choices -> Select, booleans ->
[X] box, the rest -> a text Input), so a field added to the model needs no UI code beyond
naming it in a step's FIELDS."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from wizard.model import Answers, core_type, field_info
from screens.widgets import AsciiSelect, YesNo, split_list
from screens.widgets import Plain


@dataclass(frozen=True)
class FieldSpec:
    dotted: str
    label: str
    visible: Optional[Callable[[Answers], bool]] = None   # None = always


def field_kind(dotted: str) -> Tuple[str, Tuple[str, ...]]:
    """("choice", options) | ("bool", ()) | ("list", ()) | ("text", ())."""
    import typing
    import typing_extensions
    from typing_extensions import get_args, get_origin
    core = core_type(dotted)
    # On Python 3.9 typing.Literal and typing_extensions.Literal are different objects.
    if get_origin(core) in (typing.Literal, typing_extensions.Literal):
        return "choice", tuple(get_args(core))
    if core is bool:
        return "bool", ()
    if get_origin(core) in (list, List):
        return "list", ()
    return "text", ()


def field_help(dotted: str) -> str:
    return field_info(dotted).description or ""


def current_value(answers: Answers, dotted: str) -> Any:
    value: Any = answers
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def value_to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _dom_id(dotted: str) -> str:
    return "f-" + dotted.replace(".", "--").replace("_", "-")


class FieldRow(Vertical):
    """Label + control on one line, the field's message (if any) on the next."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: 1; }
    FieldRow .field-label { width: 24; height: 1; }
    FieldRow Input, FieldRow Select { width: 1fr; }
    FieldRow YesNo { width: 5; }
    FieldRow .field-error { color: $error; height: auto; display: none; }
    FieldRow.-invalid .field-error { display: block; }
    """

    def __init__(self, spec: FieldSpec, answers: Answers):
        super().__init__(id="row-" + _dom_id(spec.dotted)[2:])
        self.spec = spec
        self.kind, self.options = field_kind(spec.dotted)
        self._initial = current_value(answers, spec.dotted)
        self.own_error: Optional[str] = None     # this value, as typed, is refused
        self.cross_error: Optional[str] = None   # valid alone, but another field needs it

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.spec.label, classes="field-label")
            yield self._make_control()
        yield Plain("", classes="field-error")

    def _make_control(self):
        control_id = _dom_id(self.spec.dotted)
        if self.kind == "choice":
            return AsciiSelect([(o, o) for o in self.options], value=self._initial,
                               allow_blank=False, compact=True, id=control_id)
        if self.kind == "bool":
            return YesNo("", value=bool(self._initial), compact=True, id=control_id)
        return Input(value_to_text(self._initial), compact=True, id=control_id,
                     select_on_focus=False)

    def on_mount(self) -> None:
        # A blinking cursor repaints twice a second: bytes on a serial line, and pictures
        # that depend on timing in tests. Steady in console mode and when headless.
        if isinstance(self.control, Input) and (getattr(self.app, "console_mode", False)
                                                or self.app.is_headless):
            self.control.cursor_blink = False

    @property
    def control(self):
        return self.query_one("#" + _dom_id(self.spec.dotted))

    def typed_value(self) -> Any:
        """The control's value in the form the model takes (lists split, blanks kept as "")."""
        control = self.control
        if self.kind == "list":
            return split_list(control.value)
        return control.value

    def show_value(self, value: Any) -> None:
        """Put a value into the control without treating it as typing."""
        control = self.control
        with control.prevent(Input.Changed, AsciiSelect.Changed, YesNo.Changed):
            if self.kind == "bool":
                control.value = bool(value)
            elif self.kind == "choice":
                control.value = value
            else:
                control.value = value_to_text(value)

    @property
    def error(self) -> Optional[str]:
        return self.own_error or self.cross_error

    def set_error(self, own: Optional[str] = None, cross: Optional[str] = None) -> None:
        if (own, cross) == (self.own_error, self.cross_error):
            return   # nothing to repaint
        self.own_error, self.cross_error = own, cross
        self.query_one(".field-error", Static).update(self.error or "")
        self.set_class(bool(self.error), "-invalid")
