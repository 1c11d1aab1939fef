"""Export dialogs: the answers as an Ansible playbook (end of Review, or a past transaction's
answers from History), and, on a sender, the matching receiver's answers file.

The dialog asks where to write (a place of its own by default, never the current directory),
does it on Enter, asks before it replaces anything (a non-empty directory, an existing file,
above all the answers file the wizard was started with) and says what it wrote or why not;
nothing on the host being configured changes."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wizard.session import NeedsConfirmation
from screens.ask import replace_question
from screens.forms import in_words
from screens.keybar import KeyBar
from screens.widgets import FieldInput, Plain, framed


def default_place(session, name: str) -> Path:
    """Next to a sandbox root, named after it (the demo leaves nothing elsewhere, and the
    demo's root is in /tmp, where a plain /tmp/ansible may be anyone's); on a real host in
    ~/auditd-wizard/ (never the current directory: it may be a project of yours)."""
    if session.is_sandbox:
        sandbox = Path(session.root)
        return sandbox.parent / f"{sandbox.name}-{name}"
    return Path.home() / "auditd-wizard" / name


def written_text(paths: List[str]) -> str:
    """"Written to DIR: a, b/c" (names relative to their common directory; fits the box)."""
    if len(paths) == 1:
        return f"Written: {paths[0]}"
    top = os.path.commonpath(paths)
    return f"Written to {top}: " + ", ".join(os.path.relpath(p, top) for p in paths)


class ExportScreen(ModalScreen[Optional[str]]):
    """kind "ansible" (answers_toml None = the current answers) or "receiver"."""

    BINDINGS = [Binding("escape", "close", "Close", key_display="Esc")]

    def __init__(self, session, kind: str = "ansible", answers_toml: Optional[str] = None,
                 label: str = ""):
        super().__init__(id="export")
        self.session = session
        self.kind = kind
        self.answers_toml = answers_toml
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            if self.kind == "ansible":
                yield Plain(f"Export an Ansible playbook{self.label}", classes="pane-title")
                yield Plain("The same changes as a playbook for many hosts (ansible-playbook "
                            "-i inventory site.yml). Enter writes it.", classes="explanation")
                yield self._row("Directory", "export-dir",
                                default_place(self.session, "ansible"))
            else:
                yield Plain("Answers for the receiver of this sender", classes="pane-title")
                yield Plain("Run `auditd-wizard --answers FILE` on the receiver with this "
                            "file. Enter writes it.", classes="explanation")
                yield self._row("Sender's address", "export-sender", "")
                yield self._row("File", "export-file",
                                default_place(self.session, "receiver.toml"))
            yield Plain("", id="export-result")
        yield KeyBar()

    def _row(self, label: str, control_id: str, value) -> Horizontal:
        control = FieldInput(str(value), id=control_id)
        return Horizontal(Label(label, classes="field-label"),
                          framed(control, getattr(self.app, "console_mode", False)),
                          classes="choice")

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        if self.kind == "receiver":
            self.query_one("#export-sender", Input).placeholder = "IP, e.g. 192.0.2.10"

    def action_close(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._write(replace=False)

    def _write(self, replace: bool) -> None:
        try:
            written = self._export(replace)
        except NeedsConfirmation as question:
            self.app.push_screen(replace_question(str(question)),
                                 lambda yes: self._write(replace=True) if yes else self._say(
                                     "Nothing written: type another place, or Esc.", True))
            return
        except Exception as error:   # ExportRefused, PlanError, ...: one line, no traceback
            self._say(f"Not exported: {in_words(str(error))}", True)
            return
        self._say(written_text(written), False)

    def _say(self, text: str, failed: bool) -> None:
        result = self.query_one("#export-result", Static)
        result.set_class(failed, "-failed")
        result.update(text)

    def _export(self, replace: bool) -> List[str]:
        if self.kind == "ansible":
            directory = self.query_one("#export-dir", Input).value
            files = self.session.export_ansible(directory, self.answers_toml, replace=replace)
            return [str(path) for path in files]
        sender = self.query_one("#export-sender", Input).value.strip()
        target = self.query_one("#export-file", Input).value
        return [str(self.session.write_receiver_answers(sender, target, replace=replace))]
