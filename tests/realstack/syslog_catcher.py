"""A /dev/log stand-in: audisp-remote, auditd and audisp-syslog report only through syslog(3),
so without a listener their errors vanish. Every datagram is appended to a file."""
from __future__ import annotations

import os
import socket
import threading
from pathlib import Path


class SyslogCatcher:
    def __init__(self, socket_path: Path, out_path: Path) -> None:
        self.socket_path = socket_path
        self.out_path = out_path
        if socket_path.exists():
            socket_path.unlink()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(socket_path))
        os.chmod(str(socket_path), 0o666)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        with open(str(self.out_path), "ab", buffering=0) as out:
            while not self._stop.is_set():
                try:
                    data = self._sock.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    return
                out.write(data.rstrip(b"\n") + b"\n")

    def text(self) -> str:
        try:
            return self.out_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()
