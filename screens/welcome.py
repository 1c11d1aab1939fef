"""Welcome: what this host is, whether it was set up before, and the two big choices.

It is the first frame on the terminal, drawn before the host has been read: without a session
it says "Reading this host..." and `fill(session)` adds the facts and the choices when the App's
worker has opened the Session. `LoadingScreen` stands in for the steps with --start-at."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from screens.forms import in_words
from screens.history import ask_rollback
from screens.keybar import KeyBar
from screens.widgets import AsciiSelect, Plain, framed

ROLE_TEXT = {
    "sender": "Sender: this host's audit records leave it. auditd hands every event to a "
              "plugin that forwards it to the receiver; the steps for the receiver side "
              "are skipped here (run the wizard there too).",
    "receiver": "Receiver: this host collects the records of many senders. auditd (or "
                "rsyslog) listens on a TCP port that SELinux and the firewall must allow.",
}
METHOD_TEXT = {
    "audisp-remote": "audisp-remote (native): full audit events over audit's own protocol; "
                     "ausearch works on the receiver. Encryption with Kerberos.",
    "rsyslog": "rsyslog: audit events as syslog text lines, as the RHEL STIGs describe; "
               "fits an existing syslog collector. Encryption with TLS.",
}


def fact(facts, *names, default="unknown"):
    for name in names:
        value = getattr(facts, name, None)
        if value not in (None, ""):
            return value
    return default


def host_summary(facts) -> str:
    os_name = fact(facts, "os_name", "pretty_name", "os_id")
    firewalld = fact(facts, "firewalld_running", "firewall_running", default=None)
    fw = "unknown" if firewalld is None else ("running" if firewalld else "not running")
    return (f"Host: {fact(facts, 'hostname')}   OS: {os_name}\n"
            f"audit {fact(facts, 'audit_version')}   SELinux: {fact(facts, 'selinux_mode')}   "
            f"firewalld: {fw}")


TITLE = "auditd-wizard: forward Linux audit records to a remote host"
READING = "Reading this host..."


class LoadingScreen(Screen):
    """With --start-at: what shows while the Session opens, until the steps replace it."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="welcome-body"):
            yield Plain(TITLE, classes="pane-title")
            yield Plain(READING, id="host-facts")
        yield KeyBar()


class WelcomeScreen(Screen[bool]):
    """Dismissed with True when the user goes on to the steps (F10)."""

    BINDINGS = [Binding("r", "rollback_interrupted", "Roll back interrupted")]

    def __init__(self, session=None):
        super().__init__(id="welcome")
        self.session = session
        self._interrupted = session.interrupted() if session is not None else None

    def compose(self) -> ComposeResult:
        ready = self.session is not None
        with VerticalScroll(id="welcome-body"):
            yield Plain(TITLE, classes="pane-title")
            yield Plain(host_summary(self.session.facts) if ready else READING, id="host-facts")
            yield Plain(self._status_text() if ready else "", id="rerun-status")
            with VerticalGroup(id="choices"):
                if ready:
                    yield from self._choices()
        yield KeyBar()

    def _choices(self) -> ComposeResult:
        answers = self.session.answers
        console = getattr(self.app, "console_mode", False)
        with Horizontal(classes="choice"):
            yield Label("This host is the", classes="field-label")
            yield framed(AsciiSelect([(r, r) for r in ROLE_TEXT], value=answers.role,
                                     allow_blank=False, compact=True, id="role"), console)
        yield Plain(ROLE_TEXT[answers.role], id="role-text", classes="explanation")
        with Horizontal(classes="choice"):
            yield Label("Forwarding method", classes="field-label")
            yield framed(AsciiSelect([(m, m) for m in METHOD_TEXT], value=answers.method,
                                     allow_blank=False, compact=True, id="method"), console)
        yield Plain(METHOD_TEXT[answers.method], id="method-text", classes="explanation")
        yield Plain("Press F10 to go through the steps of this role. Nothing changes on "
                    "this host until you confirm Apply on the Review screen.", classes="hint")

    async def fill(self, session) -> None:
        """The Session is open: show the host, what was found, and the choices."""
        self.session = session
        self._interrupted = session.interrupted()
        self.query_one("#host-facts", Static).update(host_summary(session.facts))
        self.query_one("#rerun-status", Static).update(self._status_text())
        # Composing into a detached list and mounting it keeps Horizontal rows intact.
        choices = self.query_one("#choices", VerticalGroup)
        await choices.mount_compose(self._choices())
        self.query_one("#role").focus()
        self.refresh_bindings()

    def _status_text(self) -> str:
        lines = []
        if self._interrupted is not None:
            lines.append(f"An interrupted change was found (transaction {self._interrupted.id}). "
                         "Press r to roll it back before anything else.")
        if self.session.previous_config_found:
            lines.append("A previous forwarding setup was found: every field is filled from "
                         "the current files, and the plan shows only what you change.")
        else:
            lines.append("No forwarding is set up on this host yet.")
        for item in self.session.unrepresented[:2]:
            lines.append(f"Note: {in_words(item)}")
        return "\n".join(lines)

    def on_mount(self) -> None:
        if self.session is not None:
            self.query_one("#role").focus()

    def on_select_changed(self, event: AsciiSelect.Changed) -> None:
        field, value = event.select.id, event.value
        if field not in ("role", "method") or not isinstance(value, str):
            return           # Welcome's two choices have no blank
        if value == getattr(self.session.answers, field):
            return           # the value shown when the choices were mounted, not a choice
        message = self.session.set_field(field, value)
        if message:
            self.notify(message, severity="error")
            return
        texts = ROLE_TEXT if field == "role" else METHOD_TEXT
        self.query_one(f"#{field}-text", Static).update(texts[value])

    def check_action(self, action: str, parameters):
        if action == "rollback_interrupted":
            return self._interrupted is not None
        return True

    def action_rollback_interrupted(self) -> None:
        """Ask first, as History does: it changes this host."""
        tx = self._interrupted
        if tx is None:
            return

        ask_rollback(self, self.session, tx, then=self._after_rollback)

    def _after_rollback(self, ok: bool) -> None:
        if ok:
            self._interrupted = None
            self.query_one("#rerun-status", Static).update(self._status_text())
            self.refresh_bindings()
