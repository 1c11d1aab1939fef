"""What every method and role sets in auditd itself: the audit package and the running
auditd (step 1), auditd.conf's event naming (step 2), and the restart after its files changed."""
from __future__ import annotations

from typing import List

from backends.changes import Change, Restart, RunCommand, SELinuxPort

AUDIT_FILES_ATTRS = ("auditd_conf", "au_remote_conf", "audisp_remote_conf", "syslog_plugin_conf")
# journald drops what a service logs beyond 10000 messages per 30 s by default
# (RateLimitIntervalSec/RateLimitBurst, scaled by free disk space); audit's syslog plugin runs
# in auditd.service. systemd 240+ (EL9, EL10) takes a per-unit limit; EL8 has systemd 239.
UNIT_DROPIN = "/etc/systemd/system/auditd.service.d/auditd-wizard-log-rate.conf"
UNIT_DROPIN_MIN_OS_MAJOR = 9
# Removing the drop-in removes its folder too when nothing else is in it (an EL host has none).
PRUNE_WITH = {UNIT_DROPIN: [UNIT_DROPIN.rsplit("/", 1)[0]]}
UNIT_DROPIN_TEXT = """# Written by auditd-wizard: journald keeps every message of auditd.service, where audit's
# syslog plugin runs, instead of dropping what exceeds 10000 messages per 30 s.
[Service]
LogRateLimitIntervalSec=0
"""


def install(ctx) -> None:
    """Step 1: audit installed, auditd enabled and running."""
    ctx.need_package(1, "audit")
    ctx.want_service(1, "auditd")


def auditd_conf(ctx) -> None:
    """Step 2: how forwarded events name this host, their format, what a full queue does,
    and (when the answers say) what a full or failing log disk does."""
    a = ctx.answers.auditd
    values = {"name_format": a.name_format, "log_format": a.log_format,
              "overflow_action": a.overflow_action.upper()}
    if a.name_format == "user":
        values["name"] = a.name
    for key in ("disk_full_action", "disk_error_action"):
        if getattr(a, key) != "keep":   # keep: the admin's (or the package's) value stays
            values[key] = getattr(a, key).upper()
    if a.name_format in ("fqd", "numeric"):
        # Seen with the real auditd: it resolves its host name at start and exits 1 if it can't.
        ctx.note(2, f"name_format = {a.name_format}: auditd looks up this host's name "
                    f"({ctx.facts.hostname}) when it starts and refuses to start when the name "
                    "does not resolve; check `getent hosts $(hostname)` first.")
    # seed-errors #4: `enable_krb5 = no` is a receiver key of EL7; nothing to add on 3.x.
    ctx.drafts.set_keys(2, ctx.layout.auditd_conf, values)


def unlimited_journal(ctx, step: int) -> None:
    """Audit's syslog plugin logs through journald: lift journald's limit for auditd.service
    where systemd has a per-unit one (the unit drop-in takes effect at auditd's restart)."""
    if ctx.facts.os_major >= UNIT_DROPIN_MIN_OS_MAJOR:
        ctx.drafts.replace(step, UNIT_DROPIN, UNIT_DROPIN_TEXT, mode=0o644)
        ctx.note(step, "journald drops what a service logs beyond 10000 messages per 30 s; "
                       "LogRateLimitIntervalSec=0 lifts that for auditd.service, where audit's "
                       "syslog plugin runs.")
    else:
        ctx.note(step, "EL8's systemd 239 has no per-service log limit: journald drops what "
                       "auditd.service (and so audit's syslog plugin) logs beyond "
                       "RateLimitBurst (10000) per RateLimitIntervalSec (30 s); raise them in "
                       "/etc/systemd/journald.conf on a busy host (journalctl -u auditd shows "
                       "\"Suppressed N messages\").")


def reload_units(ctx) -> List[Change]:
    """systemd reads a changed or removed unit drop-in only after daemon-reload (again after a
    rollback), before auditd starts or restarts."""
    changed = [d for d in ctx.drafts.changed() if d.path == UNIT_DROPIN]
    if not changed:
        return []
    return [RunCommand(["systemctl", "daemon-reload"], rerun_after_rollback=True,
                       description="Make systemd read the auditd.service drop-in",
                       group=str(min(ctx.drafts.steps_of(changed[0]))))]


def restart(ctx, labels: List[Change]) -> List[Change]:
    """auditd reads its files (and starts its plugins) only when it starts; and a port label
    it or audisp-remote needs takes effect only at their next bind: auditd logs a failed bind
    of its listener and never tries again (src/auditd-listen.c)."""
    audit_files = {getattr(ctx.layout, attr) for attr in AUDIT_FILES_ATTRS} | {UNIT_DROPIN}
    changed = [d for d in ctx.drafts.changed() if d.path in audit_files]
    audit_labels = [c for c in labels if isinstance(c, SELinuxPort) and c.type == "audit_port_t"]
    if not (changed or audit_labels) or not ctx.state.active.get("auditd"):
        return []   # nothing auditd reads changed, or step 1 starts it after the files are written
    last_step = str(max(max(ctx.drafts.steps_of(d)) for d in changed)) if changed else "5"
    # seed-errors #2: never `systemctl restart auditd` (RefuseManualStop=yes)
    *stop, start = ctx.facts.layout.restart_commands(ctx.facts.has_service)
    return [Restart(start=start, stop=stop[0] if stop else None, unit="auditd", group=last_step,
                    description=_why(ctx, bool(changed), audit_labels))]


def _why(ctx, files: bool, labels: List[SELinuxPort]) -> str:
    ports = ", ".join("tcp/%d" % c.port for c in labels)
    if ctx.answers.role == "receiver":
        if ctx.answers.method == "audisp-remote" and labels:
            return "Restart auditd so it %slistens on %s, now labelled (a failed listen is never " \
                   "retried)" % ("reads the new files and " if files else "", ports)
        return "Restart auditd so it reads the new files"
    if ctx.answers.method == "rsyslog":
        return "Restart auditd so it reads the new files and starts audit's syslog plugin with them"
    if not files:
        return "Restart auditd so audisp-remote binds and connects again with %s labelled" % ports
    return "Restart auditd so it and audisp-remote read the new files"
