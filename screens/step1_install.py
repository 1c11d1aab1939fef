"""Step 1: install the packages forwarding needs and make sure auditd is enabled and running."""
from __future__ import annotations

from screens.step_base import StepPane


class InstallPane(StepPane):
    STEP = 1
    EXPLANATION = ("Installs what forwarding needs and makes sure auditd is enabled and "
                   "running. Nothing to fill in: the preview lists the packages and commands.")
    GUIDE_NOTE = ("the guide installs `audit audit-libs`, but audisp-remote and the syslog "
                  "plugin ship in `audispd-plugins`. It also restarts auditd with "
                  "`systemctl restart auditd`, which systemd refuses (RefuseManualStop=yes); "
                  "the wizard uses `service auditd restart`, or `auditctl --signal stop` and "
                  "`systemctl start auditd` where `service` is missing.")
