"""SELinux port labels with semanage."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import ClassVar, List, Optional

from backends.changes.base import CommandChange, run


@dataclasses.dataclass
class SELinuxPort(CommandChange):
    """Label a port (audisp-remote may only connect to audit_port_t, which is tcp/60 by policy)."""
    kind: ClassVar[str] = "selinux-port"
    port: int = 60
    type: str = "audit_port_t"
    proto: str = "tcp"
    group: str = ""

    def describe(self, host=None) -> str:
        return f"Label {self.proto}/{self.port} as {self.type} for SELinux"

    def types(self, host) -> List[str]:
        """Types that name exactly this port (ranges such as 1024-32767 do not count)."""
        found = []
        for line in run(host, ["semanage", "port", "-l"]).stdout.splitlines():
            fields = line.split(None, 2)
            if len(fields) < 3 or fields[1] != self.proto:
                continue
            ports = [p.strip() for p in fields[2].split(",")]
            if str(self.port) in ports and fields[0] not in found:
                found.append(fields[0])
        return found

    def _set_type(self, flag: str, type_name: str) -> List[str]:
        return ["semanage", "port", flag, "-t", type_name, "-p", self.proto, str(self.port)]

    def planned(self, host) -> List[List[str]]:
        now = self.types(host)
        if self.type in now:
            return []
        return [self._set_type("-m" if now else "-a", self.type)]

    def _fallback(self) -> List[List[str]]:
        return [self._set_type("-a", self.type)]

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        now = self.types(host)
        return {"type": now[0] if now else None, "types": now}

    def undo(self, host, before: dict) -> None:
        now = self.types(host)
        if before.get("type") is None:
            if now:
                run(host, ["semanage", "port", "-d", "-p", self.proto, str(self.port)])
        elif before["type"] not in now or (self.type in now and self.type not in before["types"]):
            run(host, self._set_type("-m", before["type"]))
