"""The Change protocol every kind follows, and what the command-running kinds share.

Every kind follows the same protocol, which the Transaction relies on:
  capture(host) -> the before-state (JSON), stored in the journal BEFORE apply;
  apply(host)   -> makes the change (raises CommandError / ChangeError / OSError);
  undo(host, before) -> idempotent: makes the host match `before` again, whether apply ran
                        fully, partly or not at all.
"""
from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Type

from backends.runner import CommandResult, display_argv

ANY_EXIT = tuple(range(0, 256))


class ChangeError(Exception):
    """A change that cannot be made, with a message a person can act on."""


_KINDS: Dict[str, Type["Change"]] = {}


class Change(ABC):
    kind: ClassVar[str]
    group: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if isinstance(kind, str):
            _KINDS[kind] = cls

    @abstractmethod
    def describe(self, host=None) -> str: ...

    @abstractmethod
    def preview(self, host) -> str: ...

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        """The before-state. `backup_to` is where a kind that needs a copy of a file puts it."""
        return {}

    @abstractmethod
    def apply(self, host) -> None: ...

    @abstractmethod
    def undo(self, host, before: dict) -> None: ...

    def to_dict(self) -> dict:
        data = {"kind": self.kind}
        data.update(dataclasses.asdict(self))  # type: ignore[call-overload]
        return data

    @staticmethod
    def from_dict(d: dict) -> "Change":
        try:
            cls = _KINDS[d["kind"]]
        except KeyError:
            raise ChangeError(f"unknown change kind {d.get('kind')!r}") from None
        return cls(**{k: v for k, v in d.items() if k != "kind"})


def run(host, argv: Sequence[str], ok_codes: Sequence[int] = (0,)) -> CommandResult:
    return host.runner.run([str(a) for a in argv], ok_codes=ok_codes)


def command_lines(commands: List[List[str]]) -> str:
    return "\n".join(f"$ {display_argv(argv)}" for argv in commands)


class CommandChange(Change):
    """A kind whose effect is a list of commands worked out from the host's current state."""

    def planned(self, host) -> List[List[str]]:
        raise NotImplementedError

    def _fallback(self) -> List[List[str]]:
        """What would run on a host where nothing is there yet (the state could not be read)."""
        raise NotImplementedError

    def preview(self, host) -> str:
        try:
            commands = self.planned(host)
        except Exception:  # preview must not fail because a query command is missing
            commands = self._fallback()
        return command_lines(commands) if commands else f"# nothing to do: {self.describe()} is already done"

    def apply(self, host) -> None:
        for argv in self.planned(host):
            run(host, argv)

