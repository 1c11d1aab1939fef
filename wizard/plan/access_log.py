"""Step 8, on request (`rsyslog.log_remote_access`): rsyslog logs authentication and daemon
messages to /var/log/secure, which the STIGs check as "remote access methods are monitored"
(RHEL-08-010070, RHEL-09-652030, RHEL-10-200647). A drop-in of its own, for either method and
role: it is about this host's own log, not about forwarding. The rsyslog method's restart
(wizard.plan.methods.rsyslog.restart, planned whatever the method) restarts rsyslog when it
changes or goes; the ledger owns it like the other drop-ins, so turning the answer off
removes it."""
from __future__ import annotations

from wizard.plan.methods.rsyslog_dropins import access_dropin, access_path


def plan_access_log(ctx) -> None:
    if not ctx.answers.rsyslog.log_remote_access:
        return
    ctx.need_package(1, "rsyslog")
    ctx.drafts.replace(8, access_path(ctx.layout), access_dropin(), mode=0o644)
    if ctx.answers.method != "rsyslog" and not ctx.state.active.get("rsyslog"):
        ctx.note(8, "rsyslog is not running: start it (`systemctl enable --now rsyslog`) for "
                    "authentication and daemon messages to be logged.")
