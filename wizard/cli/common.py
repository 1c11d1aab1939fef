"""What the command handlers share: the root they act on, the session, the plan, progress
lines. Handlers return an exit code or raise UserError (wizard.errors); wizard.cli.main prints it."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

from backends.lock import LockedError
from wizard.errors import EXIT_DECLINED, EXIT_REFUSED, EXIT_USAGE, UserError
from wizard.facts import UnsupportedHost
from wizard.first_look import FirstLook, first_look
from wizard.lazy_module import lazy_module
from wizard.plan.errors import PlanError

# The TUI opens the session in its worker while Welcome already answers keys (see
# wizard/lazy_module.py): these load there, not before the first screen.
answers_file = lazy_module("wizard.answers")
session_module = lazy_module("wizard.session")


def resolve_root(root: Optional[str]) -> str:
    """A sandbox given with --root, or this host when it is a supported EL host and we are root."""
    if root is not None:
        path = Path(root)
        if not (path / ".sandbox" / "state.json").is_file():
            raise UserError(f"--root {root}: not a sandbox root (no .sandbox/state.json); "
                            f"create one with `auditd-wizard demo-root {root}`", EXIT_REFUSED)
        return str(path.resolve())
    is_el = is_el_host()
    if not is_el or os.geteuid() != 0:
        why = "this machine is not an AlmaLinux/RHEL-family host" if not is_el else "you are not root"
        raise UserError(f"{why}; try it on a sandbox: `auditd-wizard --demo`, or "
                        "`auditd-wizard demo-root DIR` and then `--root DIR`", EXIT_REFUSED)
    return "/"


def is_el_host() -> bool:
    """This machine is of the AlmaLinux/RHEL family (by /etc/os-release)."""
    release = Path("/etc/os-release")
    text = release.read_text(errors="replace") if release.exists() else ""
    return any(word in text for word in ('ID_LIKE="rhel', "ID_LIKE=rhel", 'ID="rhel"', "ID=rhel",
                                         'ID_LIKE="centos rhel', 'ID_LIKE="fedora'))


def root_option(root: str) -> str:
    """The `--root DIR` to repeat in advice printed for a sandbox ('' on a real host)."""
    return f" --root {root}" if root != "/" else ""


def open_first_look(root: str, answers_path: Optional[str] = None) -> FirstLook:
    """What Welcome shows, read before the answers model loads."""
    try:
        return first_look(root, answers_path)
    except UnsupportedHost as error:
        raise UserError(str(error), EXIT_REFUSED) from error


def open_session(root: str, answers_path: Optional[str] = None, look: Optional[FirstLook] = None):
    """`look`: the host already read (the TUI's Welcome); read here otherwise."""
    look = look or open_first_look(root, answers_path)
    try:
        return session_module.Session.open(root, answers_path, look)
    except answers_file.AnswersError as error:
        raise answers_error(answers_path, error) from error
    except LockedError as error:
        raise UserError(str(error), EXIT_REFUSED) from error


def plan_or_fail(session):
    try:
        return session.plan()
    except PlanError as error:
        raise UserError(str(error), EXIT_USAGE) from error


def answers_error(path, error) -> UserError:
    """The answers file named once at the start of each line (some messages already start with it)."""
    return UserError([m if m.startswith(f"{path}:") else f"{path}: {m}" for m in error.messages],
                     EXIT_USAGE)


def confirm_or_stop(question: str, refused: str) -> None:
    """Ask on the terminal; anything but y/yes (or Ctrl+D) stops with EXIT_DECLINED and `refused`.
    Without a terminal there is no one to ask: --yes is needed."""
    if not sys.stdin.isatty():
        raise UserError(f"{refused}: confirm with --yes when not running on a terminal", EXIT_USAGE)
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
        print()
    if answer.strip().lower() not in ("y", "yes"):
        raise UserError(f"{refused}; nothing was changed", EXIT_DECLINED)


def write_output(path: str, text: str) -> None:
    """`-o FILE` (also /dev/stdout or a pipe); an error in words naming the file."""
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as error:
        raise UserError(f"{path}: cannot write: {error.strerror or error}", EXIT_USAGE) from error
