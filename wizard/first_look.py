"""What Welcome shows, read before the answers model (pydantic) and the planner load: the
host's facts, an interrupted transaction, and the forwarding setup the files hold. The Session
opens from it afterwards without reading any of it again."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from backends import recovery
from backends.errors import BackendError
from backends.host import Host
from backends.recovery import TxSummary
from wizard.detect.setups import Setup, find_setups
from wizard.facts import HostFacts, gather_facts

# What a first run starts from: the answers model's defaults (a test keeps them equal).
FIRST_RUN_ROLE, FIRST_RUN_METHOD = "sender", "audisp-remote"


@dataclass
class FirstLook:
    host: Host
    facts: HostFacts
    interrupted: Optional[TxSummary]
    setups: List[Setup]
    answers_path: Optional[str] = None

    @property
    def configured(self) -> bool:
        return bool(self.setups)

    @property
    def choices_known(self) -> bool:
        """The role and method are known now; an answers file's are known once it is read."""
        return self.answers_path is None

    @property
    def role(self) -> str:
        return self.setups[0][0].role if self.setups else FIRST_RUN_ROLE

    @property
    def method(self) -> str:
        return self.setups[0][1] if self.setups else FIRST_RUN_METHOD


def first_look(root: str, answers_path: Optional[str] = None) -> FirstLook:
    host = Host.for_root(Path(root))
    recovery.tidy(host)      # what a kill left half-done, before anything is read
    facts = gather_facts(host)
    return FirstLook(host, facts, _interrupted(host), find_setups(host, facts.layout),
                     answers_path)


def _interrupted(host) -> Optional[TxSummary]:
    """What Welcome reports; a state folder it cannot read (a link out of the root) is
    refused, naming the path, by whatever then writes there: apply, rollback."""
    try:
        return recovery.interrupted(host)
    except (BackendError, OSError):
        return None
