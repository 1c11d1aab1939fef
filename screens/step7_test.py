"""Step 7: the end-to-end test (runs after apply)."""
from __future__ import annotations

from screens.step_base import StepPane


class DeliveryTestPane(StepPane):
    STEP = 7
    EXPLANATION = ("Available after apply: sends a harmless tagged event (`auditctl -m`) and "
                   "checks that it arrived, and tests the connection itself.")
    GUIDE_NOTE = ("the guide tests with `echo \"test entry\" >> /etc/passwd`, which corrupts "
                  "the account database, and with `telnet`, which a minimal system lacks.")
