"""firewalld ports and rich rules, in the runtime and the permanent configuration."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional

from backends.changes.base import CommandChange, run
from backends.rich_rule import canonical_rich_rule, rule_source_port


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

    def _artifact(self, permanent: bool, option: str, value: str) -> str:
        return (f"firewall:{self.zone or 'default-zone'}:{'permanent' if permanent else 'runtime'}"
                f":{option}:{value}")

    def artifacts(self) -> List[str]:
        return [self._artifact(permanent, option, value)
                for option, value in self.rules() for permanent in (True, False)]

    def _states(self, present: List[list]) -> Dict[str, Any]:
        return {self._artifact(permanent, option, value): {"present": found}
                for option, value, permanent, found in present}

    def _presence(self, host) -> List[list]:
        return [[option, value, permanent, self._present(host, permanent, option, value)]
                for option, value in self.rules() for permanent in (True, False)]

    def observe(self, host) -> Dict[str, Any]:
        return self._states(self._presence(host))

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        present = self._presence(host)
        return {"present": present, "observed": self._states(present)}

    def undo(self, host, before: dict) -> None:
        for option, value, permanent, was_present in reversed(before.get("present") or []):
            if not was_present and self._present(host, permanent, option, value):
                run(host, self._argv(permanent, "remove", option, value))


def _describe_item(option: str, value: str) -> str:
    if option == "port":
        return value
    found = rule_source_port(value)
    return "%s/tcp from %s" % (found[1], found[0]) if found else "rich rule '%s'" % value


@dataclasses.dataclass
class FirewallRules(CommandChange):
    """Make ports and rich rules of one zone present or absent, each in the runtime or the
    permanent configuration (the two are read and changed apart: a port missing from the
    runtime firewall is as closed as one never opened). Entries are dicts {permanent, option
    ("port" | "rich-rule"), value ("60/tcp" | the rule in canonical form), present}; undo puts
    each entry back to what it was."""
    kind: ClassVar[str] = "firewall-rules"
    zone: str = ""
    entries: List[dict] = dataclasses.field(default_factory=list)
    group: str = ""

    def __post_init__(self) -> None:
        self.entries = [{"permanent": bool(e["permanent"]), "option": str(e["option"]),
                         "value": canonical_rich_rule(e["value"]) if e["option"] == "rich-rule" else str(e["value"]),
                         "present": bool(e["present"])} for e in self.entries]

    def describe(self, host=None) -> str:
        parts: List[str] = []
        for present in (True, False):
            items: List[str] = []
            for entry in self.entries:
                if entry["present"] != present:
                    continue
                configs = sorted({"permanent" if e["permanent"] else "runtime" for e in self.entries
                                  if (e["option"], e["value"], e["present"]) ==
                                  (entry["option"], entry["value"], present)})
                text = "%s (%s)" % (_describe_item(entry["option"], entry["value"]), " and ".join(configs))
                if text not in items:
                    items.append(text)
            if items:
                parts.append(("open " if present else "close ") + ", ".join(items))
        return "Firewall zone %s: %s" % (self.zone, "; ".join(parts))

    def _argv(self, entry: dict, action: str) -> List[str]:
        return (["firewall-cmd"] + (["--permanent"] if entry["permanent"] else [])
                + [f"--zone={self.zone}", f"--{action}-{entry['option']}={entry['value']}"])

    def _present(self, host, entry: dict) -> bool:
        return run(host, self._argv(entry, "query"), ok_codes=(0, 1)).exit_code == 0

    def _make(self, entry: dict, present: bool) -> List[str]:
        return self._argv(entry, "add" if present else "remove")

    def planned(self, host) -> List[List[str]]:
        return [self._make(e, e["present"]) for e in self.entries if self._present(host, e) != e["present"]]

    def _fallback(self) -> List[List[str]]:
        return [self._make(e, e["present"]) for e in self.entries]

    def _artifact(self, entry: dict) -> str:
        return (f"firewall:{self.zone or 'default-zone'}:"
                f"{'permanent' if entry['permanent'] else 'runtime'}:{entry['option']}:{entry['value']}")

    def artifacts(self) -> List[str]:
        return [self._artifact(e) for e in self.entries]

    def _states(self, present: List[bool]) -> Dict[str, Any]:
        return {self._artifact(e): {"present": found} for e, found in zip(self.entries, present)}

    def observe(self, host) -> Dict[str, Any]:
        return self._states([self._present(host, e) for e in self.entries])

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        present = [self._present(host, e) for e in self.entries]
        return {"present": present, "observed": self._states(present)}

    def undo(self, host, before: dict) -> None:
        for entry, was in reversed(list(zip(self.entries, before.get("present") or []))):
            if self._present(host, entry) != was:
                run(host, self._make(entry, was))
