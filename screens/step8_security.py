"""Step 8: encryption of the forwarded records."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.forms import FieldSpec
from screens.step_base import StepPane


class SecurityPane(StepPane):
    STEP = 8
    EXPLANATION = ("Encrypts the records on the wire: Kerberos (transport = KRB5) for "
                   "audisp-remote, TLS for rsyslog. TLS for audisp-remote needs audit 4.2+.")
    FIELDS = (FieldSpec("security.encryption", "Encryption"),)
    GUIDE_NOTE = ("the guide asks for \"SSL/TLS certificates\" and `format = encrypted` for "
                  "audisp-remote: it has no TLS before audit 4.2 and no such format. Kerberos "
                  "needs keytabs owned by root, mode 0400, principals auditd/<fqdn>@REALM.")

    def compose_extra(self) -> ComposeResult:
        yield Static("", classes="plan-error")

    def refresh_preview(self) -> None:
        error = self.session.plan_error()
        box = self.query_one(".plan-error", Static)
        box.update(f"Not possible on this host: {error}" if error else "")
        box.display = bool(error)
        super().refresh_preview()
