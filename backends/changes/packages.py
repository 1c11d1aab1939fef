"""Install packages with dnf; the undo removes only what this change added."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional

from backends.changes.base import ANY_EXIT, CommandChange, run


@dataclasses.dataclass
class InstallPackages(CommandChange):
    kind: ClassVar[str] = "install-packages"
    names: List[str] = dataclasses.field(default_factory=list)
    group: str = ""

    def __post_init__(self) -> None:
        self.names = [str(n) for n in self.names]

    def describe(self, host=None) -> str:
        return f"Install {', '.join(self.names)}"

    def missing(self, host) -> List[str]:
        if not self.names:
            return []
        # rpm exits with the number of packages not installed; its message names each one.
        result = run(host, ["rpm", "-q", *self.names], ok_codes=ANY_EXIT)
        text = result.stdout + "\n" + result.stderr
        absent = {line.split()[1] for line in text.splitlines()
                  if line.startswith("package ") and line.rstrip().endswith("is not installed")}
        return [n for n in self.names if n in absent]

    def planned(self, host) -> List[List[str]]:
        missing = self.missing(host)
        return [["dnf", "install", "-y", *missing]] if missing else []

    def _fallback(self) -> List[List[str]]:
        return [["dnf", "install", "-y", *self.names]]

    def artifacts(self) -> List[str]:
        return [f"package:{n}" for n in self.names]

    def _states(self, missing: List[str]) -> Dict[str, Any]:
        return {f"package:{n}": {"installed": n not in missing} for n in self.names}

    def observe(self, host) -> Dict[str, Any]:
        return self._states(self.missing(host))

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        missing = self.missing(host)
        return {"missing": missing, "observed": self._states(missing)}

    def undo(self, host, before: dict) -> None:
        was_missing = before.get("missing") or []
        if not was_missing:
            return
        still_missing = set(self.missing(host))
        added = [n for n in was_missing if n not in still_missing]
        if added:
            run(host, ["dnf", "remove", "-y", *added])
