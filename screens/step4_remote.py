"""Step 4: where the sender forwards to, and what it does when the receiver is away."""
from __future__ import annotations

from screens.forms import FieldSpec
from screens.step_base import StepPane


class RemotePane(StepPane):
    STEP = 4
    ROLES = ("sender",)
    EXPLANATION = ("The receiver this sender forwards to, and what happens when it cannot "
                   "be reached. `forward` mode keeps events on disk during outages.")
    FIELDS = (
        FieldSpec("remote.server", "Receiver host or IP"),
        FieldSpec("remote.port", "Receiver port"),
        FieldSpec("remote.mode", "Mode"),
        FieldSpec("remote.queue_file", "Queue file", visible=lambda a: a.remote.mode == "forward"),
        FieldSpec("remote.queue_depth", "Queue depth"),
        FieldSpec("remote.network_failure_action", "On network failure"),
        FieldSpec("remote.local_port", "Source port (0=any)"),
        FieldSpec("remote.heartbeat_timeout", "Heartbeat (s, 0=off)"),
    )
    GUIDE_NOTE = ("the guide edits `/etc/audisp/audisp-remote.conf` (EL7) with "
                  "`format = encrypted`: that value does not exist and makes audisp-remote "
                  "exit. The file is `/etc/audit/audisp-remote.conf` and the wizard writes "
                  "`format = managed`. The default `network_failure_action = stop` ends "
                  "forwarding for good after one network blip; `syslog` keeps trying.")
