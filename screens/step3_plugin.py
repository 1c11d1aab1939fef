"""Step 3: turn on the plugin that hands events to the forwarder (sender only)."""
from __future__ import annotations

from screens.forms import FieldSpec, rsyslog
from screens.step_base import StepPane


class PluginPane(StepPane):
    STEP = 3
    ROLES = ("sender",)
    BY_METHOD = {
        "audisp-remote": "Activates plugins.d/au-remote.conf: auditd hands every event to "
                         "audisp-remote, which sends it to the receiver (step 4).",
        "rsyslog": "Activates audit's syslog plugin (plugins.d/syslog.conf): auditd hands every "
                   "event to rsyslog under the facility below, and step 4's drop-in forwards "
                   "that facility only.",
    }
    FIELDS = (
        FieldSpec("rsyslog.facility", "Syslog facility", visible=rsyslog),
    )
    GUIDE_NOTE = ("the guide edits `plugins.d/audisp-remote.conf` with `type = builtin`. "
                  "On EL8+ the file is `/etc/audit/plugins.d/au-remote.conf`, and `builtin` is "
                  "obsolete since audit 3.1.1: the wizard writes `type = always`.")
