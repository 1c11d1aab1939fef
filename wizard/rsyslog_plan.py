"""The rsyslog method: audit's syslog plugin on the sender, rsyslog forwarding over TCP/TLS,
rsyslog imtcp on the receiver writing one file per sender."""
from __future__ import annotations

from wizard.security_plan import PlanError


def _not_yet(*_args) -> None:
    raise PlanError("method: the rsyslog method is not implemented yet; use audisp-remote")


sender_plugin = sender_forwarding = selinux_firewall = receiver = _not_yet
