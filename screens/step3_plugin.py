"""Step 3: turn on the plugin that hands events to the forwarder (sender only)."""
from __future__ import annotations

from screens.forms import FieldSpec, rsyslog
from screens.step_base import StepPane


class PluginPane(StepPane):
    STEP = 3
    ROLES = ("sender",)
    EXPLANATION = ("Activates the plugin that passes every event to the forwarder: "
                   "au-remote.conf for audisp-remote, syslog.conf for rsyslog.")
    FIELDS = (
        FieldSpec("rsyslog.facility", "Syslog facility", visible=rsyslog),
    )
    GUIDE_NOTE = ("the guide edits `plugins.d/audisp-remote.conf` with `type = builtin`. "
                  "On EL8+ the file is `/etc/audit/plugins.d/au-remote.conf`, and `builtin` is "
                  "obsolete since audit 3.1.1: the wizard writes `type = always`.")
