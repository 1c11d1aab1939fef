"""Which forwarding setups the current files hold, read without the answers model: Welcome
shows the first one's role and method before the answers (pydantic) are loaded."""
from __future__ import annotations

from typing import List, Tuple

from wizard.detect import native, rsyslog
from wizard.detect.found import Found

READERS = {"audisp-remote": native, "rsyslog": rsyslog}
Setup = Tuple[Found, str]       # what was found, and by which method


def find_setups(host, layout) -> List[Setup]:
    """Every setup found, senders first; the first is the one the wizard shows."""
    setups = []
    for role in ("sender", "receiver"):
        for method, reader in READERS.items():
            found = reader.read_sender(host, layout) if role == "sender" else reader.read_receiver(host, layout)
            if found is not None:
                setups.append((found, method))
    return setups


def describe(found: Found, method: str) -> str:
    if method == "audisp-remote":
        return ("forwards with audisp-remote (au-remote.conf active)" if found.role == "sender"
                else "listens with auditd (tcp_listen_port)")
    return "%s with rsyslog (%s)" % ("forwards" if found.role == "sender" else "listens", found.path)
