"""What every check gets: the host, its facts, which end this is, cached file reads, and a
command runner that keeps what it ran and saw as evidence."""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Tuple

from backends.runner import CommandError, CommandResult, display_argv
from wizard.conf import KeyValueFile

if TYPE_CHECKING:
    from backends.host import Host
    from wizard.facts import HostFacts

Connector = Callable[[str, int, float], Tuple[bool, str]]


def tcp_connect(host: str, port: int, timeout: float = 5.0) -> Tuple[bool, str]:
    """The wizard's own connection test (no telnet): (connected, what happened)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True, f"connected to {host}:{port}"
    except socket.timeout:
        return False, f"no answer from {host}:{port} within {timeout:g} s (filtered by a firewall?)"
    except OSError as error:
        return False, f"cannot connect to {host}:{port}: {error.strerror or error}"


def resolve(name: str) -> Tuple[bool, str]:
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        return False, f"{name} does not resolve: {getattr(error, 'strerror', None) or error}"
    addresses = sorted({str(info[4][0]) for info in infos})
    return True, f"{name} -> {', '.join(addresses)}"


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


@dataclass
class Ran:
    argv: Tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    def lines(self, limit: int = 12) -> List[str]:
        out = [f"$ {display_argv(self.argv)}  (exit {self.exit_code})"]
        text = (self.stdout + self.stderr).rstrip("\n").splitlines()
        out += ["  " + line for line in text[:limit]]
        if len(text) > limit:
            out.append(f"  ... {len(text) - limit} more lines")
        return out


@dataclass
class CheckContext:
    host: Host
    facts: HostFacts
    role: Optional[str] = None          # "sender" | "receiver" | None (not configured yet)
    method: str = "audisp-remote"
    connect: Optional[Connector] = None  # None: no network here (the sandbox)
    timeout: float = 5.0
    _files: Dict[str, Optional[str]] = field(default_factory=dict)

    @property
    def layout(self):
        return self.facts.layout

    @property
    def sandbox(self) -> bool:
        return bool(getattr(self.host, "is_sandbox", False))

    def read(self, path: str) -> Optional[str]:
        if path not in self._files:
            self._files[path] = self.host.read_text(path)
        return self._files[path]

    def kv(self, path: str) -> Optional[KeyValueFile]:
        text = self.read(path)
        return None if text is None else KeyValueFile.parse(text)

    def run(self, argv: Sequence[str], timeout: float = 30) -> Optional[Ran]:
        """Runs argv, any exit code accepted; None when the program is missing here."""
        try:
            result: CommandResult = self.host.runner.run(list(argv), ok_codes=tuple(range(256)),
                                                         timeout=timeout)
        except CommandError as error:
            if error.exit_code == 127:
                return None
            return Ran(tuple(argv), error.exit_code, error.stdout or "", error.stderr or "")
        return Ran(result.argv, result.exit_code, result.stdout, result.stderr)

    def has(self, program: str) -> bool:
        return self.host.runner.has_command(program)

    def plugin_files(self) -> List[str]:
        """Every entry of plugins.d by name (sorted)."""
        folder = self.host.path(self.layout.plugin_dir)
        try:
            return sorted(p.name for p in folder.iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return []

    def remote_value(self, key: str, default: Optional[str] = None) -> Optional[str]:
        conf = self.kv(self.layout.audisp_remote_conf)
        value = conf.get(key) if conf is not None else None
        return default if value is None else value

    def auditd_value(self, key: str, default: Optional[str] = None) -> Optional[str]:
        conf = self.kv(self.layout.auditd_conf)
        value = conf.get(key) if conf is not None else None
        return default if value is None else value

    def remote_port(self) -> int:
        value = self.remote_value("port", "60") or "60"
        return int(value) if value.isdigit() else 60

    def listen_port(self) -> Optional[int]:
        value = self.auditd_value("tcp_listen_port")
        return int(value) if value and value.isdigit() else None
