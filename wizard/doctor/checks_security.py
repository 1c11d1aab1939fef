"""Kerberos keytabs (row 16) and rsyslog drop-ins (row 13)."""
from __future__ import annotations

import re
from typing import List, Optional

from backends.changes import FileAttributes
from wizard.doctor.model import OK, PROBLEM, WARNING, Finding
from wizard.doctor.set_aside import set_aside
from wizard.plan.methods.rsyslog import ossl_receiver_unsafe, ossl_receiver_warning

_OSSL_PEERS = re.compile(r'StreamDriver\.Name\s*=\s*"ossl"[^)]*PermittedPeer', re.IGNORECASE | re.DOTALL)


def keytab(ctx) -> Optional[Finding]:
    if ctx.role == "sender":
        transport = (ctx.remote_value("transport", "tcp") or "").lower()
        path = ctx.remote_value("krb5_key_file") or ctx.layout.client_keytab
    elif ctx.role == "receiver":
        transport = (ctx.auditd_value("transport", "tcp") or "").lower()
        path = ctx.auditd_value("krb5_key_file") or ctx.layout.server_keytab
    else:
        return None
    if transport != "krb5":
        return None
    attrs = ctx.host.stat(path)
    if attrs is None:
        return Finding("kerberos-keytab", "Kerberos keytab present, root-owned, mode 0400",
                       PROBLEM, f"transport = KRB5 but {path} does not exist: create the keytab "
                       "for auditd/<this host's FQDN>@REALM (ktutil, or your KDC's tools).",
                       [f"{path}: missing"], guide_row=16)
    evidence = [f"{path}: owner {attrs.uid}:{attrs.gid}, mode {attrs.mode:04o}"]
    if attrs.uid == 0 and attrs.mode == 0o400:
        return Finding("kerberos-keytab", "Kerberos keytab present, root-owned, mode 0400", OK,
                       "The keytab is root-owned and mode 0400.", evidence, guide_row=16)
    return Finding("kerberos-keytab", "Kerberos keytab present, root-owned, mode 0400", PROBLEM,
                   "audit refuses a keytab that is not exactly mode 0400 and owned by root "
                   "(\"is not mode 0400 ... compromised key?\") and Kerberos setup fails.",
                   evidence, [FileAttributes(path, mode=0o400, uid=0, gid=0, group="8")],
                   f"chown root:root {path}; chmod 0400 {path}", guide_row=16)


def _dropins(ctx) -> List[str]:
    folder = ctx.host.path(ctx.layout.rsyslog_dropin_dir)
    try:
        return sorted(f"{ctx.layout.rsyslog_dropin_dir}/{p.name}" for p in folder.iterdir()
                      if p.name.endswith(".conf"))
    except (FileNotFoundError, NotADirectoryError):
        return []


def rsyslog(ctx) -> Optional[Finding]:
    files = [p for p in _dropins(ctx)
             if re.search(r"imtcp|omfwd|InputTCPServerRun|@@", ctx.read(p) or "")]
    if not files:
        return None
    evidence, problems, fixes = [], [], []
    for path in files:
        text = ctx.read(path) or ""
        if re.search(r"^\s*\$ModLoad|^\s*\$InputTCPServerRun", text, re.MULTILINE):
            evidence.append(f"{path}: legacy $-directives")
            problems.append(f"{path} uses legacy `$ModLoad`/`$InputTCPServerRun` directives; "
                            "write RainerScript (module(load=...), input(type=\"imtcp\" ...))")
        if ctx.method == "audisp-remote" and re.search(r"imtcp", text):
            problems.append(f"{path} listens with rsyslog imtcp, but audisp-remote speaks audit's "
                            "own protocol, not syslog: an auditd receiver needs tcp_listen_port")
            fixes.append(set_aside(path))
        if text.count("(") != text.count(")") or text.count('"') % 2:
            problems.append(f"{path}: unbalanced parentheses or quotes")
    if ctx.has("rsyslogd") and not ctx.sandbox:
        ran = ctx.run(["rsyslogd", "-N1"], timeout=60)
        if ran is not None:
            evidence += ran.lines()
            if ran.exit_code != 0:
                problems.append("rsyslogd -N1 refuses the configuration")
    if not problems:
        return Finding("rsyslog-dropins", "rsyslog drop-ins valid", OK,
                       "The rsyslog forwarding files are RainerScript rsyslog accepts.", evidence,
                       guide_row=13)
    return Finding("rsyslog-dropins", "rsyslog drop-ins valid", WARNING, "; ".join(problems) + ".",
                   evidence, fixes, "move the syslog listener meant for audisp-remote aside"
                   if fixes else "", guide_row=13)


def rsyslog_ossl_peers(ctx) -> Optional[Finding]:
    """rsyslog issue #6350: an imtcp listener with the ossl driver and x509/name on an rsyslog
    that lets unlisted peers in."""
    listeners = [p for p in _dropins(ctx) if _OSSL_PEERS.search(ctx.read(p) or "")]
    if not listeners:
        return None
    ran = ctx.run(["rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}", "rsyslog"])
    version = ran.stdout.strip() if ran is not None and ran.exit_code == 0 else None
    evidence = ["%s: imtcp with StreamDriver.Name=\"ossl\" and PermittedPeer" % p for p in listeners]
    evidence += ran.lines() if ran is not None else []
    if not ossl_receiver_unsafe(version):
        return Finding("rsyslog-ossl-peers", "rsyslog refuses unlisted TLS peers", OK,
                       "rsyslog %s checks the permitted peers with the ossl driver." % version,
                       evidence, guide_row=13)
    return Finding("rsyslog-ossl-peers", "rsyslog refuses unlisted TLS peers", WARNING,
                   ossl_receiver_warning(version), evidence, guide_row=13)
