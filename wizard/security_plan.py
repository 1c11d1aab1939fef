"""Step 8: encryption of the forwarded records, and access control.

Native method: Kerberos (`transport = KRB5`, `format = managed`) on both ends; TLS-PSK only
where audit >= 4.2. rsyslog method: the drop-ins carry TLS (wizard.rsyslog_plan); this step
checks the key files and can make a lab CA.
seed-errors #8/#16: `format = encrypted` does not exist; audisp-remote has no TLS before 4.2;
keytabs must be root-owned, mode exactly 0400.
"""
from __future__ import annotations

from typing import List

KRB5_CONF = "/etc/krb5.conf"


class PlanError(Exception):
    """The answers ask for something this host cannot do; the message says why and what instead."""


def tls_psk_refusal(facts) -> str:
    return ("security.encryption: TLS for audisp-remote (transport = tls, TLS-PSK) needs audit "
            "4.2 or later built with TLS; this host has audit %s. Use encryption = \"kerberos\" "
            "(transport = KRB5), or method = \"rsyslog\" with encryption = \"tls\""
            % facts.audit_version)


def planning_paths(layout) -> List[str]:
    """Text files this step and the rsyslog method read besides the audit files."""
    from wizard import rsyslog_plan
    return rsyslog_plan.dropin_paths(layout) + [KRB5_CONF]


def stat_paths(answers, layout) -> List[str]:
    """Files whose mode and owner the plan compares (keytabs, TLS keys, lab CA)."""
    from wizard import kerberos
    s = answers.security
    return [layout.client_keytab, kerberos.receiver_keytab(answers, layout),
            s.ca_file, s.cert_file, s.key_file]


def step_security(ctx) -> None:
    from wizard import rsyslog_plan
    enc = ctx.answers.security.encryption
    if enc == "none":
        ctx.note(8, "Records travel in plain text. Choose Kerberos (native method) or TLS "
                    "(rsyslog method) to encrypt them.")
    elif not ctx.native:
        if enc != "tls":
            raise PlanError("security.encryption: the rsyslog method encrypts with TLS; "
                            "allowed: none, tls")
        _rsyslog_tls(ctx)
    elif enc == "tls":
        _tls_psk(ctx)
    else:
        _kerberos(ctx)
    if ctx.native:
        _access_control(ctx)
    else:
        rsyslog_plan.restart(ctx)


# ---------------------------------------------------------------- native: Kerberos
def _kerberos(ctx) -> None:
    from wizard import kerberos
    a, layout = ctx.answers, ctx.layout
    realm = kerberos.default_realm(ctx.files.get(KRB5_CONF))
    if realm is None:
        ctx.note(8, "No default_realm in /etc/krb5.conf [libdefaults]: audisp-remote and auditd "
                    "use the default realm, so set it (or join the realm with ipa-client-install "
                    "or realm join) before applying.")
    service = kerberos.service_name(a)
    if ctx.sender:
        values = {"transport": "KRB5", "format": "managed"}   # KRB5 works only with managed
        if service != kerberos.DEFAULT_SERVICE:
            values.update(krb5_client_name=service, krb5_principal="%s/%s" % (service, a.remote.server))
        ctx.drafts.set_keys(8, layout.audisp_remote_conf, values)
        finding = kerberos.hostname_finding(ctx.facts, realm)
        if finding.level != "ok":
            ctx.note(8, finding.text)
        keytab, who = layout.client_keytab, "audisp-remote"
    else:
        values = {"transport": "KRB5"}
        if service != kerberos.DEFAULT_SERVICE:
            values["krb5_principal"] = service
        keytab, who = kerberos.receiver_keytab(a, layout), "auditd"
        if keytab != layout.server_keytab:
            values["krb5_key_file"] = keytab
        ctx.drafts.set_keys(8, layout.auditd_conf, values)
    mine, peer = kerberos.principals(a, ctx.facts, realm)
    ctx.note(8, "This host's principal: %s, key in %s. The %s needs %s in %s on %s."
             % (mine.name, mine.keytab, peer.role, peer.name, peer.keytab, peer.host))
    _keytab(ctx, keytab, who, mine.name)


def _keytab(ctx, keytab: str, who: str, name: str) -> None:
    from wizard import kerberos
    stat = ctx.state.file_stats.get(keytab)
    for finding in kerberos.keytab_findings(keytab, stat, who):
        if finding.level != "ok":
            ctx.note(8, finding.text)
    fix = kerberos.keytab_fix(keytab, stat)
    if fix is not None:
        ctx.commands.append(fix)
    if stat is not None:
        return
    commands = kerberos.kadmin_commands(ctx.answers, name, keytab)
    if not ctx.answers.security.run_kadmin:
        ctx.note(8, "Create the key (on a host with kadmin rights, or set security.run_kadmin):\n"
                 + "\n".join("  " + _shell(argv) for argv in commands))
        return
    s = ctx.answers.security
    if not (s.kadmin_principal and s.kadmin_keytab):
        raise PlanError("security.run_kadmin: needs security.kadmin_principal and "
                        "security.kadmin_keytab (kadmin must not wait for a password during apply)")
    ctx.need_package(1, "krb5-workstation")
    ctx.commands.extend(kerberos.kadmin_changes(ctx.answers, name, keytab))


def _shell(argv: List[str]) -> str:
    import shlex
    return " ".join(shlex.quote(a) for a in argv)


# ---------------------------------------------------------------- native: TLS-PSK (audit >= 4.2)
def _tls_psk(ctx) -> None:
    if not ctx.layout.supports_tls_psk:
        raise PlanError(tls_psk_refusal(ctx.facts))
    path = ctx.layout.audisp_remote_conf if ctx.sender else ctx.layout.auditd_conf
    ctx.drafts.set_keys(8, path, {"transport": "tls"})
    ctx.note(8, "transport = tls needs an audisp-remote/auditd built with --enable-tls and a "
                "pre-shared key on both ends (tls_psk_file, see auditd.conf(5)).")


# ---------------------------------------------------------------- rsyslog: TLS files
def _rsyslog_tls(ctx) -> None:
    from wizard import tls
    s = ctx.answers.security
    if s.lab_certificates and not ctx.sender:
        if ctx.state.file_stats.get(s.ca_file) is None:
            for path, text in tls.lab_files(ctx.answers, ctx.facts.fqdn):
                ctx.drafts.replace(8, path, text, mode=0o644)
            ctx.commands.extend(tls.lab_changes(ctx.answers, ctx.facts.fqdn))
            ctx.note(8, "%s: a lab CA and certificates for this host and each permitted sender "
                        "are made under %s; copy them to the senders."
                     % (tls.LAB_NOTICE, tls.lab_dir(ctx.answers)))
        return
    if s.lab_certificates:
        ctx.note(8, "%s: copy ca.pem, <this host>.pem and <this host>-key.pem from the "
                    "receiver's %s to %s, %s and %s." % (tls.LAB_NOTICE, tls.lab_dir(ctx.answers),
                                                         s.ca_file, s.cert_file, s.key_file))
    fix = tls.key_fix(s.key_file, ctx.state.file_stats.get(s.key_file))
    if fix is not None:
        ctx.commands.append(fix)
    for path in (s.ca_file, s.cert_file, s.key_file):
        if ctx.state.file_stats.get(path) is None:
            ctx.note(8, "%s does not exist yet: rsyslog cannot start TLS without it." % path)


# ---------------------------------------------------------------- access control (native)
def _access_control(ctx) -> None:
    a = ctx.answers
    if ctx.sender:
        if 0 < a.remote.local_port < 1024:
            ctx.note(8, "Privileged source port %d: only root can open it, so the receiver can "
                        "insist on tcp_client_ports = 1-1023." % a.remote.local_port)
        return
    r = a.receiver
    if r.allowed_senders:
        ctx.note(8, "Only %s may reach port %d (firewalld rich rules, step 5)."
                 % (", ".join(r.allowed_senders), r.listen_port))
    else:
        ctx.note(8, "Any address may connect to port %d; list receiver.allowed_senders to "
                    "limit it with firewalld rich rules." % r.listen_port)
    if r.client_ports == "1-1023":
        ctx.note(8, "tcp_client_ports = 1-1023: every sender needs remote.local_port below 1024 "
                    "(labelled audit_port_t when it is not 60).")
    if r.max_per_addr == 1 and r.client_max_idle == 0:
        ctx.note(8, "Warning: tcp_max_per_addr = 1 with tcp_client_max_idle = 0: a sender that "
                    "reboots without closing its connection is refused (op=dup) until the old one "
                    "goes away; set receiver.client_max_idle (like 600) or max_per_addr = 2.")
