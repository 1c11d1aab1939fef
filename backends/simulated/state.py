"""The pretend host's state file: loading, crash-safe saving, and a lock around each command."""
from __future__ import annotations

import fcntl
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from backends.atomic import atomic_write

STATE_RELPATH = Path(".sandbox") / "state.json"
LOCK_RELPATH = Path(".sandbox") / "state.lock"

# Keys every state has; older or hand-written state files get them filled in on load.
_LIST_KEYS = ("refuse_manual_stop", "missing_commands", "fail", "log", "audit_messages")
_DICT_KEYS = ("packages", "available", "package_files", "services")


def state_path(root: Path) -> Path:
    return Path(root) / STATE_RELPATH


def is_sandbox_root(root: Path) -> bool:
    return state_path(root).is_file()


def load_state(root: Path) -> dict:
    state = json.loads(state_path(root).read_text(encoding="utf-8"))
    for key in _LIST_KEYS:
        state.setdefault(key, [])
    for key in _DICT_KEYS:
        state.setdefault(key, {})
    return state


def save_state(root: Path, state: dict) -> None:
    """temp file + fsync + rename: a kill -9 leaves the old state or the new one, never half."""
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One line: json's C encoder (an indented dump is pure Python, ten times slower).
    data = json.dumps(state, sort_keys=True).encode("utf-8") + b"\n"
    atomic_write(path, data, mode=0o600)


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Serialises load-modify-save so two runners on one sandbox never lose an update."""
    lock_path = Path(root) / LOCK_RELPATH
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
