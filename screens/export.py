"""Export dialogs: the answers as an Ansible playbook (end of Review, or a past transaction's
answers from History), and, on a sender, the matching receiver's answers file.

The dialog asks for where to write, does it on Enter and says what it wrote or why it could
not; nothing on the host being configured changes."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static
from screens.widgets import Plain


def default_place(session, name: str) -> Path:
    """Next to a sandbox root (so the demo leaves nothing in the current directory), or in
    the current directory on a real host."""
    if session.is_sandbox:
        return Path(session.root).parent / name
    return Path.cwd() / name


def written_text(paths: List[str]) -> str:
    """"Written to DIR: a, b/c" (names relative to their common directory; fits the box)."""
    import os
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
                yield self._row("This sender's address", "export-sender", "")
                yield self._row("File", "export-file",
                                default_place(self.session, "receiver.toml"))
            yield Plain("", id="export-result")
        yield Footer(compact=True)

    @staticmethod
    def _row(label: str, control_id: str, value) -> Horizontal:
        return Horizontal(Label(label, classes="field-label"),
                          Input(str(value), id=control_id, compact=True), classes="choice")

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        if self.kind == "receiver":
            self.query_one("#export-sender", Input).placeholder = "IP address, e.g. 192.0.2.10"
        for control in self.query(Input):
            if getattr(self.app, "console_mode", False) or self.app.is_headless:
                control.cursor_blink = False

    def action_close(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = self.query_one("#export-result", Static)
        try:
            written = self._export()
        except Exception as error:   # PlanError, ExportError, OSError...: one line, no traceback
            result.set_class(True, "-failed")
            result.update(f"Not exported: {error}")
            return
        result.set_class(False, "-failed")
        result.update(written_text(written))

    def _export(self) -> List[str]:
        if self.kind == "ansible":
            directory = self.query_one("#export-dir", Input).value.strip()
            files = self.session.export_ansible(directory, self.answers_toml)
            return [str(path) for path in files]
        sender = self.query_one("#export-sender", Input).value.strip()
        target = Path(self.query_one("#export-file", Input).value.strip())
        text = self.session.receiver_answers(sender)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return [str(target)]
