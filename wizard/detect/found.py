"""One end of a forwarding setup as the files describe it: answer fields and what they cannot hold."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Tuple

Field = Tuple[str, Any, str]          # (dotted answer field, value, where it was read)


@dataclass
class Found:
    role: str
    path: str
    fields: List[Field] = field(default_factory=list)
    unrepresented: List[str] = field(default_factory=list)

    def put(self, dotted: str, value: Any, source: str) -> None:
        if value is not None:
            self.fields.append((dotted, value, source))


def as_int(value) -> Any:
    """"60" -> 60; anything else as it is (the model then names the field that refuses it)."""
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else value
