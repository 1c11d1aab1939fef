"""auditd itself: installed packages, enabled and running, how it can be restarted, and
whether the remote plugin process is running."""
from __future__ import annotations

from typing import Optional

from backends.changes import InstallPackages, Restart, ServiceState
from wizard.doctor.model import OK, PROBLEM, WARNING, Finding


def auditd_service(ctx) -> Finding:
    enabled = ctx.run(["systemctl", "is-enabled", "auditd"])
    active = ctx.run(["systemctl", "is-active", "auditd"])
    evidence = (enabled.lines() if enabled else []) + (active.lines() if active else [])
    is_enabled = bool(enabled) and enabled.stdout.strip() == "enabled"
    is_active = bool(active) and active.stdout.strip() == "active"
    if is_enabled and is_active:
        return Finding("auditd-service", "auditd enabled and running", OK,
                       "auditd runs now and starts at boot.", evidence)
    what = " and ".join(w for w, bad in (("not running", not is_active),
                                         ("not enabled at boot", not is_enabled)) if bad)
    return Finding(
        "auditd-service", "auditd enabled and running", PROBLEM,
        f"auditd is {what}: nothing is recorded or forwarded while it is down. If it stopped "
        "right after a change, its configuration was probably refused: see the journal check.",
        evidence, [ServiceState("auditd", enabled=True, active=True, group="1")],
        "systemctl enable auditd; systemctl start auditd")


def restart_method(ctx) -> Finding:
    commands = ctx.layout.restart_commands(ctx.has("service"))
    shown = " then ".join(" ".join(c) for c in commands)
    evidence = [f"service command present: {'yes' if ctx.has('service') else 'no'}",
                f"audit {ctx.facts.audit_version}: restart with `{shown}`"]
    if not ctx.has("service") and not ctx.has("auditctl"):
        return Finding("restart-method", "a way to restart auditd", PROBLEM,
                       "Neither `service` nor `auditctl` is available, and `systemctl restart "
                       "auditd` is refused (RefuseManualStop=yes). Install initscripts-service "
                       "or audit.", evidence, guide_row=2)
    return Finding("restart-method", "a way to restart auditd", OK,
                   f"auditd is restarted with `{shown}`, never `systemctl restart auditd` "
                   "(its unit refuses manual stop). A reload does not make audisp-remote "
                   "reread its file.", evidence, guide_row=2)


def remote_package(ctx) -> Optional[Finding]:
    if ctx.role != "sender":
        return None
    name = "audispd-plugins" if ctx.method == "audisp-remote" else "rsyslog"
    ran = ctx.run(["rpm", "-q", name])
    installed = bool(ran) and ran.exit_code == 0
    if installed:
        return Finding("packages", f"{name} installed", OK,
                       f"{name} provides the forwarding program.", ran.lines(), guide_row=1)
    return Finding("packages", f"{name} installed", PROBLEM,
                   f"{name} is not installed, so there is no forwarding program "
                   "(/sbin/audisp-remote ships in audispd-plugins, not in audit or audit-libs).",
                   ran.lines() if ran else [], [InstallPackages([name], group="1")],
                   f"dnf install -y {name}", guide_row=1)


def plugin_running(ctx) -> Optional[Finding]:
    if ctx.role != "sender" or ctx.method != "audisp-remote":
        return None
    ran = ctx.run(["pgrep", "-x", "audisp-remote"])
    if ran is None:
        return None
    pids = ran.stdout.split()
    if len(pids) == 1:
        return Finding("plugin-running", "audisp-remote running", OK,
                       "auditd started the remote plugin.", ran.lines())
    if len(pids) > 1:
        return Finding("plugin-running", "audisp-remote running", WARNING,
                       f"{len(pids)} audisp-remote processes run: two plugin files start the same "
                       "program (see the plugins.d check); the receiver accepts one connection "
                       "per address by default, so the second keeps failing.", ran.lines())
    fixes = [] if ctx.run(["systemctl", "is-active", "auditd"]).exit_code else [
        Restart(start=cmds[-1], stop=cmds[0] if len(cmds) > 1 else None, group="9",
                description="Restart auditd so it starts audisp-remote")
        for cmds in [ctx.layout.restart_commands(ctx.has("service"))]]
    return Finding("plugin-running", "audisp-remote running", PROBLEM,
                   "No audisp-remote process runs, so nothing is forwarded. auditd starts it "
                   "from plugins.d/au-remote.conf (active = yes) and it exits when its own file "
                   "is refused: the checks above and the journal say why.", ran.lines(), fixes,
                   "restart auditd" if fixes else "")
