"""SELinux port labels with semanage."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional

from backends.changes.base import CommandChange, run


def _types_naming(listing: str, proto: str, port: int) -> List[str]:
    """Types of `semanage port -l` lines that name exactly this port (ranges do not count)."""
    found = []
    for line in listing.splitlines():
        fields = line.split(None, 2)
        if len(fields) < 3 or fields[1] != proto:
            continue
        if str(port) in [p.strip() for p in fields[2].split(",")] and fields[0] not in found:
            found.append(fields[0])
    return found


@dataclasses.dataclass
class SELinuxPort(CommandChange):
    """Give a port a local label (audisp-remote may only connect to audit_port_t, which is
    tcp/60 by policy), or with type None delete the local label so the policy's applies again.
    Undo works on the local label: a local entry that did not exist before is deleted (`-d`),
    an old local type is put back (`-m`); the policy's own labels are never touched."""
    kind: ClassVar[str] = "selinux-port"
    port: int = 60
    type: Optional[str] = "audit_port_t"
    proto: str = "tcp"
    group: str = ""

    def describe(self, host=None) -> str:
        if self.type is None:
            return f"Delete the local SELinux label of {self.proto}/{self.port} (the policy's applies again)"
        return f"Label {self.proto}/{self.port} as {self.type} for SELinux"

    def types(self, host) -> List[str]:
        """Types that name exactly this port, local first (as `semanage port -l` lists them)."""
        return _types_naming(run(host, ["semanage", "port", "-l"]).stdout, self.proto, self.port)

    def local_type(self, host) -> Optional[str]:
        found = _types_naming(run(host, ["semanage", "port", "-l", "-C"]).stdout, self.proto, self.port)
        return found[0] if found else None

    def _set_type(self, flag: str, type_name: str) -> List[str]:
        return ["semanage", "port", flag, "-t", type_name, "-p", self.proto, str(self.port)]

    def _delete(self) -> List[str]:
        return ["semanage", "port", "-d", "-p", self.proto, str(self.port)]

    def _make_local(self, host, wanted: Optional[str]) -> List[List[str]]:
        local = self.local_type(host)
        if wanted == local:
            return []
        if wanted is None:
            return [self._delete()]
        if local is None and self.types(host) == [wanted]:
            return []   # the policy already gives it this type: nothing to add
        return [self._set_type("-m" if self.types(host) else "-a", wanted)]

    def planned(self, host) -> List[List[str]]:
        if self.type is not None and self.type in self.types(host)[:1]:
            return []
        return self._make_local(host, self.type)

    def _fallback(self) -> List[List[str]]:
        return [self._delete() if self.type is None else self._set_type("-a", self.type)]

    def artifacts(self) -> List[str]:
        return [f"selinux-port:{self.proto}/{self.port}"]

    def _state(self, local: Optional[str]) -> Dict[str, Any]:
        """The local label is what the wizard sets (the policy's own is read-only)."""
        return {self.artifacts()[0]: {"local": local}}

    def observe(self, host) -> Dict[str, Any]:
        return self._state(self.local_type(host))

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        now, local = self.types(host), self.local_type(host)
        return {"type": now[0] if now else None, "types": now, "local": local,
                "observed": self._state(local)}

    def undo(self, host, before: dict) -> None:
        for argv in self._make_local(host, before.get("local")):
            run(host, argv)
