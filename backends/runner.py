"""The one interface every command goes through: argv lists in, CommandResult out."""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Optional, Protocol, Sequence, Tuple


@dataclass(frozen=True)
class CommandResult:
    argv: Tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str


def display_argv(argv: Sequence[str]) -> str:
    """A shell-quoted rendering for people to read; never executed."""
    return shlex.join([str(a) for a in argv])


_TELLING = ("error", "failed", "refused", "denied", "not ", "no such", "cannot", "unable")


def _last_line(text: str) -> str:
    """The line that says what went wrong: the first that names an error (systemd puts the
    reason first and "See system logs ..." last), else the last line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    telling = [line for line in lines if any(word in line.lower() for word in _TELLING)]
    return telling[0] if telling else (lines[-1] if lines else "")


ANY_EXIT = tuple(range(0, 256))     # ok_codes that accept every exit status


class CommandError(Exception):
    """A command that did not succeed. str() is one readable line:
    "`dnf install -y audispd-plugins` failed (exit 1): <last stderr line>"."""

    def __init__(self, argv: Sequence[str], exit_code: int, stderr: str = "",
                 stdout: str = "", reason: Optional[str] = None) -> None:
        self.argv: Tuple[str, ...] = tuple(str(a) for a in argv)
        self.exit_code = exit_code
        self.stderr = stderr or ""
        self.stdout = stdout or ""
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        what = self.reason or f"failed (exit {self.exit_code})"
        detail = _last_line(self.stderr) or _last_line(self.stdout)
        line = f"`{display_argv(self.argv)}` {what}"
        return f"{line}: {detail}" if detail else line

    def __reduce__(self):  # keeps the exception picklable (thread/process workers)
        return (CommandError, (self.argv, self.exit_code, self.stderr, self.stdout, self.reason))


class Runner(Protocol):
    def run(self, argv: Sequence[str], *, ok_codes: Sequence[int] = (0,),
            timeout: float = 600, input: Optional[str] = None) -> CommandResult:
        """Raises CommandError when exit_code is not in ok_codes, on timeout (exit_code -1),
        or when the program does not exist (exit_code 127)."""
        ...

    def has_command(self, program: str) -> bool:
        ...
