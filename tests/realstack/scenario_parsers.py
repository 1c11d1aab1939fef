"""Inside the namespace: the real parsers as validators of a config set (this machine's, or
those of the Debian root args["roots"]["daemon"] names)."""
from __future__ import annotations

from typing import Any, Dict

from tests.realstack.ns import bind
from tests.realstack.procs import wait_for

READY = "Init complete"
START_TIMEOUT = 5


def check_auditd(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    """`auditd -f -c /etc/audit` with the set bind-mounted over /etc/audit (so plugin_dir and
    the plugins resolve where production finds them). Still running once it says "Init
    complete" (or when `timeout` ends it, 124) = accepted; exit 6/1 = rejected, stderr says why."""
    bind(args["etc_audit"], (ctx.root("daemon") or "") + "/etc/audit")
    daemon = ctx.daemons.start("auditd-f", ctx.argv("daemon", [
        "timeout", str(START_TIMEOUT), "auditd", "-f", "-c", "/etc/audit"]))
    wait_for(lambda: READY in daemon.output() or not daemon.running(), START_TIMEOUT + 1)
    started = READY in daemon.output() and daemon.running()
    exit_code = daemon.stop()
    output = daemon.output()
    # transport = KRB5 without a keytab starts, logs DAEMON_ABORT and exits 0: not usable.
    aborted = "DAEMON_ABORT" in output
    accepted = (started or exit_code == 124) and not aborted
    return {"accepted": accepted, "exit_code": exit_code, "output": output,
            "syslog": ctx.syslog()}


def check_audisp_remote(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    """audisp-remote reads only /etc/audit/audisp-remote.conf and reports only to syslog:
    bind-mount the set there, run it with stdin at EOF; exit 0 = accepted, 6 = rejected."""
    bind(args["etc_audit"], (ctx.root("daemon") or "") + "/etc/audit")
    daemon = ctx.daemons.start("audisp-remote", ctx.argv("daemon", [
        "timeout", str(START_TIMEOUT), "audisp-remote"]))
    wait_for(lambda: not daemon.running(), START_TIMEOUT + 1)
    exit_code = daemon.stop()
    wait_for(lambda: "audisp-remote" in ctx.syslog(), 0.3 if exit_code else 0.05)
    return {"accepted": exit_code == 0, "exit_code": exit_code, "output": daemon.output(),
            "syslog": ctx.syslog()}
