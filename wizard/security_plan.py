"""Step 8: encryption of the forwarded records.

Native method: Kerberos (`transport = KRB5`) on both ends; TLS-PSK only where audit >= 4.2.
rsyslog method: TLS is planned by wizard.rsyslog_plan (the drop-ins carry it).
seed-errors #8/#16: `format = encrypted` does not exist; audisp-remote has no TLS before 4.2.
"""
from __future__ import annotations


class PlanError(Exception):
    """The answers ask for something this host cannot do; the message says why and what instead."""


def step_security(ctx) -> None:
    enc = ctx.answers.security.encryption
    if enc == "none":
        ctx.note(8, "Records travel in plain text. Choose Kerberos (native method) or TLS "
                    "(rsyslog method) to encrypt them.")
        return
    if not ctx.native:
        if enc != "tls":
            raise PlanError("security.encryption: the rsyslog method encrypts with TLS; "
                            "allowed: none, tls")
        return
    if enc == "tls":
        if not ctx.layout.supports_tls_psk:
            raise PlanError(
                f"security.encryption: TLS for audisp-remote needs audit 4.2 or later built with TLS; "
                f"this host has audit {ctx.facts.audit_version}. Use kerberos, or the rsyslog method with TLS")
        raise PlanError("security.encryption: TLS-PSK planning is not implemented yet; use kerberos")
    # Kerberos
    if ctx.sender:
        ctx.drafts.set_keys(8, ctx.layout.audisp_remote_conf, {"transport": "KRB5"})
    else:
        ctx.drafts.set_keys(8, ctx.layout.auditd_conf, {"transport": "KRB5"})
