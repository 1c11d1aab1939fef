"""Small network helpers usable inside the namespace."""
from __future__ import annotations


def listening(port: int) -> bool:
    """Is some socket in this network namespace listening on TCP `port`? Read from
    /proc/net/tcp{,6} so the check itself opens no connection (auditd would log it)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except FileNotFoundError:
            continue
    return False
