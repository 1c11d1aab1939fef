"""Step 9: diagnostics (run after apply)."""
from __future__ import annotations

from screens.step_base import StepPane


class TroubleshootPane(StepPane):
    STEP = 9
    EXPLANATION = ("Available after apply: reads the journal for audisp-remote and plugin "
                   "errors, `ausearch -m AVC` for SELinux denials, and lints plugins.d.")
    GUIDE_NOTE = ("the guide says `tail -f /var/log/audit/audit.log`, but plugin and "
                  "audisp-remote errors go to syslog/the journal, and backup files such as "
                  "`au-remote.conf~` in plugins.d are loaded too.")
