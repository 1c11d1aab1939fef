"""What one simulated command produced, and the error for forms the sandbox does not know."""
from __future__ import annotations

from typing import NamedTuple


class Outcome(NamedTuple):
    exit_code: int = 0
    stdout: str = ""
    stderr: str = ""


def ok(stdout: str = "", stderr: str = "") -> Outcome:
    return Outcome(0, stdout, stderr)


def failed(exit_code: int, stderr: str, stdout: str = "") -> Outcome:
    return Outcome(exit_code, stdout, stderr)


class NotSimulated(Exception):
    """The program exists on the pretend host but this argv form is not emulated."""
