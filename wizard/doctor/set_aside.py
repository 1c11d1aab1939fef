"""SetAside: move a file out of the way (a plugins.d backup auditd would load, an EL7
leftover), keeping it under the wizard's state directory so a rollback can put it back.

A Change kind of the doctor's own: backends has no kind that removes a file. It registers
itself by importing this module (wizard.doctor does, and the session imports the doctor)."""
from __future__ import annotations

import dataclasses
import os
import shutil
from typing import ClassVar, Optional

from backends.atomic import fsync_dir
from backends.changes import Change, ChangeError

SET_ASIDE_DIR = "/var/lib/auditd-wizard/set-aside"


@dataclasses.dataclass
class SetAside(Change):
    kind: ClassVar[str] = "set-aside"
    path: str = ""
    group: str = ""

    @property
    def target(self) -> str:
        return SET_ASIDE_DIR + self.path

    def describe(self, host=None) -> str:
        return f"Move {self.path} out of the way (to {self.target})"

    def preview(self, host) -> str:
        return f"$ mv {self.path} {self.target}\n"

    def capture(self, host, backup_to=None) -> dict:
        return {"exists": host.stat(self.path) is not None or host.path(self.path).is_symlink()}

    def apply(self, host) -> None:
        source, target = host.path(self.path), host.path(self.target)
        if not (source.exists() or source.is_symlink()):
            return
        if target.exists():
            raise ChangeError(f"cannot move {self.path} aside: {self.target} already exists")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(str(host.path(SET_ASIDE_DIR)), 0o700)
        shutil.move(str(source), str(target))   # copies when /etc and /var differ in filesystem
        fsync_dir(source.parent)
        fsync_dir(target.parent)

    def undo(self, host, before: dict) -> None:
        source, target = host.path(self.path), host.path(self.target)
        if before.get("exists") and target.exists() and not source.exists():
            shutil.move(str(target), str(source))
            fsync_dir(source.parent)


def set_aside(path: str, group: str = "9") -> SetAside:
    return SetAside(path=path, group=group)


def target_of(path: str) -> Optional[str]:
    return SET_ASIDE_DIR + path if path.startswith("/") else None
