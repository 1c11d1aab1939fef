"""Start daemons with clean file descriptors and stop them by PID, always with a bound."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence

STOP_TIMEOUT = 3.0


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    """Poll until predicate() is true or timeout seconds pass; returns the last answer."""
    end = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(interval)


def file_contains(path: Path, needle: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return needle in path.read_text(errors="replace")
        except FileNotFoundError:
            return False
    return check


def read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


class Daemon:
    """One child process; stdout+stderr go to a log file named after it."""

    def __init__(self, name: str, argv: Sequence[str], log_dir: Path,
                 stdin: Optional[int] = subprocess.DEVNULL) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_dir / ("%s.out" % name)
        self._log = open(str(self.log_path), "wb")
        # close_fds: no inherited descriptor (a pipe's write end, the catcher socket) may keep
        # a plugin's stdin or a port open after the test thinks it is gone.
        self.process = subprocess.Popen(self.argv, stdin=stdin, stdout=self._log,
                                        stderr=subprocess.STDOUT, close_fds=True)
        self.exit_code: Optional[int] = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, then SIGKILL when it has not exited after timeout seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self.exit_code = self.process.returncode
        self._log.close()
        return self.exit_code

    def output(self) -> str:
        return read(self.log_path)


class Daemons:
    """Every daemon a scenario started; stop_all() ends them newest first."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: List[Daemon] = []

    def start(self, name: str, argv: Sequence[str], **kwargs) -> Daemon:
        daemon = Daemon(name, argv, self.log_dir, **kwargs)
        self.started.append(daemon)
        return daemon

    def stop_all(self) -> None:
        for daemon in reversed(self.started):
            daemon.stop()

    def outputs(self) -> dict:
        return {"%s (%s)" % (d.name, " ".join(d.argv[-3:])): d.output() for d in self.started}
