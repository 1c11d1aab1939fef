"""Kerberos for the native method (audit-facts.md §2): realm, principals, keytab checks and
the kadmin commands that create what is missing. Pure: callers pass file text and stats.

- sender: audisp-remote builds its principal as auditd/<gethostname()>@<default realm> and
  reads /etc/audit/audisp-remote.key; it expects the receiver as auditd/<remote_server>@REALM.
- receiver: auditd uses krb5_principal (default auditd) as the service, so its key is
  auditd/<its canonical FQDN>@REALM in krb5_key_file (default /etc/audit/audit.key).
- both refuse a keytab that is not mode exactly 0400 and owned by uid 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional

from backends.changes import Change, FileAttributes, RunCommand

DEFAULT_SERVICE = "auditd"
KRB5_CONF = "/etc/krb5.conf"
KEYTAB_MODE = 0o400
AUDIT_ETC = "/etc/audit"


@dataclass
class Finding:
    """One check result for the Security step: level "ok" | "warning" | "error"."""
    level: str
    subject: str
    text: str
    fix: Optional[str] = None      # what the plan does about it (a Change's description), if anything


@dataclass
class Principal:
    role: str          # "sender" | "receiver"
    name: str          # auditd/host.example.com@EXAMPLE.COM
    keytab: str        # where that host keeps its key
    host: str          # on which host the keytab must be


@dataclass
class KerberosView:
    realm: Optional[str]
    principals: List[Principal] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    kadmin_commands: List[List[str]] = field(default_factory=list)


# ---------------------------------------------------------------- krb5.conf
def default_realm(krb5_conf: Optional[str]) -> Optional[str]:
    """[libdefaults] default_realm of /etc/krb5.conf (commented lines ignored)."""
    section = None
    for raw in (krb5_conf or "").splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        header = re.fullmatch(r"\[\s*([A-Za-z_]+)\s*\]", line)
        if header:
            section = header.group(1).lower()
            continue
        match = re.fullmatch(r"default_realm\s*=\s*(\S+)", line)
        if section == "libdefaults" and match:
            return match.group(1)
    return None


# ---------------------------------------------------------------- names
def service_name(answers) -> str:
    return answers.security.krb5_principal or DEFAULT_SERVICE


def receiver_keytab(answers, layout) -> str:
    return answers.security.krb5_key_file or layout.server_keytab


def principal(service: str, host: str, realm: Optional[str]) -> str:
    return "%s/%s@%s" % (service, host, realm or "REALM")


def principals(answers, facts, realm: Optional[str]) -> List[Principal]:
    """The principals this configuration needs, this host's own first."""
    service, layout = service_name(answers), facts.layout
    if answers.role == "sender":
        server = answers.remote.server or "receiver"
        return [Principal("sender", principal(service, facts.hostname, realm), layout.client_keytab,
                          "this host"),
                Principal("receiver", principal(service, server, realm),
                          receiver_keytab(answers, layout), server)]
    return [Principal("receiver", principal(service, facts.fqdn, realm),
                      receiver_keytab(answers, layout), "this host"),
            Principal("sender", principal(service, "<sender FQDN>", realm), layout.client_keytab,
                      "each sender")]


def hostname_finding(facts, realm: Optional[str] = None) -> Finding:
    """audisp-remote uses gethostname(): a short name asks the KDC for auditd/<short>@REALM."""
    if "." in facts.hostname:
        return Finding("ok", "hostname", "gethostname() is the FQDN %s: the sender's principal "
                       "is %s" % (facts.hostname, principal(DEFAULT_SERVICE, facts.hostname, realm)))
    better = facts.fqdn if "." in facts.fqdn else "%s.<your domain>" % facts.hostname
    return Finding("warning", "hostname",
                   "gethostname() is the short name %r, so audisp-remote asks for %s; set the "
                   "FQDN (hostnamectl set-hostname %s) or create the principal with the short "
                   "name" % (facts.hostname, principal(DEFAULT_SERVICE, facts.hostname, realm), better))


# ---------------------------------------------------------------- keytabs
def keytab_fix(path: str, stat) -> Optional[FileAttributes]:
    if stat is None or (stat.mode == KEYTAB_MODE and stat.uid == 0):
        return None
    return FileAttributes(path, mode=KEYTAB_MODE, uid=0, gid=0, group="8")


def keytab_findings(path: str, stat, who: str) -> List[Finding]:
    """`who` is the program that reads it ("audisp-remote" / "auditd")."""
    out = []
    if not path.startswith(AUDIT_ETC + "/"):
        # logging.te: auditd_t reads auditd_etc_t (/etc/audit) and etc_t, not keytab types
        out.append(Finding("warning", path, "%s is outside %s: SELinux lets %s read its key "
                           "there (auditd_etc_t), not a keytab elsewhere" % (path, AUDIT_ETC, who)))
    if stat is None:
        return out + [Finding("error", path, "%s does not exist: %s cannot authenticate; create "
                              "it with the kadmin commands shown" % (path, who))]
    fix = keytab_fix(path, stat)
    if stat.mode != KEYTAB_MODE:
        out.append(Finding("error", path, "%s is mode %04o; %s requires exactly 0400 and "
                           "refuses the key otherwise" % (path, stat.mode, who),
                           fix.describe() if fix else None))
    if stat.uid != 0:
        out.append(Finding("error", path, "%s is owned by uid %d; %s requires root (uid 0)"
                           % (path, stat.uid, who), fix.describe() if fix else None))
    if not any(f.level == "error" for f in out):
        out.append(Finding("ok", path, "%s exists, owned by root, mode 0400" % path))
    return out


# ---------------------------------------------------------------- kadmin
def kadmin_argv(answers, query: str) -> List[str]:
    s = answers.security
    argv = ["kadmin"]
    if s.kadmin_principal:
        argv += ["-p", s.kadmin_principal]
    if s.kadmin_keytab:
        argv += ["-k", "-t", s.kadmin_keytab]
    return argv + ["-q", query]


def kadmin_commands(answers, name: str, keytab: str) -> List[List[str]]:
    """Create the principal with a random key and write it to the keytab, then fix its mode."""
    return [kadmin_argv(answers, "addprinc -randkey %s" % name),
            kadmin_argv(answers, "ktadd -k %s %s" % (keytab, name)),
            ["chmod", "0400", keytab], ["chown", "root:root", keytab]]


def kadmin_changes(answers, name: str, keytab: str, step: str = "8") -> List[Change]:
    """Only when the user asked (security.run_kadmin) and gave credentials that need no prompt."""
    add, ktadd = kadmin_commands(answers, name, keytab)[:2]
    return [RunCommand(add, description="Create Kerberos principal %s" % name, group=step),
            RunCommand(ktadd, creates=[keytab], new_files_only=True,
                       description="Write the key of %s to %s" % (name, keytab), group=step),
            FileAttributes(keytab, mode=KEYTAB_MODE, uid=0, gid=0, group=step)]
