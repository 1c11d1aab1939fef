"""Step 2: the local daemon's auditd.conf (how events are labelled and written)."""
from __future__ import annotations

from screens.forms import FieldSpec
from screens.step_base import StepPane


class AuditdPane(StepPane):
    STEP = 2
    EXPLANATION = ("How this host's auditd labels and writes events. `hostname` in name "
                   "format lets the receiver tell senders apart. The STIGs want ENRICHED; the "
                   "RHEL 8 and 9 STIGs also want syslog, single or halt when the log disk is "
                   "full or fails (`keep` leaves auditd.conf's SUSPEND: auditd stops writing).")
    FIELDS = (
        FieldSpec("auditd.name_format", "Name format"),
        FieldSpec("auditd.name", "Node name", visible=lambda s: s.answers.auditd.name_format == "user"),
        FieldSpec("auditd.log_format", "Log format"),
        FieldSpec("auditd.overflow_action", "On queue overflow"),
        FieldSpec("auditd.disk_full_action", "On log disk full"),
        FieldSpec("auditd.disk_error_action", "On log disk error"),
    )
    GUIDE_NOTE = ("the guide sets `log_format = RAW` \"for compatibility\": it does not matter "
                  "for forwarding, and ENRICHED resolves ids on the sender. It also adds "
                  "`enable_krb5 = no`, a key audit 3.x does not have; the wizard writes only "
                  "keys your audit version knows, plus `name_format = hostname` (STIG).")
