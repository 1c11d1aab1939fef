"""The receiving auditd: tcp_listen_port set, and auditd really listening on it (row 12)."""
from __future__ import annotations

from typing import Optional

from wizard.doctor.model import OK, PROBLEM, FileEdit, Finding


def listen_port(ctx, wanted_port: int = 60) -> Optional[Finding]:
    if ctx.role != "receiver" or ctx.method != "audisp-remote":
        return None
    path = ctx.layout.auditd_conf
    port = ctx.listen_port()
    local = ctx.auditd_value("local_events")
    evidence = [f"{path}: tcp_listen_port = {port if port else '(not set)'}, "
                f"local_events = {local}"]
    if port is None:
        return Finding("receiver-listen", "auditd listens for senders", PROBLEM,
                       "tcp_listen_port is not set, so auditd does not listen: `local_events = "
                       "no` alone does not make a receiver. Set tcp_listen_port (60 unless the "
                       "senders use another port) and restart auditd.", evidence,
                       [FileEdit(path, set={"tcp_listen_port": str(wanted_port)})],
                       f"set tcp_listen_port = {wanted_port}", guide_row=12)
    ran = ctx.run(["ss", "-H", "-l", "-t", "-n"])
    if ran is not None:
        evidence += ran.lines()
        listening = any(line.split()[3].endswith(f":{port}") for line in ran.stdout.splitlines()
                        if len(line.split()) > 3)
        if not listening:
            return Finding("receiver-listen", "auditd listens for senders", PROBLEM,
                           f"tcp_listen_port = {port} but nothing listens on port {port}: auditd "
                           "was not restarted since, or could not bind (SELinux label, see the "
                           "AVC check).", evidence, guide_row=12)
    return Finding("receiver-listen", "auditd listens for senders", OK,
                   f"auditd listens on TCP port {port}.", evidence, guide_row=12)
