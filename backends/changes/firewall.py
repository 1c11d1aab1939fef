"""firewalld ports and rich rules, in the runtime and the permanent configuration."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import ClassVar, List, Optional

from backends.changes.base import CommandChange, run


@dataclasses.dataclass
class FirewallPort(CommandChange):
    """Accept inbound connections to a port, from anywhere or only from the listed sources
    (one rich rule per source). Runtime and permanent configuration both change."""
    kind: ClassVar[str] = "firewall-port"
    port: int = 60
    proto: str = "tcp"
    zone: Optional[str] = None
    sources: List[str] = dataclasses.field(default_factory=list)
    group: str = ""

    def __post_init__(self) -> None:
        self.sources = [str(s) for s in self.sources]

    def describe(self, host=None) -> str:
        where = f" in zone {self.zone}" if self.zone else ""
        who = f" for {', '.join(self.sources)}" if self.sources else ""
        return f"Open {self.proto}/{self.port} in the firewall{where}{who}"

    def rules(self) -> List[tuple]:
        """(option, value) pairs: ("port", "60/tcp") or ("rich-rule", 'rule family=...')."""
        if not self.sources:
            return [("port", f"{self.port}/{self.proto}")]
        return [("rich-rule",
                 f'rule family="{"ipv6" if ":" in source else "ipv4"}" source address="{source}" '
                 f'port port="{self.port}" protocol="{self.proto}" accept')
                for source in self.sources]

    def _argv(self, permanent: bool, action: str, option: str, value: str) -> List[str]:
        argv = ["firewall-cmd"]
        if permanent:
            argv.append("--permanent")
        if self.zone:
            argv.append(f"--zone={self.zone}")
        argv.append(f"--{action}-{option}={value}")
        return argv

    def _present(self, host, permanent: bool, option: str, value: str) -> bool:
        result = run(host, self._argv(permanent, "query", option, value), ok_codes=(0, 1))
        return result.exit_code == 0

    def planned(self, host) -> List[List[str]]:
        return [self._argv(permanent, "add", option, value)
                for option, value in self.rules() for permanent in (True, False)
                if not self._present(host, permanent, option, value)]

    def _fallback(self) -> List[List[str]]:
        return [self._argv(permanent, "add", option, value)
                for option, value in self.rules() for permanent in (True, False)]

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return {"present": [[option, value, permanent, self._present(host, permanent, option, value)]
                            for option, value in self.rules() for permanent in (True, False)]}

    def undo(self, host, before: dict) -> None:
        for option, value, permanent, was_present in reversed(before.get("present") or []):
            if not was_present and self._present(host, permanent, option, value):
                run(host, self._argv(permanent, "remove", option, value))
