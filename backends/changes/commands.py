"""A plain command with an explicit undo, and the files it creates."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import ClassVar, Dict, List, Optional

from backends.changes.base import Change, command_lines, file_artifact, run
from backends.changes.files import capture_path, restore_path
from backends.filestate import file_state
from backends.runner import display_argv

# What a command is assumed to write per file it creates (keys, certificates, requests and
# keytabs are under 4 KiB), for the free-space check before the transaction starts.
CREATED_FILE_BYTES = 4096


@dataclasses.dataclass
class RunCommand(Change):
    """A plain command. Its undo_argv must be safe to run whether or not argv ran (a rollback
    undoes the change that was running when things failed). rerun_after_rollback: run argv
    again after a rollback has restored the files (a daemon restart picks the old config).

    creates: every file the command may create or modify. Each is backed up before it runs
    and put back exactly (or removed) by the undo, after undo_argv. new_files_only: the
    command must never overwrite one of them (keys, certificates, keytabs): an existing one
    refuses the whole transaction before anything changes."""
    kind: ClassVar[str] = "run-command"
    argv: List[str] = dataclasses.field(default_factory=list)
    undo_argv: Optional[List[str]] = None
    rerun_after_rollback: bool = False
    description: str = ""
    group: str = ""
    creates: List[str] = dataclasses.field(default_factory=list)
    new_files_only: bool = False

    def __post_init__(self) -> None:
        self.argv = [str(a) for a in self.argv]
        if self.undo_argv is not None:
            self.undo_argv = [str(a) for a in self.undo_argv]
        self.creates = [str(p) for p in self.creates]
        if not self.argv:
            raise ValueError("RunCommand needs a command")

    def describe(self, host=None) -> str:
        return self.description or f"Run {display_argv(self.argv)}"

    def preview(self, host) -> str:
        return command_lines([self.argv])

    def paths(self) -> List[str]:
        return list(self.creates)

    def space_needed(self, host) -> Dict[str, int]:
        return {p: CREATED_FILE_BYTES for p in self.creates}

    def preflight(self, host) -> List[str]:
        problems = super().preflight(host)
        if self.new_files_only and not problems:
            problems += [f"{path} already exists; it is never overwritten (move it away, or "
                         "point the settings at it instead of making a new one)"
                         for path in self.creates if file_state(host, path)["type"] != "missing"]
        return problems

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        base = backup_to or (host.state_dir() / "backups" / f"command-{id(self)}")
        files = {}
        for number, path in enumerate(self.creates):
            files[path] = capture_path(host, path, base.with_name(f"{base.name}.{number}"))
        return {"files": files,
                "observed": {file_artifact(p): files[p].pop("state") for p in self.creates}}

    def apply(self, host) -> None:
        run(host, self.argv)

    def undo(self, host, before: dict) -> None:
        if self.undo_argv:
            run(host, self.undo_argv)
        for path in reversed(self.creates):
            record = (before.get("files") or {}).get(path)
            if record is not None:
                restore_path(host, path, record)

    def rerun(self, host) -> None:
        run(host, self.argv)
