"""Step 4: where the sender forwards to, and what it does when the receiver is away."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.forms import FieldSpec, both, native, rsyslog
from screens.step_base import StepPane
from screens.widgets import Plain


class RemotePane(StepPane):
    STEP = 4
    ROLES = ("sender",)
    BY_METHOD = {
        "audisp-remote": "The receiver this sender forwards to, and the outage it must ride out "
                         "(a blank rate = twice the busiest minute of this host's audit log): "
                         "audisp-remote's queue is sized from them.",
        "rsyslog": "The receiver this sender forwards to, and the outage its disk queue must "
                   "ride out (a blank rate = twice the busiest minute of this host's audit "
                   "log). Forward: only the audit records, or every message of this host: what "
                   "the STIG's remote-loghost rule checks, at the cost of more traffic and this "
                   "host's other messages on the receiver.",
    }
    FIELDS = (
        FieldSpec("remote.server", "Receiver host or IP"),
        FieldSpec("remote.port", "Receiver port", visible=native),
        FieldSpec("rsyslog.port", "Receiver port", visible=rsyslog),
        FieldSpec("rsyslog.forward", "Forward", visible=rsyslog),
        FieldSpec("remote.outage", "Ride out an outage of"),
        FieldSpec("remote.peak_rate", "Peak records/s"),
        FieldSpec("remote.mode", "Mode", visible=native),
        FieldSpec("remote.queue_file", "Queue file",
                  visible=both(native, lambda s: s.answers.remote.mode != "immediate")),
        FieldSpec("rsyslog.queue_max_disk", "Disk queue limit", visible=rsyslog),
        FieldSpec("remote.network_failure_action", "On network failure", visible=native),
        FieldSpec("remote.local_port", "Source port (0=any)", visible=native),
        FieldSpec("remote.heartbeat_timeout", "Heartbeat (s, 0=off)", visible=native),
    )
    GUIDE_NOTE = ("the guide edits `/etc/audisp/audisp-remote.conf` (EL7) with "
                  "`format = encrypted`: that value does not exist and makes audisp-remote "
                  "exit. The file is `/etc/audit/audisp-remote.conf` and the wizard writes "
                  "`format = managed`. The default `network_failure_action = stop` ends "
                  "audisp-remote at a network failure; auditd restarts it at most 10 times "
                  "(max_restarts); `syslog` keeps trying.")

    def compose_extra(self) -> ComposeResult:
        yield Plain("", classes="survives")

    def refresh_preview(self) -> None:
        words = self.session.what_survives()
        box = self.query_one(".survives", Static)
        box.update(words or "")
        box.display = bool(words)
        super().refresh_preview()
