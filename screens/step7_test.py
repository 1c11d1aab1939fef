"""Step 7: the end-to-end test, run after apply. On a sender: is auditd running, is the plugin
running, does a TCP connection to the receiver get through, then a harmless tagged event
(`auditctl -m`) and, over ssh or by hand on the receiver, its arrival. On a receiver: wait for
the sender's tagged event. Each step shows what ran and what it saw."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from screens.findings_view import progress_text, report_text
from screens.step_base import StepPane
from screens.widgets import Plain


class DeliveryTestPane(StepPane):
    STEP = 7
    EXPLANATION = ("After apply: checks auditd and the plugin, connects to the receiver, sends "
                   "a harmless tagged event (`auditctl -m`) and looks for it on the receiver.")
    RECEIVER_EXPLANATION = ("After apply, on the receiver: type the tag the sender's test "
                            "printed; F5 waits for that event in the received log.")
    GUIDE_NOTE = ("the guide tests with `echo \"test entry\" >> /etc/passwd`, which corrupts "
                  "the account database, and with `telnet`, which a minimal system lacks.")
    BINDINGS = [Binding("f5", "run_test", "Run test", key_display="F5")]

    def __init__(self, session, colour: bool):
        super().__init__(session, colour)
        self.running = False

    def compose_extra(self) -> ComposeResult:
        with Horizontal(classes="choice test-sender"):
            yield Label("Receiver over ssh", classes="field-label")
            yield Input(placeholder="user@receiver (optional)", id="test-ssh", compact=True)
        with Horizontal(classes="choice test-receiver"):
            yield Label("Tag from the sender", classes="field-label")
            yield Input(placeholder="the 12 hex digits the sender printed", id="test-nonce",
                        compact=True)
        with Horizontal(classes="choice test-receiver"):
            yield Label("Sender's node name", classes="field-label")
            yield Input(placeholder="optional, e.g. web01.example.com", id="test-node",
                        compact=True)
        yield Plain("F5 runs the test (Enter in a field too).", classes="test-status")
        yield Plain("", classes="test-result")

    def on_mount(self) -> None:
        super().on_mount()
        for control in self.query(Input):
            if getattr(self.app, "console_mode", False) or self.app.is_headless:
                control.cursor_blink = False
        self.query_one(".test-result").display = False

    def sync(self) -> None:
        """Also after an apply or rollback: an old result would describe another host state."""
        super().sync()
        if not self.running and self.is_mounted:
            self.query_one(".test-result").display = False
            self._status("F5 runs the test (Enter in a field too).")
        sender = self.session.answers.role == "sender"
        self.query_one(".explanation", Static).update(
            self.EXPLANATION if sender else self.RECEIVER_EXPLANATION)
        for row in self.query(".test-sender"):
            row.display = sender
        for row in self.query(".test-receiver"):
            row.display = not sender

    def first_control(self):
        return self.query_one("#test-ssh" if self.session.answers.role == "sender"
                              else "#test-nonce", Input)

    # ------------------------------------------------------------------ running
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("test-"):
            event.stop()
            self.action_run_test()

    def check_action(self, action: str, parameters):
        if action == "run_test":
            return not self.running
        return True

    def action_run_test(self) -> None:
        if self.running:
            return
        if self.session.answers.role == "receiver" and not self._value("#test-nonce"):
            self.notify("Type the tag the sender's test printed first.", severity="warning")
            return
        self.running = True
        self.refresh_bindings()
        self._status("Testing...")
        self._run(self.session.answers.role, self._value("#test-ssh"),
                  self._value("#test-nonce"), self._value("#test-node"))

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    @work(thread=True, exclusive=True, exit_on_error=False, group="delivery-test")
    def _run(self, role: str, ssh: str, nonce: str, node: str) -> None:
        def progress(index: int, total: int, name: str) -> None:
            self.app.call_from_thread(self._status, progress_text("Testing", index, total, name))
        try:
            if role == "sender":
                report = self.session.run_test(on_progress=progress, receiver_ssh=ssh or None)
            else:
                report = self.session.expect_test_event(nonce, node=node or None,
                                                        on_progress=progress)
            error = None
        except Exception as exc:   # shown in the pane, never a traceback
            report, error = None, str(exc)
        self.app.call_from_thread(self._done, report, error)

    def _status(self, text: str) -> None:
        self.query_one(".test-status", Static).update(text)

    def _done(self, report, error) -> None:
        self.running = False
        self.refresh_bindings()
        result = self.query_one(".test-result", Static)
        if error:
            self._status(f"The test could not run: {error}")
            return
        verdict = "passed" if report.ok else "FAILED"
        status = f"Test {verdict}, tag {report.nonce}."
        if self.session.plan_error() is None and not self.session.plan().empty:
            status += " (Not applied yet: this is the host as it is now.)"
        if self.session.answers.role == "sender" and not self._value("#test-ssh"):
            node = f" --node {report.node}" if report.node else ""
            status += f"\nOn the receiver: auditd-wizard test --expect {report.nonce}{node}"
        self._status(status + "\nWhat ran and what it saw:")
        result.update(report_text(report.steps, self.colour))
        result.display = True
