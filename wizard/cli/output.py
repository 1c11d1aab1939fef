"""What the commands print: transaction progress, one line per change with its result; and a
reader that goes away (`auditd-wizard answers --schema | head`) ends the output quietly."""
from __future__ import annotations

import os
import sys
from typing import Optional


class PipeGuard:
    """Wraps sys.stdout / sys.stderr. Text the terminal's encoding cannot show is written with
    backslash escapes instead of failing. When the reader has closed the pipe, later writes are
    dropped (the file descriptor is pointed at /dev/null, so the interpreter's last flush is
    quiet too) and the command goes on: an apply is never abandoned because `head` left."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:   # a path with undecodable bytes, a C locale: show escapes
                return self.write(text.encode("utf-8", "surrogateescape")
                                  .decode("ascii", "backslashreplace"))
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self.reader_gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass  # a stream without a descriptor (tests): dropping the writes is enough

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class ChangeProgress:
    """A transaction's events as one line per change on standard error:
    `[2/6] Write /etc/audit/auditd.conf ... done` (or `... failed: WHY`); undo steps as
    `[2/6] Undo: ...`. On a terminal the line appears when the change starts."""

    def __init__(self) -> None:
        self._open: Optional[str] = None   # the line of the change that is running

    def __call__(self, event) -> None:
        kind, text = event.kind, event.text
        number = f"[{event.index + 1}/{event.total}]" if event.index is not None else ""
        if kind == "change-start":
            self._open = f"{number} {text} ..."
            if _tty():
                _write(self._open)
        elif kind in ("change-done", "change-failed"):
            result = "done" if kind == "change-done" else f"failed: {text}"
            if self._open is not None and _tty():
                _write(f" {result}\n")
            else:
                _write(f"{self._open or number} {result}\n")
            self._open = None
        elif kind == "done":
            pass  # the command prints the outcome itself
        elif event.index is None:
            _write(f"{text}\n")
        else:
            _write(f"{number} {text}\n")


def _tty() -> bool:
    return sys.stderr.isatty()


def _write(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
