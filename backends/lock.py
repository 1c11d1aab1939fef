"""One auditd-wizard at a time per host: an flock on <state_dir>/lock with the holder's pid inside.

flock is released by the kernel when the holder dies (even by kill -9), so a stale lock file
never blocks anyone; the pid is only there to name the holder in the message."""
from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path
from typing import Optional

from backends.errors import TransactionError


class LockedError(TransactionError):
    def __init__(self, lock_path: Path, pid: Optional[int]) -> None:
        self.lock_path = lock_path
        self.pid = pid
        who = f"pid {pid}" if pid else "pid unknown"
        # No advice to remove the lock file: the kernel drops an flock when its holder dies, so
        # a lock that refuses has a live holder, and removing the file lets two run at once.
        super().__init__(f"another auditd-wizard ({who}) is changing this host; wait until it "
                         "has finished")


def make_private_dir(directory: Path) -> None:
    """mkdir -p: `directory` itself gets mode 0700; missing ancestors (a sandbox without
    /var/lib) get the usual 0755."""
    directory = Path(directory)
    directory.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    try:
        os.mkdir(str(directory), 0o700)
    except FileExistsError:
        pass
    os.chmod(str(directory), 0o700)


def _read_pid(fd: int) -> Optional[int]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 64).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None


class HostLock:
    """Context manager: `with HostLock(state_dir): ...` or raises LockedError at once."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / "lock"
        self._fd: Optional[int] = None

    def acquire(self) -> None:
        try:
            make_private_dir(self.path.parent)
            fd = os.open(str(self.path), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            raise TransactionError(f"cannot take the lock {self.path}: {err.strerror or err}; "
                                   "nothing was changed") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            pid = _read_pid(fd)
            os.close(fd)
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockedError(self.path, pid) from None
            raise
        self._fd = fd
        try:   # only to name the holder in another's message: a full disk does not matter
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            os.fsync(fd)
        except OSError:
            pass

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> "HostLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_holder(state_dir: Path) -> Optional[int]:
    """The pid of a live holder (0 when held but the pid is unreadable), or None when free."""
    lock = HostLock(state_dir)
    if not lock.path.exists():
        return None
    try:
        lock.acquire()
    except LockedError as err:
        return err.pid or 0
    lock.release()
    return None
