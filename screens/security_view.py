"""The Security step's report as text: who needs which Kerberos principal and keytab, what is
wrong with the keytab or certificates and what the plan does about it, whether TLS-PSK is
available here and why, the access control, and the compliance view (wizard.compliance).

Markers are ASCII words so they read the same on a serial console and in a capable terminal."""
from __future__ import annotations

from rich.text import Text

from screens.forms import in_words

LEVEL_MARK = {"ok": ("[ok]  ", "green"), "warning": ("[warn]", "yellow"),
              "error": ("[FAIL]", "red")}
STATUS_MARK = {"met": ("[met]   ", "green"), "not met": ("[miss]  ", "yellow"),
               "not applicable": ("[n/a]   ", ""), "manual review": ("[review]", "cyan")}


def _finding(out: Text, finding, colour: bool) -> None:
    mark, style = LEVEL_MARK.get(finding.level, ("[?]   ", ""))
    out.append(mark, style=style if colour else "")
    out.append(f" {finding.subject}: {finding.text}\n")
    if finding.fix:
        out.append(f"       fix in the plan: {finding.fix}\n")


def _heading(out: Text, title: str, colour: bool) -> None:
    out.append(f"{title}\n", style="bold" if colour else "")


def render_security_report(report, colour: bool) -> Text:
    out = Text()
    if report.method == "audisp-remote" and report.encryption == "kerberos":
        _heading(out, f"Kerberos (realm {report.realm or 'not set'})", colour)
        for principal in report.principals:
            out.append(f"  {principal.role}: {principal.name}\n"
                       f"    keytab {principal.keytab} on {principal.host}\n")
        for finding in report.keytab_findings:
            _finding(out, finding, colour)
        if report.kadmin_commands:
            out.append("  To create the principal and keytab (on the KDC admin host):\n")
            for argv in report.kadmin_commands:
                out.append("  $ " + " ".join(argv) + "\n")
    if report.method == "audisp-remote":
        out.append("TLS-PSK (transport = tls): ")
        out.append(("available: " if report.tls_psk_available else "not available: ")
                   + in_words(report.tls_psk_reason) + "\n")
    if report.cert_findings:
        _heading(out, "Certificates", colour)
        for finding in report.cert_findings:
            _finding(out, finding, colour)
    for finding in report.dropin_checks:
        _finding(out, finding, colour)
    if report.access_notes:
        _heading(out, "Access control", colour)
        for note in report.access_notes:
            out.append(f"  {note}\n")
    view = report.compliance
    if view.rows:
        _heading(out, f"Compliance: {view.profile}, {view.content}", colour)
        out.append(f"  {view.summary}; checked on {view.basis}\n")
        for row in view.rows:
            mark, style = STATUS_MARK[row.status]
            out.append(mark, style=style if colour else "")
            out.append(f" {row.label} {row.title}\n")
            if row.status != "met":
                out.append(f"         {row.why}\n")
            if row.hint:
                out.append(f"         change: {row.hint}\n")
    for note in report.notes:
        out.append(f"Note: {note}\n")
    out.rstrip()
    return out
