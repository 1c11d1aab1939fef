"""Step 6: the receiver listens (auditd tcp_* keys, or rsyslog imtcp)."""
from __future__ import annotations

from screens.forms import FieldSpec
from screens.step_base import StepPane


class ReceiverPane(StepPane):
    STEP = 6
    ROLES = ("receiver",)
    EXPLANATION = ("Makes this host accept forwarded events. Allowed senders (addresses or "
                   "networks, comma separated) limit who gets through the firewall.")
    FIELDS = (
        FieldSpec("receiver.listen_port", "Listen port"),
        FieldSpec("receiver.allowed_senders", "Allowed senders"),
        FieldSpec("receiver.max_per_addr", "Connections per addr"),
        FieldSpec("receiver.local_events", "Record own events"),
        FieldSpec("receiver.client_ports", "Sender source ports"),
        FieldSpec("receiver.client_max_idle", "Idle timeout (s)"),
        FieldSpec("receiver.listen_queue", "Listen queue"),
    )
    GUIDE_NOTE = ("`local_events = no` alone does not listen: `tcp_listen_port` does. "
                  "And rsyslog's imtcp on 514 cannot receive audisp-remote, which speaks "
                  "audit's own protocol; rsyslog is a separate method with its own sender side.")
