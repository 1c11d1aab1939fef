"""Step 7: the end-to-end test, run after apply. On a sender: is auditd running, is the plugin
running, does a TCP connection to the receiver get through, then a harmless tagged event
(`auditctl -m`) and, over ssh or by hand on the receiver, its arrival. On a receiver: wait for
the sender's tagged event. Each step shows what ran and what it saw."""
from __future__ import annotations

import re
from typing import Optional, Tuple

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from wizard.validators import hostname, show
from screens.findings_view import progress_text, report_text
from screens.forms import in_words
from screens.step_base import StepPane
from screens.widgets import FieldInput, Plain, framed

TAG = re.compile(r"[0-9a-f]{12}")        # what `auditd-wizard test` prints (6 random bytes)
SSH_TARGET = re.compile(r"(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9.:-]+")


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
        console = getattr(self.app, "console_mode", False)
        with Horizontal(classes="choice test-sender"):
            yield Label("Receiver over ssh", classes="field-label")
            yield framed(FieldInput(placeholder="user@host, optional", id="test-ssh"), console)
        with Horizontal(classes="choice test-receiver"):
            yield Label("Tag from the sender", classes="field-label")
            yield framed(FieldInput(placeholder="12 hex digits", id="test-nonce"), console)
        with Horizontal(classes="choice test-receiver"):
            yield Label("Sender's node name", classes="field-label")
            yield framed(FieldInput(placeholder="optional", id="test-node"), console)
        yield Plain("", classes="field-error test-error")
        yield Plain("", classes="test-plan")
        yield Plain("F5 runs the test (Enter in a field too).", classes="test-status")
        yield Plain("", classes="test-result")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(".test-result").display = False

    def sync(self) -> None:
        """Also after an apply or rollback: an old result would describe another host state."""
        super().sync()
        if not self.running and self.is_mounted:
            self.query_one(".test-result").display = False
            self._status("F5 runs the test (Enter in a field too).")
        sender = self.session.answers.role == "sender"
        for row in self.query(".test-sender"):
            row.display = sender
        for row in self.query(".test-receiver"):
            row.display = not sender

    def explanation(self) -> str:
        return (self.EXPLANATION if self.session.answers.role == "sender"
                else self.RECEIVER_EXPLANATION)

    def first_control(self):
        return self.query_one("#test-ssh" if self.session.answers.role == "sender"
                              else "#test-nonce", Input)

    # ------------------------------------------------------------------ what F5 will do
    def input_problem(self) -> Optional[Tuple[str, str]]:
        """(the field's selector, why F5 cannot run with what is typed), or None when it can."""
        if self.session.answers.role == "sender":
            ssh = self._value("#test-ssh")
            if ssh and not SSH_TARGET.fullmatch(ssh):
                return "#test-ssh", (f"Receiver over ssh: {show(ssh)} is not user@host or host "
                                     "(ssh runs `auditd-wizard test --expect` there)")
            return None
        tag = self._value("#test-nonce").lower()
        if not tag:
            return "#test-nonce", "Tag from the sender: type the 12 hex digits the sender's test printed"
        if not TAG.fullmatch(tag):
            return "#test-nonce", (f"Tag from the sender: {show(tag)} is not a tag; it is 12 hex "
                                   "digits (0-9, a-f) like 3f9c0a1b2d4e")
        node = self._value("#test-node")
        problem = hostname(node) if node else None
        return ("#test-node", f"Sender's node name: {problem}") if problem else None

    def plan_line(self) -> str:
        """What F5 will do with these answers and inputs."""
        a = self.session.answers
        if a.role == "receiver":
            tag = self._value("#test-nonce").lower()
            tag = tag if TAG.fullmatch(tag) else "<tag>"    # the message under the field says why
            node = self._value("#test-node")
            return (f"F5 searches the received records for the test event tagged {tag}"
                    + (f" from node {node}" if node else "") + " for up to 10 s.")
        port = a.remote.port if a.method == "audisp-remote" else a.rsyslog.port
        target = f"{a.remote.server or '<receiver: not set yet>'}:{port}"
        ssh = self._value("#test-ssh")
        then = (f"then looks for it on the receiver with ssh {ssh}." if ssh else
                "then prints the command that finds it on the receiver.")
        return (f"F5 checks auditd and the plugin, connects to {target}, sends a tagged test "
                f"event (auditctl -m), {then}")

    def on_input_changed(self, event: Input.Changed) -> None:
        # (StepPane's handler runs too: these inputs are not answers, so it ignores them.)
        if event.input.id and event.input.id.startswith("test-"):
            self._show_inputs()

    def _show_inputs(self, asked: bool = False) -> None:
        """The one message about the inputs, under them: once something is typed, or F5 asked."""
        problem = self.input_problem()
        typed = any(self._value(s) for s in ("#test-ssh", "#test-nonce", "#test-node"))
        shown = bool(problem and (typed or asked))
        error = self.query_one(".test-error", Static)
        error.update(in_words(problem[1]) if problem and shown else "")
        error.display = shown
        self.query_one(".test-plan", Static).update(self.plan_line())

    def refresh_preview(self) -> None:
        super().refresh_preview()
        self._show_inputs()

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
        problem = self.input_problem()
        if problem:     # said once, under the fields (no toast repeating it)
            self._show_inputs(asked=True)
            self.query_one(problem[0], Input).focus()
            return
        self.running = True
        self.refresh_bindings()
        self._status("Testing...")
        self._run(self.session.answers.role, self._value("#test-ssh"),
                  self._value("#test-nonce").lower(), self._value("#test-node"))

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
