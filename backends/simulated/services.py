"""systemctl, service and auditctl against state["services"].

auditd.service has RefuseManualStop=yes on every audit version, so `systemctl stop|restart
auditd` is refused here exactly as systemd refuses it."""
from __future__ import annotations

import re
from typing import Sequence, Tuple

from backends.simulated import daemon
from backends.simulated.outcome import NotSimulated, Outcome, failed, ok

_REFUSED = ("Failed to {verb} {unit}: Operation refused, unit {unit} may be requested by dependency "
            "only (it is configured to refuse manual start/stop).\n"
            "See system logs and 'systemctl status {unit}' for details.\n")
# auditctl --signal words, and the first audit version that knows them.
_SIGNAL_WORDS = {"stop": "TERM", "reload": "HUP", "rotate": "USR1", "resume": "USR2", "state": "CONT"}
_SIGNAL_WORDS_SINCE = (3, 1, 1)
_SIGNALS = {"TERM", "HUP", "USR1", "USR2", "CONT"}


def _unit_name(name: str) -> str:
    return name[:-len(".service")] if name.endswith(".service") else name


def _version(evr: str) -> Tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", evr.split("-")[0]))


def _set_active(state: dict, unit: str, active: bool, root=None, restarted: bool = False) -> None:
    was_active = state["services"][unit].get("active")
    state["services"][unit]["active"] = active
    if unit == "auditd" and active and root is not None and (not was_active or restarted):
        daemon.load(root, state)   # auditd reads its files (and starts its plugins) at start
    if unit == "firewalld" and "firewall" in state:
        state["firewall"]["running"] = active


def systemctl(state: dict, argv: Sequence[str], root) -> Outcome:
    args = list(argv[1:])
    if args[:3] == ["show", "--property=InvocationID", "--value"] and len(args) == 4:
        unit = _unit_name(args[3])
        active = state["services"].get(unit, {}).get("active")
        if unit == "auditd" and active:
            daemon.loaded(root, state)
            return ok(daemon.invocation_id(state) + "\n")
        return ok("\n")
    if args == ["daemon-reload"]:
        return ok()             # the pretend systemd reads unit files when it starts a unit
    if len(args) == 3 and args[:2] == ["enable", "--now"]:
        first = systemctl(state, ["systemctl", "enable", args[2]], root)
        return first if first.exit_code else systemctl(state, ["systemctl", "start", args[2]], root)
    if len(args) != 2:
        raise NotSimulated()
    verb, unit = args[0], _unit_name(args[1])
    full = f"{unit}.service"
    service = state["services"].get(unit)
    if verb == "is-active":
        active = bool(service and service.get("active"))
        return Outcome(0 if active else 3, "active\n" if active else "inactive\n", "")
    if verb == "is-enabled":
        if service is None:
            return failed(1, f"Failed to get unit file state for {full}: No such file or directory\n")
        enabled = bool(service.get("enabled"))
        return Outcome(0 if enabled else 1, "enabled\n" if enabled else "disabled\n", "")
    if verb not in ("enable", "disable", "start", "stop", "restart"):
        raise NotSimulated()
    if service is None:
        if verb in ("enable", "disable"):
            return failed(1, f"Failed to {verb} unit: Unit file {full} does not exist.\n")
        return failed(5, f"Failed to {verb} {full}: Unit {full} not found.\n")
    if verb == "enable":
        message = "" if service["enabled"] else (
            f"Created symlink /etc/systemd/system/multi-user.target.wants/{full} "
            f"\u2192 /usr/lib/systemd/system/{full}.\n")
        service["enabled"] = True
        return ok("", message)
    if verb == "disable":
        message = f"Removed \"/etc/systemd/system/multi-user.target.wants/{full}\".\n" if service["enabled"] else ""
        service["enabled"] = False
        return ok("", message)
    if verb in ("stop", "restart") and unit in state["refuse_manual_stop"]:
        return failed(1, _REFUSED.format(verb=verb, unit=full))
    if verb == "start":
        if not service["active"]:
            service["starts"] = int(service.get("starts", 0)) + 1
        _set_active(state, unit, True, root)
    elif verb == "stop":
        _set_active(state, unit, False)
    else:
        service["restarts"] = int(service.get("restarts", 0)) + 1
        _set_active(state, unit, True, root, restarted=True)
    return ok() if verb == "stop" else _start_result(state, unit)


_START_FAILED = ("Job for {unit}.service failed because the control process exited with error code.\n"
                 "See \"systemctl status {unit}.service\" and \"journalctl -xeu {unit}.service\" "
                 "for details.\n")


def _start_result(state: dict, unit: str, stdout: str = "", stderr: str = "") -> Outcome:
    """A daemon that exits at start (auditd refusing its auditd.conf) fails the command."""
    if not state["services"][unit].get("active"):
        return failed(1, _START_FAILED.format(unit=unit), stdout)
    return ok(stdout, stderr)


def service(state: dict, argv: Sequence[str], root) -> Outcome:
    """The initscripts `service` wrapper: auditd's legacy restart action stops the daemon with a
    signal sent in the caller's context, then starts it through systemctl."""
    if len(argv) != 3 or argv[2] != "restart":
        raise NotSimulated()
    unit = _unit_name(argv[1])
    entry = state["services"].get(unit)
    if entry is None:
        return failed(1, f"Redirecting to /bin/systemctl restart {unit}.service\n"
                         f"Failed to restart {unit}.service: Unit {unit}.service not found.\n")
    entry["restarts"] = int(entry.get("restarts", 0)) + 1
    _set_active(state, unit, True, root, restarted=True)
    if unit == "auditd":
        return _start_result(state, unit, "Stopping logging: [  OK  ]\n"
                             "Redirecting start to /bin/systemctl start auditd.service\n")
    return ok("", f"Redirecting to /bin/systemctl restart {unit}.service\n")


def auditctl(state: dict, argv: Sequence[str], root) -> Outcome:
    args = list(argv[1:])
    auditd = state["services"].get("auditd", {})
    if args == ["-s"]:
        pid = 600 + int(auditd.get("restarts", 0)) + int(auditd.get("starts", 0)) if auditd.get("active") else 0
        return ok(f"enabled 1\nfailure 1\npid {pid}\nrate_limit 0\nbacklog_limit 8192\nlost 0\n"
                  "backlog 0\nbacklog_wait_time 60000\nbacklog_wait_time_actual 0\n")
    if len(args) == 2 and args[0] == "-m":
        state["audit_messages"].append(args[1])
        return ok()
    if len(args) == 2 and args[0] == "--signal":
        return _signal(state, args[1], auditd)
    raise NotSimulated()


def _signal(state: dict, word: str, auditd: dict) -> Outcome:
    version = _version(state["packages"].get("audit", "0"))
    name = word.upper() if word.upper() in _SIGNALS else None
    if name is None and word.lower() in _SIGNAL_WORDS and version >= _SIGNAL_WORDS_SINCE:
        name = _SIGNAL_WORDS[word.lower()]
    if name is None:
        return failed(1, f"Unknown signal {word}\n")
    if not auditd.get("active"):
        return failed(1, "Unable to find the audit daemon's pid: is auditd running?\n")
    if name == "TERM":
        _set_active(state, "auditd", False)
    elif name == "HUP":
        auditd["reloads"] = int(auditd.get("reloads", 0)) + 1
    return ok()
