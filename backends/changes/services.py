"""Service kinds: a unit's enabled/active state, and a daemon restart as one change."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional

from backends.changes.base import ANY_EXIT, Change, ChangeError, CommandChange, command_lines, run
from backends.runner import display_argv


def _is_auditd(unit: str) -> bool:
    return unit[:-len(".service")] == "auditd" if unit.endswith(".service") else unit == "auditd"


@dataclasses.dataclass
class ServiceState(CommandChange):
    """Enable/disable and start a unit. auditd is never stopped or restarted with systemctl:
    its unit has RefuseManualStop=yes (use RunCommand(["service", "auditd", "restart"]))."""
    kind: ClassVar[str] = "service-state"
    name: str = ""
    enabled: Optional[bool] = None
    active: Optional[bool] = None
    group: str = ""

    def __post_init__(self) -> None:
        if _is_auditd(self.name) and self.active is False:
            raise ValueError("auditd cannot be stopped with systemctl (its unit refuses manual stop)")

    def describe(self, host=None) -> str:
        verbs = []
        if self.enabled is not None:
            verbs.append("enable" if self.enabled else "disable")
        if self.active is not None:
            verbs.append("start" if self.active else "stop")
        return f"{' and '.join(verbs).capitalize() or 'Check'} {self.name}"

    def is_enabled(self, host) -> bool:
        return run(host, ["systemctl", "is-enabled", self.name], ok_codes=ANY_EXIT).exit_code == 0

    def is_active(self, host) -> bool:
        return run(host, ["systemctl", "is-active", self.name], ok_codes=ANY_EXIT).exit_code == 0

    def planned(self, host) -> List[List[str]]:
        commands = []
        if self.enabled is not None and self.is_enabled(host) != self.enabled:
            commands.append(["systemctl", "enable" if self.enabled else "disable", self.name])
        if self.active is not None and self.is_active(host) != self.active:
            commands.append(["systemctl", "start" if self.active else "stop", self.name])
        return commands

    def _fallback(self) -> List[List[str]]:
        commands = []
        if self.enabled is not None:
            commands.append(["systemctl", "enable" if self.enabled else "disable", self.name])
        if self.active is not None:
            commands.append(["systemctl", "start" if self.active else "stop", self.name])
        return commands

    def artifacts(self) -> List[str]:
        return [f"service:{self.name}"]

    def _state(self, enabled: bool, active: bool) -> Dict[str, Any]:
        """Only what this change sets: an admin restarting a unit is not drift."""
        state = {}
        if self.enabled is not None:
            state["enabled"] = enabled
        if self.active is not None:
            state["active"] = active
        return {f"service:{self.name}": state}

    def observe(self, host) -> Dict[str, Any]:
        return self._state(self.is_enabled(host) if self.enabled is not None else False,
                           self.is_active(host) if self.active is not None else False)

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        enabled, active = self.is_enabled(host), self.is_active(host)
        return {"enabled": enabled, "active": active, "observed": self._state(enabled, active)}

    def undo(self, host, before: dict) -> None:
        if self.enabled is not None and self.is_enabled(host) != before["enabled"]:
            run(host, ["systemctl", "enable" if before["enabled"] else "disable", self.name])
        if self.active is not None and self.is_active(host) != before["active"]:
            if before["active"]:
                run(host, ["systemctl", "start", self.name])
            elif not _is_auditd(self.name):
                run(host, ["systemctl", "stop", self.name])
            # a started auditd stays running: systemctl refuses to stop it, and a running
            # audit daemon is the safe state to leave a host in


@dataclasses.dataclass
class Restart(Change):
    """Restart a daemon as one change: `stop` (absent when `start` restarts by itself, like
    `service auditd restart`) then `start`. A stop by signal returns at once while the daemon
    is still shutting down, and `systemctl start` on a unit that is still active does nothing,
    so after `stop` it waits (as the legacy `service` stop script does, up to 20 s) until
    `unit` is no longer active. After a rollback has restored the files it runs again so the
    daemon reads them; then a failing stop is expected (it may already be down)."""
    kind: ClassVar[str] = "restart"
    start: List[str] = dataclasses.field(default_factory=list)
    stop: Optional[List[str]] = None
    unit: Optional[str] = None
    wait_seconds: float = 20.0
    description: str = ""
    group: str = ""
    rerun_after_rollback: ClassVar[bool] = True

    def __post_init__(self) -> None:
        self.start = [str(a) for a in self.start]
        if self.stop is not None:
            self.stop = [str(a) for a in self.stop]
        if not self.start:
            raise ValueError("Restart needs a start command")

    def commands(self) -> List[List[str]]:
        return ([self.stop] if self.stop else []) + [self.start]

    def describe(self, host=None) -> str:
        return self.description or f"Run {' then '.join(display_argv(c) for c in self.commands())}"

    def preview(self, host) -> str:
        if not self.stop:
            return command_lines(self.commands())
        lines = [command_lines([self.stop])]
        if self.unit:
            lines.append(f"# then wait until `systemctl is-active {self.unit}` is no longer active")
        return "\n".join(lines + [command_lines([self.start])])

    def _wait_until_stopped(self, host) -> None:
        if not self.unit:
            return
        deadline = time.monotonic() + self.wait_seconds
        while time.monotonic() < deadline:
            state = run(host, ["systemctl", "is-active", self.unit], ok_codes=ANY_EXIT).stdout.strip()
            if state not in ("active", "deactivating", "reloading"):
                return
            time.sleep(0.2)
        raise ChangeError(f"{self.unit} did not stop within {self.wait_seconds:g} s")

    def apply(self, host) -> None:
        if self.stop:
            run(host, self.stop)
            self._wait_until_stopped(host)
        run(host, self.start)

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return {"observed": {}}   # a restart leaves nothing behind to compare later

    def undo(self, host, before: dict) -> None:
        """Nothing to take back: the rerun after the rollback restarts on the restored files."""

    def rerun(self, host) -> None:
        if self.stop:
            run(host, self.stop, ok_codes=ANY_EXIT)
            self._wait_until_stopped(host)
        run(host, self.start)
