"""Step 6: the receiver listens (auditd tcp_* keys, or rsyslog imtcp)."""
from __future__ import annotations

from screens.forms import FieldSpec, native, rsyslog
from screens.step_base import StepPane


class ReceiverPane(StepPane):
    STEP = 6
    ROLES = ("receiver",)
    BY_METHOD = {
        "audisp-remote": "auditd itself listens for the senders (tcp_listen_port in "
                         "auditd.conf) and writes their events into its own log; below: how many "
                         "connections it takes and when it drops an idle one.",
        "rsyslog": "rsyslog listens for the senders and writes each sender's records to a "
                   "file of its own: SENDER/audit.log in the folder below.",
    }
    FIELDS = (
        FieldSpec("receiver.listen_port", "Listen port", visible=native),
        FieldSpec("rsyslog.port", "Listen port", visible=rsyslog),
        FieldSpec("rsyslog.remote_dir", "Sender logs under", visible=rsyslog),
        FieldSpec("receiver.max_per_addr", "Connections per addr", visible=native),
        FieldSpec("receiver.local_events", "Record own events", visible=native),
        FieldSpec("receiver.client_ports", "Sender source ports", visible=native),
        FieldSpec("receiver.client_max_idle", "Idle timeout (s)", visible=native),
        FieldSpec("receiver.listen_queue", "Listen queue", visible=native),
    )
    GUIDE_NOTE = ("`local_events = no` alone does not listen: `tcp_listen_port` does. "
                  "And rsyslog's imtcp on 514 cannot receive audisp-remote, which speaks "
                  "audit's own protocol; rsyslog is a separate method with its own sender side.")
