"""Step 8: encryption of the forwarded records, and what the host has for it: principals and
keytabs (Kerberos), certificates (rsyslog TLS), whether TLS-PSK exists here, the STIG rows."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.forms import FieldSpec
from screens.security_view import render_security_report
from screens.step_base import StepPane
from screens.widgets import Plain


def _tls(a) -> bool:
    return a.method == "rsyslog" and a.security.encryption == "tls"


def _krb5(a) -> bool:
    return a.method == "audisp-remote" and a.security.encryption == "kerberos"


def _krb5_receiver(a) -> bool:
    return _krb5(a) and a.role == "receiver"


class SecurityPane(StepPane):
    STEP = 8
    EXPLANATION = ("Encrypts the records on the wire: Kerberos (transport = KRB5) for "
                   "audisp-remote, TLS for rsyslog. TLS for audisp-remote needs audit 4.2+.")
    FIELDS = (
        FieldSpec("security.encryption", "Encryption"),
        FieldSpec("security.tls_driver", "TLS driver", visible=_tls),
        FieldSpec("security.ca_file", "CA certificate", visible=_tls),
        FieldSpec("security.cert_file", "This host's certificate", visible=_tls),
        FieldSpec("security.key_file", "This host's key", visible=_tls),
        FieldSpec("security.peer_names", "Peer names", visible=_tls),
        FieldSpec("security.lab_certificates", "Lab certificates",
                  visible=lambda a: _tls(a) and a.role == "receiver"),
        FieldSpec("security.krb5_principal", "Service name", visible=_krb5_receiver),
        FieldSpec("security.krb5_key_file", "Receiver keytab", visible=_krb5_receiver),
        FieldSpec("security.run_kadmin", "Create with kadmin", visible=_krb5),
        FieldSpec("security.kadmin_principal", "kadmin principal",
                  visible=lambda a: _krb5(a) and a.security.run_kadmin),
        FieldSpec("security.kadmin_keytab", "kadmin keytab",
                  visible=lambda a: _krb5(a) and a.security.run_kadmin),
    )
    GUIDE_NOTE = ("the guide asks for \"SSL/TLS certificates\" and `format = encrypted` for "
                  "audisp-remote: it has no TLS before audit 4.2 and no such format. Kerberos "
                  "needs keytabs owned by root, mode 0400, principals auditd/<fqdn>@REALM.")

    def compose_extra(self) -> ComposeResult:
        yield Plain("", classes="plan-error")

    def compose_after_preview(self) -> ComposeResult:
        yield Plain("What this host has", classes="preview-title")
        yield Plain("", classes="security-report")

    def refresh_preview(self) -> None:
        error = self.session.plan_error()
        box = self.query_one(".plan-error", Static)
        box.update(f"Not possible on this host: {error}" if error else "")
        box.display = bool(error)
        self.query_one(".security-report", Static).update(self.report_text())
        super().refresh_preview()

    def report_text(self):
        try:
            report = self.session.security_report()
        except Exception as error:   # answers not complete yet: say so, never a traceback
            return f"Report not available yet: {error}"
        return render_security_report(report, self.colour)
