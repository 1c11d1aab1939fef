"""Welcome: what this host is, whether it was set up before, and the two big choices.

It is the first frame on the terminal, drawn before the host has been read ("Reading this
host..."). `show_host(look)` adds the facts and the choices as soon as the App's worker has
read them (wizard/first_look.py): from then on Welcome answers keys. `fill(session)` follows
when the Session is open; a role or method chosen before that is applied to it then.
`LoadingScreen` stands in for the steps with --start-at."""
from __future__ import annotations

from typing import Callable, Dict

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalGroup, VerticalScroll
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Label, Static

from wizard.lazy_module import lazy_module
from screens.choice_line import ChoiceLine
from screens.keybar import KeyBar
from screens.widgets import Plain

forms = lazy_module("screens.forms")        # in_words: the notes come with the Session
history = lazy_module("screens.history")    # ask_rollback: r works once the Session is open

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


class NeedsSession(Message):
    """To the App: open the Session (if it is not open yet), then call `then`."""

    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then = then


class WelcomeScreen(Screen[bool]):
    """Dismissed with True when the user goes on to the steps (F10)."""

    KIND = "welcome"     # what the App asks (screens/app.py _screen_kind)
    # As on StepFrame: moving focus repaints the two widgets, not the whole terminal.
    focused = Reactive(None, repaint=False)
    BINDINGS = [Binding("r", "rollback_interrupted", "Roll back interrupted")]

    def __init__(self, session=None, look=None):
        """`session` once open; before that `look` (FirstLook) when the host is read."""
        super().__init__(id="welcome")
        self.session = session
        self._look = look
        self._interrupted = session.interrupted() if session is not None else None
        self._configured = session.previous_config_found if session is not None else False
        if session is None and look is not None:
            self._interrupted, self._configured = look.interrupted, look.configured
        self._chosen: Dict[str, str] = {}      # role/method shown; set on the Session once open
        self._found: Dict[str, str] = {}       # what the host's files said, before any key

    @property
    def shows_choices(self) -> bool:
        return bool(self._chosen)

    @property
    def choices_changed(self) -> bool:
        """A choice made before the Session opened: work that quitting would lose."""
        return self._chosen != self._found

    def compose(self) -> ComposeResult:
        session, look = self.session, self._look
        facts = session.facts if session is not None else look.facts if look is not None else None
        with VerticalScroll(id="welcome-body"):
            yield Plain(TITLE, classes="pane-title")
            yield Plain(host_summary(facts) if facts is not None else READING, id="host-facts")
            yield Plain(self._status_text() if facts is not None else "", id="rerun-status")
            with VerticalGroup(id="choices"):
                if session is not None:
                    self._set_shown(session.answers.role, session.answers.method)
                elif look is not None and look.choices_known:
                    self._set_shown(look.role, look.method)
                if self.shows_choices:
                    yield from self._choices(self._chosen["role"], self._chosen["method"])
        yield KeyBar()

    def _set_shown(self, role: str, method: str) -> None:
        self._chosen = {"role": role, "method": method}
        self._found = dict(self._chosen)

    def on_mount(self) -> None:
        if self.shows_choices:
            self.query_one("#role").focus()

    def _choices(self, role: str, method: str) -> ComposeResult:
        with Horizontal(classes="choice"):
            yield Label("This host is the", classes="field-label")
            yield ChoiceLine(list(ROLE_TEXT), role, id="role")
        yield Plain(ROLE_TEXT[role], id="role-text", classes="explanation")
        with Horizontal(classes="choice"):
            yield Label("Forwarding method", classes="field-label")
            yield ChoiceLine(list(METHOD_TEXT), method, id="method")
        yield Plain(METHOD_TEXT[method], id="method-text", classes="explanation")
        yield Plain("Tab moves between the two choices, Left and Right change one. Press F10 "
                    "to go through the steps of this role. Nothing changes on this host until "
                    "you confirm Apply on the Review screen.", classes="hint")

    async def _mount_choices(self, role: str, method: str) -> None:
        # Composing into a detached list and mounting it keeps Horizontal rows intact.
        self._set_shown(role, method)
        choices = self.query_one("#choices", VerticalGroup)
        await choices.mount_compose(self._choices(role, method))
        self.query_one("#role").focus()

    async def show_host(self, look) -> None:
        """The host is read (FirstLook): its facts, what was found, and the two choices,
        unless they come from an answers file not read yet."""
        self._interrupted, self._configured = look.interrupted, look.configured
        self.query_one("#host-facts", Static).update(host_summary(look.facts))
        self.query_one("#rerun-status", Static).update(self._status_text())
        if look.choices_known and not self.shows_choices:
            await self._mount_choices(look.role, look.method)
        self.refresh_bindings()

    async def fill(self, session) -> None:
        """The Session is open: what Welcome showed becomes its answers, and its notes show."""
        self.session = session
        self._interrupted = session.interrupted()
        self._configured = session.previous_config_found
        self.query_one("#host-facts", Static).update(host_summary(session.facts))
        if self.shows_choices:
            for field, value in self._chosen.items():
                if value != getattr(session.answers, field):
                    message = session.set_field(field, value)
                    if message:
                        self.notify(message, severity="error")
        else:
            await self._mount_choices(session.answers.role, session.answers.method)
        self.query_one("#rerun-status", Static).update(self._status_text())
        self.refresh_bindings()

    def _status_text(self) -> str:
        lines = []
        if self._interrupted is not None:
            lines.append(f"An interrupted change was found (transaction {self._interrupted.id}). "
                         "Press r to roll it back before anything else.")
        if self._configured:
            lines.append("A previous forwarding setup was found: every field is filled from "
                         "the current files, and the plan shows only what you change.")
        else:
            lines.append("No forwarding is set up on this host yet.")
        for item in (self.session.unrepresented[:2] if self.session is not None else ()):
            lines.append(f"Note: {forms.in_words(item)}")
        return "\n".join(lines)

    def on_choice_line_changed(self, event: ChoiceLine.Changed) -> None:
        field, value = event.choice_line.id, event.value
        if field is None or value == self._chosen.get(field):
            return           # the value shown when the choices were mounted, not a choice
        if self.session is not None:
            message = self.session.set_field(field, value)
            if message:
                self.notify(message, severity="error")
                return
        self._chosen[field] = value
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
        if self.session is None:       # the rollback goes through the Session: open it first
            self.post_message(NeedsSession(self.action_rollback_interrupted))
            return

        history.ask_rollback(self, self.session, tx, then=self._after_rollback)

    def _after_rollback(self, ok: bool) -> None:
        if ok:
            self._interrupted = None
            self.query_one("#rerun-status", Static).update(self._status_text())
            self.refresh_bindings()
