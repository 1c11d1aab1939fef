"""Files the doctor moves out of the way (a plugins.d backup auditd would load, an EL7
leftover) go under the wizard's state directory, so a rollback can put them back."""
from __future__ import annotations

from typing import Optional

from backends.changes import MoveFile

SET_ASIDE_DIR = "/var/lib/auditd-wizard/set-aside"


def target_of(path: str) -> Optional[str]:
    return SET_ASIDE_DIR + path if path.startswith("/") else None


def set_aside(path: str, group: str = "9") -> MoveFile:
    return MoveFile(path=path, target=SET_ASIDE_DIR + path, group=group)
