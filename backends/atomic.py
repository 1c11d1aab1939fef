"""Crash-safe file replacement: a reader sees the old file or the new one, never half of one."""
from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path
from typing import List, Optional

# Temp files are ".NAME.wizard-XXXXXXXX.tmp" (older versions: ".NAME.XXXXXXXX.tmp"): hidden and
# with several dots, so auditd's plugins.d (names with at most one dot) never loads one, and
# recognisable, so a rollback or the next start can remove what a kill left behind.
TEMP_MARK = "wizard-"
_FULL = (errno.ENOSPC, errno.EDQUOT)


def fsync_dir(directory: Path) -> None:
    """Makes a rename or unlink in `directory` survive a power loss."""
    fd = os.open(str(directory), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _finish(fd: int, mode: int, uid: Optional[int], gid: Optional[int]) -> None:
    current = os.fstat(fd)
    want_uid = current.st_uid if uid is None else uid
    want_gid = current.st_gid if gid is None else gid
    if (want_uid, want_gid) != (current.st_uid, current.st_gid):
        os.fchown(fd, want_uid, want_gid)
    os.fchmod(fd, mode)  # after chown, which clears set-id bits
    os.fsync(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write(path: Path, data: bytes, mode: int = 0o600,
                 uid: Optional[int] = None, gid: Optional[int] = None) -> None:
    """Write `data` to `path` through a temp file in the same directory (so the rename is atomic),
    fsync it, set owner then mode, rename over `path` (a link there is replaced, never
    followed), fsync the dir."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{TEMP_MARK}", suffix=".tmp",
                                    dir=str(path.parent))
    try:
        try:
            _write_all(fd, data)
            _finish(fd, mode, uid, gid)
        finally:
            os.close(fd)
        os.replace(tmp_name, str(path))
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def restore_write(path: Path, data: bytes, mode: int, uid: int, gid: int) -> None:
    """Put `data` back at `path` for a rollback. Atomically when there is room; on a full
    disk the file is rewritten in place instead (its own blocks are freed first), because a
    restored file matters more than an atomic one: a crash meanwhile leaves the journal
    saying the undo is still to do, and the next rollback writes it again."""
    try:
        atomic_write(path, data, mode, uid, gid)
        return
    except OSError as err:
        if err.errno not in _FULL:
            raise
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        os.ftruncate(fd, 0)
        _write_all(fd, data)
        _finish(fd, mode, uid, gid)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def temp_files(directory: Path, name: Optional[str] = None) -> List[Path]:
    """Temp files atomic_write may have left for `name` in `directory` (killed mid-write);
    name None: for any name (only in folders the wizard owns, like its journal)."""
    if name is None:
        pattern = re.compile(r"\..+\.%s[A-Za-z0-9_]{6,}\.tmp" % re.escape(TEMP_MARK))
    else:
        pattern = re.compile(r"\.%s\.(%s)?[A-Za-z0-9_]{6,}\.tmp" % (re.escape(name), re.escape(TEMP_MARK)))
    try:
        entries = os.listdir(str(directory))
    except OSError:
        return []
    return [Path(directory) / e for e in entries if pattern.fullmatch(e)]


def remove_temp_files(directory: Path, name: Optional[str] = None) -> List[Path]:
    removed = []
    for path in temp_files(directory, name):
        try:
            os.unlink(str(path))
            removed.append(path)
        except OSError:
            pass
    return removed
