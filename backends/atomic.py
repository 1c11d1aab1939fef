"""Crash-safe file replacement: a reader sees the old file or the new one, never half of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional


def fsync_dir(directory: Path) -> None:
    """Makes a rename or unlink in `directory` survive a power loss."""
    fd = os.open(str(directory), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600,
                 uid: Optional[int] = None, gid: Optional[int] = None) -> None:
    """Write `data` to `path` through a temp file in the same directory (so the rename is atomic),
    fsync it, set owner then mode (chown clears set-id bits), rename over `path`, fsync the dir.

    The temp name starts with a dot and has several dots, so a leftover after a crash is never
    loaded from auditd's plugins.d (which loads names with at most one dot)."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            current = os.fstat(handle.fileno())
            want_uid = current.st_uid if uid is None else uid
            want_gid = current.st_gid if gid is None else gid
            if (want_uid, want_gid) != (current.st_uid, current.st_gid):
                os.fchown(handle.fileno(), want_uid, want_gid)
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp_name, str(path))
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)
