"""A plain command with an explicit undo."""
from __future__ import annotations

import dataclasses
from typing import ClassVar, List, Optional

from backends.changes.base import Change, command_lines, run
from backends.runner import display_argv


@dataclasses.dataclass
class RunCommand(Change):
    """A plain command. Its undo_argv must be safe to run whether or not argv ran (a rollback
    undoes the change that was running when things failed). rerun_after_rollback: run argv
    again after a rollback has restored the files (a daemon restart picks the old config)."""
    kind: ClassVar[str] = "run-command"
    argv: List[str] = dataclasses.field(default_factory=list)
    undo_argv: Optional[List[str]] = None
    rerun_after_rollback: bool = False
    description: str = ""
    group: str = ""

    def __post_init__(self) -> None:
        self.argv = [str(a) for a in self.argv]
        if self.undo_argv is not None:
            self.undo_argv = [str(a) for a in self.undo_argv]
        if not self.argv:
            raise ValueError("RunCommand needs a command")

    def describe(self, host=None) -> str:
        return self.description or f"Run {display_argv(self.argv)}"

    def preview(self, host) -> str:
        return command_lines([self.argv])

    def apply(self, host) -> None:
        run(host, self.argv)

    def undo(self, host, before: dict) -> None:
        if self.undo_argv:
            run(host, self.undo_argv)

    def rerun(self, host) -> None:
        run(host, self.argv)
