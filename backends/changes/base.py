"""The Change protocol every kind follows, and what the command-running kinds share.

Every kind follows the same protocol, which the Transaction relies on:
  paths()       -> every file it may create, modify or remove (absolute paths under the root);
  artifacts()   -> stable ids of everything it may touch: "file:" + each path, and the kind's
                   own ("package:NAME", "service:NAME", "selinux-port:tcp/6060", "firewall:...");
  preflight(host) -> problems that must refuse the whole transaction before anything changes
                   (a path out of the root, a folder where a file goes, a key that exists);
  capture(host) -> the before-state (JSON), stored in the journal BEFORE apply; its
                   "observed" key holds observe() as it was (what a later transaction's drift
                   check compares with);
  apply(host)   -> makes the change (raises CommandError / ChangeError / OSError);
  observe(host) -> {artifact: state (JSON)} now; recorded as the entry's "after" once applied,
                   and compared with it later: a difference is drift (someone changed it since);
  undo(host, before) -> idempotent: makes the host match `before` again, whether apply ran
                        fully, partly or not at all.
"""
from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Type

from backends.errors import ChangeError, UnsafePath
from backends.filestate import differences, file_state
from backends.runner import ANY_EXIT, CommandResult, display_argv

__all__ = ["ANY_EXIT", "Change", "ChangeError", "CommandChange", "file_artifact", "run",
           "command_lines"]

FILE = "file:"

_KINDS: Dict[str, Type["Change"]] = {}


def file_artifact(path: str) -> str:
    return FILE + path


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

    # ---- what it touches -------------------------------------------------------------------
    def paths(self) -> List[str]:
        """Every file this change may create, modify or remove."""
        return []

    def artifacts(self) -> List[str]:
        return [file_artifact(p) for p in self.paths()]

    def space_needed(self, host) -> Dict[str, int]:
        """path -> about how many bytes apply writes there (for the free-space check)."""
        return {p: 0 for p in self.paths()}

    def preflight(self, host) -> List[str]:
        """Why this change must not start (checked for every change before the first one
        runs); by default every path must stay inside the root and not be a folder."""
        problems = []
        for path in self.paths():
            try:
                host.resolve(path)
            except UnsafePath as err:
                problems.append(str(err))
                continue
            kind = file_state(host, path)["type"]
            if kind in ("dir", "other"):
                what = "a folder" if kind == "dir" else "not a regular file"
                problems.append(f"{path} is {what}; a file is expected there")
        return problems

    # ---- state -------------------------------------------------------------------------------
    def observe(self, host) -> Dict[str, Any]:
        """{artifact: its state now}; a kind with artifacts other than files overrides it."""
        return {file_artifact(p): file_state(host, p) for p in self.paths()}

    def observed_in(self, before: Optional[dict]) -> Dict[str, Any]:
        """observe() as it was when `before` was captured."""
        return dict((before or {}).get("observed") or {})

    def drift_lines(self, artifact: str, was: Any, now: Any) -> List[str]:
        """In words, how `artifact` differs from the state this change left."""
        if artifact.startswith(FILE):
            return differences(was, now)
        if not isinstance(was, dict) or not isinstance(now, dict):
            return [f"was {was!r}, now {now!r}"]
        return [f"{key} {_word(was.get(key))} -> {_word(now.get(key))}"
                for key in sorted(set(was) | set(now)) if was.get(key) != now.get(key)]

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        """The before-state. `backup_to` is where a kind that needs a copy of a file puts it."""
        return {"observed": self.observe(host)}

    @abstractmethod
    def apply(self, host) -> None: ...

    @abstractmethod
    def undo(self, host, before: dict) -> None: ...

    def to_dict(self) -> dict:
        data = {"kind": self.kind}
        # every concrete kind is a dataclass; this abstract base is not, which mypy cannot know
        data.update(dataclasses.asdict(self))  # type: ignore[call-overload]
        return data

    @staticmethod
    def from_dict(d: dict) -> "Change":
        try:
            cls = _KINDS[d["kind"]]
        except KeyError:
            raise ChangeError(f"unknown change kind {d.get('kind')!r}") from None
        return cls(**{k: v for k, v in d.items() if k != "kind"})


def _word(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "-" if value is None else str(value)


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
