"""History: past transactions with their diffs; roll one back."""
from __future__ import annotations

from typing import Callable, Optional

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.ask import rollback_question
from screens.export import ExportScreen
from screens.keybar import KeyBar
from screens.shell import shell
from screens.widgets import Plain, Preview, render_preview

TRIAL_WORDS = {"pending": "trial, waiting for Keep", "confirmed": "trial, kept",
               "rolled-back": "trial, not kept: undone", "rollback-failed": "trial, undo FAILED"}


def what_happened(tx, trial: Optional[str] = None) -> str:
    """A transaction's state in words: a failed apply that restored everything is not a
    rollback someone asked for, and a kept trial is no longer waiting."""
    if tx.status == "rolled-back":
        if trial == "rolled-back":
            return TRIAL_WORDS[trial]
        return "restored after failure" if tx.error else "rolled back"
    if tx.status == "applied" and trial in TRIAL_WORDS:
        return TRIAL_WORDS[trial]
    return {"applied": "applied", "applying": "interrupted", "rolling-back": "interrupted undo",
            "rollback-incomplete": "rollback INCOMPLETE"}.get(tx.status, tx.status)


def ask_rollback(screen: Screen, session, tx, then: Callable[[bool], None]) -> None:
    """Ask first (it's a production host), naming the later transactions rolled back with it
    and what was changed since (restored, the admin's versions kept in the journal); then roll
    back in the App's worker."""
    members = {tx.id, *tx.later}
    try:
        changed = [d.line() for d in session.verify().drift if d.tx_id in members]
    except Exception:
        changed = []    # the rollback checks again and refuses with the reason

    def answered(yes: Optional[bool]) -> None:
        if yes:
            shell(screen.app).rollback_transaction(tx.id, then=then, force=bool(changed),
                                                   cascade=bool(tx.later))

    screen.app.push_screen(rollback_question(tx.id, tx.n_changes, tx.later, changed), answered)


class HistoryScreen(Screen):
    KIND = "history"     # what the App asks (screens/app.py _screen_kind)
    BINDINGS = [Binding("r", "rollback", "Roll back selected"),
                Binding("e", "export", "Ansible of selected")]

    def __init__(self, session, colour: bool):
        super().__init__(id="history")
        self.session = session
        self.colour = colour
        self.rows = session.history()
        self.trials = session.trial_states()

    def compose(self) -> ComposeResult:
        yield Plain("History: changes made by this wizard (newest first)", classes="pane-title")
        if self.rows:
            yield OptionList(*[Option(self._prompt(tx), id=tx.id) for tx in self.rows],
                             id="tx-list", compact=True)
        else:
            yield Plain("No transactions yet.", id="tx-empty")
        with VerticalScroll(id="tx-detail"):
            yield Preview("", id="tx-diff")
        yield KeyBar()

    def _prompt(self, tx) -> str:
        return (f"{tx.id}  {what_happened(tx, self.trials.get(tx.id)):<24} "
                f"{tx.n_changes:>3} changes  {tx.label}")

    def on_mount(self) -> None:
        if self.rows:
            tx_list = self.query_one(OptionList)
            tx_list.highlighted = 0
            tx_list.focus()
            self._show(self.rows[0].id)

    @property
    def selected(self):
        if not self.rows:
            return None
        index = self.query_one(OptionList).highlighted
        return self.rows[index] if index is not None else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:     # every row's id is its transaction's
            self._show(event.option.id)
        self.refresh_bindings()

    def _show(self, tx_id: str) -> None:
        try:
            items = self.session.transaction_preview(tx_id)
            text = render_preview(items, self.colour)
        except Exception as error:
            text = Text(f"Cannot read transaction {tx_id}: {error}")   # as written, no markup
        self.query_one("#tx-diff", Static).update(text)

    def check_action(self, action: str, parameters) -> Optional[bool]:
        if action == "rollback":
            tx = self.selected
            return tx is not None and tx.status in ("applied", "applying")
        if action == "export":
            return self.selected is not None
        return True

    def action_export(self) -> None:
        """The selected transaction's answers as an Ansible playbook (repeat it elsewhere)."""
        tx = self.selected
        if tx is None:
            return
        try:
            answers = self.session.transaction(tx.id).meta.get("answers")
        except Exception as error:
            self.notify(f"Cannot read transaction {tx.id}: {error}", severity="error")
            return
        if not answers:
            self.notify(f"Transaction {tx.id} kept no answers to export.", severity="warning")
            return
        self.app.push_screen(ExportScreen(self.session, "ansible", answers,
                                          label=f" of {tx.id}"))

    def action_rollback(self) -> None:
        """Ask first (it's a production host), then roll back in the App's worker."""
        tx = self.selected
        if tx is None:
            return

        ask_rollback(self, self.session, tx, then=lambda ok: self._reload())

    def _reload(self) -> None:
        self.rows = self.session.history()
        self.trials = self.session.trial_states()
        tx_list = self.query_one(OptionList)
        for tx in self.rows:
            tx_list.replace_option_prompt(tx.id, self._prompt(tx))
        self.refresh_bindings()
