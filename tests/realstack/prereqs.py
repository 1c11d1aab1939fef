"""What the real-stack tests need from the machine, each missing item named exactly."""
from __future__ import annotations

import os
import shutil
import socket
from typing import List

NETLINK_AUDIT = 9
PROGRAMS = ("unshare", "mount", "ip", "timeout", "auditd", "audisp-remote", "audisp-syslog",
            "ausearch", "rsyslogd", "certtool", "gnutls-cli")
# Debian package that ships each program (for the skip message and .ci/run).
PACKAGE_OF = {"unshare": "util-linux", "mount": "mount", "ip": "iproute2", "timeout": "coreutils",
              "auditd": "auditd", "audisp-remote": "audispd-plugins",
              "audisp-syslog": "audispd-plugins", "ausearch": "auditd", "rsyslogd": "rsyslog",
              "certtool": "gnutls-bin", "gnutls-cli": "gnutls-bin"}
GTLS_DRIVER_DIRS = ("/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog",
                    "/usr/lib64/rsyslog", "/usr/lib/rsyslog")


def missing_prerequisites() -> List[str]:
    """One line per missing prerequisite; empty when the real stack can run here."""
    missing: List[str] = []
    if os.geteuid() != 0:
        missing.append("root (the tests mount and unshare namespaces; euid is %d)" % os.geteuid())
    for program in PROGRAMS:
        if find_program(program) is None:
            missing.append("program `%s` (Debian package %s)" % (program, PACKAGE_OF[program]))
    if not any(os.path.exists(os.path.join(d, "lmnsd_gtls.so")) for d in GTLS_DRIVER_DIRS):
        missing.append("rsyslog TLS driver lmnsd_gtls.so (Debian package rsyslog-gnutls)")
    try:
        socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT).close()
    except OSError as error:
        missing.append("kernel audit netlink socket (auditd needs CONFIG_AUDIT even with "
                       "local_events = no): %s" % error)
    return missing


def find_program(name: str):
    """Programs live in /usr/sbin or /sbin, which a non-login PATH may lack."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
    return shutil.which(name, path=path)
