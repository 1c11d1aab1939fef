"""One form row per answer field: label, control, and the inline validation message.

The kind of control comes from the Answers model itself (choices -> Select, booleans ->
[X] box, the rest -> a text Input), so a field added to the model needs no UI code beyond
naming it in a step's FIELDS."""
from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import typing_extensions
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static
from typing_extensions import get_args, get_origin

from wizard.model import Answers, core_type, field_info, field_names
from screens.widgets import AsciiSelect, FieldInput, Plain, YesNo, framed, split_list


@dataclass(frozen=True)
class FieldSpec:
    dotted: str
    label: str
    # Shown only when it can change something for these answers on this host (None = always):
    # a field that does nothing is not on the screen.
    visible: Optional[Callable[[Any], bool]] = None   # called with the Session
    # The choices offered for these answers (None = every value the model allows): a choice
    # that can only be refused (Kerberos with rsyslog) is not offered.
    options: Optional[Callable[[Any], Tuple[str, ...]]] = None


# ---- when a field matters (each takes the Session) ------------------------------------------
def native(s) -> bool:
    return s.answers.method == "audisp-remote"


def rsyslog(s) -> bool:
    return s.answers.method == "rsyslog"


def receiver(s) -> bool:
    return s.answers.role == "receiver"


def both(*tests: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda s: all(test(s) for test in tests)


def field_kind(dotted: str) -> Tuple[str, Tuple[str, ...]]:
    """("choice", options) | ("bool", ()) | ("list", ()) | ("text", ())."""
    core = core_type(dotted)
    # On Python 3.9 typing.Literal and typing_extensions.Literal are different objects.
    if get_origin(core) in (typing.Literal, typing_extensions.Literal):
        return "choice", tuple(get_args(core))
    if core is bool:
        return "bool", ()
    if get_origin(core) in (list, List):
        return "list", ()
    return "text", ()


# Every field's label and the step whose form has it (the first step that shows it), filled in
# by the step panes as they are defined.
FIELD_LABELS: Dict[str, str] = {"role": "This host is the", "method": "Forwarding method"}
FIELD_STEP: Dict[str, int] = {}
_ITEM = re.compile(r"(?P<dotted>[a-z_]+(?:\.[a-z_]+)?)(?:\[(?P<index>[0-9]+)\])?")


def in_words(message: str) -> str:
    """A model message as the form says it: `receiver.allowed_senders[0]: "x" is not ...` ->
    `Allowed senders, item 1: "x" is not ...`; other fields named in it by their label."""
    head, sep, rest = message.partition(":")
    match = _ITEM.fullmatch(head.strip())
    if not (sep and match and match.group("dotted") in FIELD_LABELS):
        head, sep, rest = "", "", message
    else:
        index = match.group("index")
        head = FIELD_LABELS[match.group("dotted")] + (f", item {int(index) + 1}" if index else "")
    # An answers file's `encryption = "kerberos"`: the field's label and the choice as shown
    # (file keys such as `transport = KRB5` are not quoted and stay as they are).
    names = {**_unique_short_labels(), **{d: FIELD_LABELS[d] for d in FIELD_LABELS if "." in d}}
    for name in sorted(names, key=len, reverse=True):
        rest = re.sub(r"(?<![\w.])" + re.escape(name) + r' = "([^"]*)"', f'"{names[name]}" set to \\1', rest)
    for dotted in sorted((d for d in FIELD_LABELS if "." in d), key=len, reverse=True):
        rest = re.sub(r"(?<![\w.])" + re.escape(dotted) + r"(?![\w.])", f'"{FIELD_LABELS[dotted]}"', rest)
    return head + sep + rest


def _unique_short_labels() -> Dict[str, str]:
    """{"encryption": "Encryption", "method": "Forwarding method", ...}: the last part of each
    field's name that names one field only."""
    labels: Dict[str, List[str]] = {}
    for dotted, label in FIELD_LABELS.items():
        labels.setdefault(dotted.rsplit(".", 1)[-1], []).append(label)
    return {short: found[0] for short, found in labels.items() if len(set(found)) == 1}


def field_help(dotted: str) -> str:
    return field_info(dotted).description or ""


def unset_meaning(dotted: str) -> str:
    """What an empty field means, from its description ("not set = auditd" -> "empty: auditd")."""
    match = re.search(r"(?:not set|empty) = (.+?)(?:[;()]|\.\s|\.$|$)", field_help(dotted))
    if not match or any(name in match.group(1) for name in field_names() if "." in name):
        return ""     # none, or it names another field (what it means depends on the role)
    return f"empty: {match.group(1).strip()}"


# What a text field accepts, by the kind of value (the model's checks, said for a person).
TEXT_ALLOWED = (
    (("server",), "a host name (letters, digits, '-' and '.') or an IPv4/IPv6 address"),
    (("_file", "_dir", "keytab"), "an absolute path (starting with /), without spaces or '#'"),
    (("zone",), "a firewalld zone name: letters, digits, '_' and '-', at most 32"),
    (("principal",), "a Kerberos principal such as auditd or admin/admin@EXAMPLE.COM"),
    (("peer_names",), "certificate names such as web01.example.com or *.example.com, "
                      "separated by commas or spaces"),
    (("allowed_senders",), "addresses or networks such as 192.0.2.10 or 192.0.2.0/24, "
                           "separated by commas or spaces; empty for any address"),
    (("client_ports",), "a port N or a range N-M (like 1-1023)"),
    (("outage",), "a duration such as 90s, 10m or 2h; 0 for none"),
    (("queue_max_disk",), "a size such as 512m or 2g"),
    (("auditd.name",), "a name without spaces or '#' (printable ASCII)"),
)


def allowed_text(dotted: str) -> str:
    """What a field accepts, in words (for F1 on the field)."""
    kind, options = field_kind(dotted)
    if kind == "choice":
        return "one of " + ", ".join(options) + " (Enter opens the list)"
    if kind == "bool":
        return "on [X] or off [ ] (Space switches)"
    if kind == "list":
        return "one or more values separated by commas or spaces; empty for none"
    low = high = None
    for meta in _metadata(field_info(dotted)):
        low, high = getattr(meta, "ge", low), getattr(meta, "le", high)
    if low is not None and high is not None:
        unset = unset_meaning(dotted)
        return f"a whole number from {low} to {high}" + (f" ({unset})" if unset else "")
    for endings, words in TEXT_ALLOWED:
        if dotted.endswith(endings):
            return words + (f" ({unset_meaning(dotted)})" if unset_meaning(dotted) else "")
    return "text without spaces or '#'"


def _metadata(info) -> List[Any]:
    """A field's constraints, also those inside Optional[Annotated[...]] (remote.peak_rate)."""
    found, todo = list(info.metadata), list(get_args(info.annotation))
    while todo:
        item = todo.pop()
        found += getattr(item, "metadata", [])
        todo += get_args(item)
    return found


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
    FieldRow Input, FieldRow Select, FieldRow .framed { width: 1fr; }
    FieldRow YesNo { width: 5; }
    FieldRow .field-error { color: $error; height: auto; display: none; }
    FieldRow.-invalid .field-error { display: block; }
    """

    def __init__(self, spec: FieldSpec, session):
        super().__init__(id="row-" + _dom_id(spec.dotted)[2:])
        self.spec = spec
        self.kind, self.options = field_kind(spec.dotted)
        self._initial = current_value(session.answers, spec.dotted)
        self.options = self.offered(session)
        self.own_error: Optional[str] = None     # this value, as typed, is refused
        self.cross_error: Optional[str] = None   # valid alone, but another field needs it

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.spec.label, classes="field-label")
            control = self._make_control()
            yield control if self.kind == "bool" else framed(
                control, getattr(self.app, "console_mode", False))
        yield Plain("", classes="field-error")

    def _make_control(self):
        control_id = _dom_id(self.spec.dotted)
        if self.kind == "choice":
            return AsciiSelect([(o, o) for o in self.options], value=self._initial,
                               allow_blank=False, compact=True, id=control_id)
        if self.kind == "bool":
            return YesNo("", value=bool(self._initial), compact=True, id=control_id)
        return FieldInput(value_to_text(self._initial), id=control_id, select_on_focus=False,
                          placeholder=unset_meaning(self.spec.dotted))

    @property
    def control(self):
        return self.query_one("#" + _dom_id(self.spec.dotted))

    def offered(self, session) -> Tuple[str, ...]:
        """The choices for these answers; the current value stays among them even when it
        is not one (an answers file's), so it shows with its message."""
        if self.kind != "choice" or self.spec.options is None:
            return self.options
        wanted = self.spec.options(session)
        value = current_value(session.answers, self.spec.dotted)
        return wanted if value in wanted else (*wanted, value)

    def offer(self, session) -> None:
        """Show the choices these answers allow (the method changed since)."""
        options = self.offered(session)
        if options == self.options:
            return
        self.options = options
        control = self.control
        with control.prevent(AsciiSelect.Changed):
            control.set_options([(o, o) for o in options])
        self.show_value(current_value(session.answers, self.spec.dotted))

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
        self.query_one(".field-error", Static).update(self.error_text)
        self.set_class(bool(self.error), "-invalid")

    @property
    def error_text(self) -> str:
        """The message in words, without this row's own label (it stands right above)."""
        text = in_words(self.error or "")
        label = self.spec.label + ":"
        return text[len(label):].strip() if text.startswith(label) else text
