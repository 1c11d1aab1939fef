"""Where the errors really are (row 17): audisp-remote and plugin errors go to the journal,
SELinux denials are AVC records, not lines in audit.log's config; and the guide's test write
into /etc/passwd (row 14)."""
from __future__ import annotations

import re
from typing import Optional

from backends.changes import WriteFile
from wizard.doctor.model import OK, PROBLEM, WARNING, Finding

# What a journal line means, in plain words.
_HINTS = (
    (r"not found|Wrong number of arguments|Keyword", "a configuration line audit refuses (see the syntax check)"),
    (r"remote_server is empty", "remote_server is not set"),
    (r"Permission denied", "SELinux or file permissions (see the AVC check)"),
    (r"[Cc]onnection refused|connect", "the receiver does not accept the connection"),
    (r"terminated unexpectedly|exceeded max_restarts", "the plugin exited (the lines before say why)"),
    (r"Skipping .* plugin", "auditd refused a plugin file or its program"),
    (r"obsolete", "an obsolete setting audit rewrote"),
)


def journal(ctx) -> Optional[Finding]:
    invocation = ctx.run(["systemctl", "show", "--property=InvocationID", "--value", "auditd"])
    if invocation is None or not invocation.stdout.strip():
        return None
    ident = invocation.stdout.strip()
    ran = ctx.run(["journalctl", "--no-pager", "--quiet", "--output=short-iso",
                   "--priority=warning", f"_SYSTEMD_INVOCATION_ID={ident}"])
    if ran is None:
        return None
    lines = [line for line in ran.stdout.splitlines() if line.strip()]
    evidence = ran.lines(limit=20)
    if not lines:
        return Finding("journal", "no errors from auditd or its plugins", OK,
                       "Since auditd last started, neither it nor audisp-remote logged a warning "
                       "or an error.", evidence, guide_row=17)
    meanings = []
    for pattern, meaning in _HINTS:
        if any(re.search(pattern, line) for line in lines) and meaning not in meanings:
            meanings.append(meaning)
    errors = [line for line in lines if "obsolete" not in line]
    return Finding("journal", "no errors from auditd or its plugins", PROBLEM if errors else WARNING,
                   f"Since auditd last started it or its plugins logged {len(lines)} warning(s) "
                   "or error(s) to the journal (audisp-remote never writes to audit.log): "
                   + "; ".join(meanings) + ". Fix the causes below, then restart auditd.",
                   evidence, guide_row=17)


def avc(ctx) -> Optional[Finding]:
    if ctx.facts.selinux_mode.lower() == "disabled":
        return None
    ran = ctx.run(["ausearch", "-m", "AVC", "-ts", "recent"])
    if ran is None:
        return None
    ours = [line for line in ran.stdout.splitlines()
            if re.search(r"scontext=\S*:(audisp_remote_t|auditd_t):", line)]
    evidence = [f"$ ausearch -m AVC -ts recent  (exit {ran.exit_code})"] + \
        ["  " + line for line in ours[:8]]
    if not ours:
        return Finding("selinux-avc", "no SELinux denials for audit", OK,
                       "No AVC denial for audisp_remote_t or auditd_t in the last 10 minutes.",
                       evidence, guide_row=17)
    return Finding("selinux-avc", "no SELinux denials for audit", PROBLEM,
                   f"SELinux denied audit {len(ours)} time(s) recently: audisp_remote_t may "
                   "only connect to, and auditd_t only listen on, ports labelled "
                   "audit_port_t. Label the port (see the SELinux port check).",
                   evidence, guide_row=17)


_ACCOUNT = re.compile(r"^[^:\s]+:[^:]*:\d+:\d+:[^:]*:[^:]*:[^:]*$")


def passwd(ctx) -> Optional[Finding]:
    text = ctx.read("/etc/passwd")
    if text is None:
        return None
    lines = text.split("\n")
    bad = [(n, line) for n, line in enumerate(lines, start=1) if line and not _ACCOUNT.match(line)]
    if not bad:
        return Finding("passwd", "/etc/passwd intact", OK,
                       "Every line of /etc/passwd is an account entry.", [], guide_row=14)
    kept = "\n".join(line for n, line in enumerate(lines, start=1) if (n, line) not in bad)
    return Finding("passwd", "/etc/passwd intact", PROBLEM,
                   "/etc/passwd has lines that are not account entries, as left by the guide's "
                   "`echo \"test entry\" >> /etc/passwd`: tools that read the account database "
                   "may fail. The wizard's test uses a tagged audit message instead.",
                   [f"/etc/passwd line {n}: {line}" for n, line in bad],
                   [WriteFile("/etc/passwd", kept, group="7")],
                   "remove the lines that are not accounts", guide_row=14)
