"""Step 8: encryption of the forwarded records, and access control. The part both methods
share is here; each method's own part is its `security(ctx)` (Kerberos and TLS-PSK for
audisp-remote, TLS files for rsyslog).

seed-errors #8/#16: `format = encrypted` does not exist; audisp-remote has no TLS before 4.2;
keytabs must be root-owned, mode exactly 0400.
"""
from __future__ import annotations

from typing import List

from wizard import kerberos
from wizard.plan.methods.registry import METHODS
from wizard.plan.methods.rsyslog_dropins import access_path


def planning_paths(layout) -> List[str]:
    """Text files the planner reads besides the audit files: every method's, krb5.conf and
    the access-logging drop-in."""
    paths: List[str] = []
    for method in METHODS.values():
        paths += method.planning_paths(layout)
    return paths + [kerberos.KRB5_CONF, access_path(layout)]


def stat_paths(answers, layout) -> List[str]:
    """Files whose mode and owner the plan compares (keytabs, TLS keys, lab CA, TLS-PSK key)."""
    s = answers.security
    return [layout.client_keytab, kerberos.receiver_keytab(answers, layout),
            s.ca_file, s.cert_file, s.key_file, s.tls_psk_file]


def step_security(ctx, method) -> None:
    if ctx.answers.security.encryption == "none":
        ctx.note(8, "Records travel in plain text. Choose Kerberos (native method) or TLS "
                    "(rsyslog method) to encrypt them.")
    method.security(ctx)
