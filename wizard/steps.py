"""The nine steps of the wizard, in the order of the guide they mirror."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str


STEPS: List[Step] = [
    Step(1, "install", "Install & enable"),
    Step(2, "auditd", "auditd.conf"),
    Step(3, "plugin", "Remote plugin"),
    Step(4, "remote", "Remote host"),
    Step(5, "selinux-firewall", "SELinux & firewall"),
    Step(6, "receiver", "Receiver"),
    Step(7, "test", "Test"),
    Step(8, "security", "Security"),
    Step(9, "troubleshoot", "Troubleshoot"),
]

BY_KEY: Dict[str, Step] = {s.key: s for s in STEPS}
BY_NUMBER: Dict[int, Step] = {s.number: s for s in STEPS}


def step_from_name(name: str) -> Step:
    """Accept "3", "plugin" or "Remote plugin" (as typed on a command line)."""
    text = name.strip().lower()
    if text.isdigit() and int(text) in BY_NUMBER:
        return BY_NUMBER[int(text)]
    for step in STEPS:
        if text in (step.key, step.title.lower()):
            return step
    allowed = ", ".join(f"{s.number}/{s.key}" for s in STEPS)
    raise ValueError(f"unknown step {name!r}; allowed: {allowed}")
