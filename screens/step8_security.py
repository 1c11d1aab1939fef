"""Step 8: encryption of the forwarded records, and what the host has for it: principals and
keytabs (Kerberos), certificates (rsyslog TLS), whether TLS-PSK exists here, the STIG rows."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.forms import FieldSpec, both, receiver
from screens.security_view import render_security_report
from screens.step_base import StepPane
from screens.widgets import Plain


def _tls(s) -> bool:
    return s.answers.method == "rsyslog" and s.answers.security.encryption == "tls"


def _tls_psk(s) -> bool:
    return s.answers.method == "audisp-remote" and s.answers.security.encryption == "tls"


def _krb5(s) -> bool:
    return s.answers.method == "audisp-remote" and s.answers.security.encryption == "kerberos"


def _encryptions(s) -> tuple:
    """Kerberos exists only for audisp-remote; TLS for both (audisp-remote's TLS-PSK where
    audit is 4.2 or later: the report below says whether this host has it)."""
    return ("none", "tls") if s.answers.method == "rsyslog" else ("none", "kerberos", "tls")


def _kadmin(s) -> bool:
    return _krb5(s) and s.answers.security.run_kadmin


class SecurityPane(StepPane):
    STEP = 8
    EXPLANATION = ("Encrypts the records on the wire: Kerberos (transport = KRB5) for "
                   "audisp-remote, TLS for rsyslog. TLS for audisp-remote needs audit 4.2+.")
    FIELDS = (
        FieldSpec("security.encryption", "Encryption", options=_encryptions),
        FieldSpec("security.tls_driver", "TLS driver", visible=_tls),
        FieldSpec("security.ca_file", "CA certificate", visible=_tls),
        FieldSpec("security.cert_file", "Host certificate", visible=_tls),
        FieldSpec("security.key_file", "Host private key", visible=_tls),
        FieldSpec("security.peer_names", "Peer names", visible=_tls),
        FieldSpec("security.lab_certificates", "Lab certificates", visible=both(_tls, receiver)),
        FieldSpec("security.tls_psk_file", "Pre-shared key file", visible=_tls_psk),
        FieldSpec("security.tls_psk_identity", "PSK identity", visible=_tls_psk),
        FieldSpec("security.krb5_principal", "Service name", visible=_krb5),
        FieldSpec("security.krb5_key_file", "Receiver keytab", visible=both(_krb5, receiver)),
        FieldSpec("security.run_kadmin", "Create with kadmin", visible=_krb5),
        FieldSpec("security.kadmin_principal", "kadmin principal", visible=_kadmin),
        FieldSpec("security.kadmin_keytab", "kadmin keytab", visible=_kadmin),
        FieldSpec("rsyslog.log_remote_access", "Log auth/daemon"),
    )
    GUIDE_NOTE = ("the guide asks for \"SSL/TLS certificates\" and `format = encrypted` for "
                  "audisp-remote: it has no TLS before audit 4.2 and no such format. Kerberos "
                  "needs keytabs owned by root, mode 0400, principals auditd/<fqdn>@REALM.")

    def compose_after_preview(self) -> ComposeResult:
        yield Plain("What this host has", classes="preview-title")
        yield Plain("", classes="security-report")

    def refresh_preview(self) -> None:
        self.query_one(".security-report", Static).update(self.report_text())
        super().refresh_preview()

    def preview_items(self) -> list:
        """With rsyslog TLS, also the drop-in of step 4 (sender) or 6 (receiver) that carries
        these settings, until the planner gives step 8 its own diff of it."""
        items = super().preview_items()
        if not _tls(self.session):
            return items
        carrier = 4 if self.session.answers.role == "sender" else 6
        dropins = [i for i in self.session.step_preview(carrier)
                   if i.kind == "diff" and "/rsyslog.d/" in i.title and i.title not in
                   {own.title for own in items}]
        return items + dropins

    def report_text(self):
        try:
            report = self.session.security_report()
        except Exception as error:   # answers not complete yet: say so, never a traceback
            return f"Report not available yet: {error}"
        return render_security_report(report, self.colour)
