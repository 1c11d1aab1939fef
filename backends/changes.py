"""Change kinds: small serialisable objects that know how to preview, apply and undo themselves.

Every kind follows the same protocol, which the Transaction relies on:
  capture(host) -> the before-state (JSON), stored in the journal BEFORE apply;
  apply(host)   -> makes the change (raises CommandError / ChangeError / OSError);
  undo(host, before) -> idempotent: makes the host match `before` again, whether apply ran
                        fully, partly or not at all.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import shutil
import time
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Type

from backends.atomic import atomic_write, fsync_dir
from backends.runner import CommandResult, display_argv
from backends.sh_runner import ShRunner

DEFAULT_FILE_MODE = 0o640
NEW_DIR_MODE = 0o755
_ANY_EXIT = tuple(range(0, 256))


class ChangeError(Exception):
    """A change that cannot be made, with a message a person can act on."""


_KINDS: Dict[str, Type["Change"]] = {}


class Change(ABC):
    kind: ClassVar[str]
    group: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if isinstance(kind, str):
            _KINDS[kind] = cls

    @abstractmethod
    def describe(self, host=None) -> str: ...

    @abstractmethod
    def preview(self, host) -> str: ...

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        """The before-state. `backup_to` is where a kind that needs a copy of a file puts it."""
        return {}

    @abstractmethod
    def apply(self, host) -> None: ...

    @abstractmethod
    def undo(self, host, before: dict) -> None: ...

    def to_dict(self) -> dict:
        data = {"kind": self.kind}
        data.update(dataclasses.asdict(self))  # type: ignore[call-overload]
        return data

    @staticmethod
    def from_dict(d: dict) -> "Change":
        try:
            cls = _KINDS[d["kind"]]
        except KeyError:
            raise ChangeError(f"unknown change kind {d.get('kind')!r}") from None
        return cls(**{k: v for k, v in d.items() if k != "kind"})


def _run(host, argv: Sequence[str], ok_codes: Sequence[int] = (0,)) -> CommandResult:
    return host.runner.run([str(a) for a in argv], ok_codes=ok_codes)


def _command_lines(commands: List[List[str]]) -> str:
    return "\n".join(f"$ {display_argv(argv)}" for argv in commands)


def _restore_selinux_context(host, abs_path: str) -> None:
    # Only a real host has contexts; the sandbox's files are plain files in a folder.
    if isinstance(host.runner, ShRunner) and host.runner.has_command("restorecon"):
        _run(host, ["restorecon", str(host.path(abs_path))])


# ---------------------------------------------------------------- files

@dataclasses.dataclass
class WriteFile(Change):
    """Replace a file's content atomically. mode/uid/gid None = keep the existing file's, or
    0o640 root:root for a new file."""
    kind: ClassVar[str] = "write-file"
    path: str
    content: str
    mode: Optional[int] = None
    uid: Optional[int] = None
    gid: Optional[int] = None
    group: str = ""

    def _target_attrs(self, host):
        existing = host.stat(self.path)
        mode = self.mode if self.mode is not None else (existing.mode if existing else DEFAULT_FILE_MODE)
        uid = self.uid if self.uid is not None else (existing.uid if existing else 0)
        gid = self.gid if self.gid is not None else (existing.gid if existing else 0)
        return existing, mode, uid, gid

    def _missing_dirs(self, host) -> List[str]:
        """Parent directories that do not exist yet, outermost first (as absolute paths)."""
        missing = []
        parent = os.path.dirname(self.path.rstrip("/"))
        while parent not in ("", "/") and not host.path(parent).exists():
            missing.append(parent)
            parent = os.path.dirname(parent)
        return list(reversed(missing))

    def _diff_lines(self, host) -> List[str]:
        old = host.read_text(self.path)
        from_name = self.path if old is not None else "/dev/null"
        return list(difflib.unified_diff(
            (old or "").splitlines(keepends=True), self.content.splitlines(keepends=True),
            fromfile=from_name, tofile=self.path))

    def describe(self, host=None) -> str:
        if host is None:
            return f"Write {self.path}"
        if host.stat(self.path) is None:
            return f"Create {self.path} ({len(self.content.splitlines())} lines)"
        changed = sum(1 for line in self._diff_lines(host)
                      if line[:1] in "+-" and not line.startswith(("+++", "---")))
        return f"Write {self.path} ({changed} lines change)" if changed else f"Write {self.path} (no content change)"

    def preview(self, host) -> str:
        existing, mode, uid, gid = self._target_attrs(host)
        lines = []
        for line in self._diff_lines(host):
            lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        text = "".join(lines)
        notes = []
        if existing is None:
            notes.append(f"new file: mode {mode:04o}, owner {uid}:{gid}")
        else:
            if existing.mode != mode:
                notes.append(f"mode {existing.mode:04o} -> {mode:04o}")
            if (existing.uid, existing.gid) != (uid, gid):
                notes.append(f"owner {existing.uid}:{existing.gid} -> {uid}:{gid}")
        return "".join(n + "\n" for n in notes) + text

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        existing = host.stat(self.path)
        before = {"exists": existing is not None, "backup": None, "sha256": None,
                  "mode": None, "uid": None, "gid": None,
                  "created_dirs": self._missing_dirs(host)}
        if existing is None:
            return before
        data = host.read_bytes(self.path) or b""
        target = backup_to or (host.state_dir() / "backups" / uuid.uuid4().hex)
        _make_private_dirs(target.parent)
        atomic_write(target, data, 0o600)
        try:
            name = str(target.relative_to(host.state_dir()))
        except ValueError:
            name = str(target)
        before.update(backup=name, sha256=hashlib.sha256(data).hexdigest(),
                      mode=existing.mode, uid=existing.uid, gid=existing.gid)
        return before

    def apply(self, host) -> None:
        _existing, mode, uid, gid = self._target_attrs(host)
        for directory in self._missing_dirs(host):
            real = host.path(directory)
            os.mkdir(str(real), NEW_DIR_MODE)
            os.chmod(str(real), NEW_DIR_MODE)  # umask may have taken bits away
            fsync_dir(real.parent)
        atomic_write(host.path(self.path), self.content.encode("utf-8"), mode, uid, gid)
        _restore_selinux_context(host, self.path)

    def undo(self, host, before: dict) -> None:
        target = host.path(self.path)
        if before.get("exists"):
            backup = Path(before["backup"])
            if not backup.is_absolute():
                backup = host.state_dir() / backup
            data = backup.read_bytes()
            now = host.stat(self.path)
            same = (now is not None and host.read_bytes(self.path) == data
                    and (now.mode, now.uid, now.gid) == (before["mode"], before["uid"], before["gid"]))
            if not same:
                atomic_write(target, data, before["mode"], before["uid"], before["gid"])
                _restore_selinux_context(host, self.path)
            return
        if target.exists() or target.is_symlink():
            target.unlink()
            fsync_dir(target.parent)
        for directory in reversed(before.get("created_dirs") or []):
            real = host.path(directory)
            try:
                real.rmdir()  # only when empty: never delete what someone else put there
            except FileNotFoundError:
                pass
            except OSError:
                break


def _make_private_dirs(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(str(directory), 0o700)


@dataclasses.dataclass
class FileAttributes(Change):
    """chmod/chown an existing file (e.g. a keytab must be root-owned, mode 0400)."""
    kind: ClassVar[str] = "file-attributes"
    path: str
    mode: Optional[int] = None
    uid: Optional[int] = None
    gid: Optional[int] = None
    group: str = ""

    def _wanted(self, host):
        now = host.stat(self.path)
        if now is None:
            return None, None
        return now, (self.mode if self.mode is not None else now.mode,
                     self.uid if self.uid is not None else now.uid,
                     self.gid if self.gid is not None else now.gid)

    def describe(self, host=None) -> str:
        parts = []
        if self.mode is not None:
            parts.append(f"mode {self.mode:04o}")
        if self.uid is not None or self.gid is not None:
            parts.append(f"owner {'-' if self.uid is None else self.uid}:{'-' if self.gid is None else self.gid}")
        return f"Set {' and '.join(parts) or 'attributes'} on {self.path}"

    def preview(self, host) -> str:
        now, wanted = self._wanted(host)
        if now is None:
            return f"{self.path}: does not exist"
        lines = []
        if now.mode != wanted[0]:
            lines.append(f"mode {now.mode:04o} -> {wanted[0]:04o}  {self.path}")
        if (now.uid, now.gid) != wanted[1:]:
            lines.append(f"owner {now.uid}:{now.gid} -> {wanted[1]}:{wanted[2]}  {self.path}")
        return "\n".join(lines) or f"{self.path}: already mode {now.mode:04o}, owner {now.uid}:{now.gid}"

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        now = host.stat(self.path)
        if now is None:
            return {"exists": False, "mode": None, "uid": None, "gid": None}
        return {"exists": True, "mode": now.mode, "uid": now.uid, "gid": now.gid}

    def _set(self, host, mode: int, uid: int, gid: int) -> None:
        real = str(host.path(self.path))
        os.chown(real, uid, gid)
        os.chmod(real, mode)  # after chown, which clears set-id bits

    def apply(self, host) -> None:
        now, wanted = self._wanted(host)
        if now is None:
            raise ChangeError(f"{self.path} does not exist, so its mode and owner cannot be set")
        if (now.mode, now.uid, now.gid) != wanted:
            self._set(host, *wanted)

    def undo(self, host, before: dict) -> None:
        now = host.stat(self.path)
        if not before.get("exists") or now is None:
            return
        if (now.mode, now.uid, now.gid) != (before["mode"], before["uid"], before["gid"]):
            self._set(host, before["mode"], before["uid"], before["gid"])


# ---------------------------------------------------------------- commands

class _CommandChange(Change):
    """A kind whose effect is a list of commands worked out from the host's current state."""

    def planned(self, host) -> List[List[str]]:
        raise NotImplementedError

    def _fallback(self) -> List[List[str]]:
        """What would run on a host where nothing is there yet (the state could not be read)."""
        raise NotImplementedError

    def preview(self, host) -> str:
        try:
            commands = self.planned(host)
        except Exception:  # preview must not fail because a query command is missing
            commands = self._fallback()
        return _command_lines(commands) if commands else f"# nothing to do: {self.describe()} is already done"

    def apply(self, host) -> None:
        for argv in self.planned(host):
            _run(host, argv)


@dataclasses.dataclass
class InstallPackages(_CommandChange):
    kind: ClassVar[str] = "install-packages"
    names: List[str] = dataclasses.field(default_factory=list)
    group: str = ""

    def __post_init__(self) -> None:
        self.names = [str(n) for n in self.names]

    def describe(self, host=None) -> str:
        return f"Install {', '.join(self.names)}"

    def missing(self, host) -> List[str]:
        if not self.names:
            return []
        # rpm exits with the number of packages not installed; its message names each one.
        result = _run(host, ["rpm", "-q", *self.names], ok_codes=_ANY_EXIT)
        text = result.stdout + "\n" + result.stderr
        absent = {line.split()[1] for line in text.splitlines()
                  if line.startswith("package ") and line.rstrip().endswith("is not installed")}
        return [n for n in self.names if n in absent]

    def planned(self, host) -> List[List[str]]:
        missing = self.missing(host)
        return [["dnf", "install", "-y", *missing]] if missing else []

    def _fallback(self) -> List[List[str]]:
        return [["dnf", "install", "-y", *self.names]]

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return {"missing": self.missing(host)}

    def undo(self, host, before: dict) -> None:
        was_missing = before.get("missing") or []
        if not was_missing:
            return
        still_missing = set(self.missing(host))
        added = [n for n in was_missing if n not in still_missing]
        if added:
            _run(host, ["dnf", "remove", "-y", *added])


def _is_auditd(unit: str) -> bool:
    return unit[:-len(".service")] == "auditd" if unit.endswith(".service") else unit == "auditd"


@dataclasses.dataclass
class ServiceState(_CommandChange):
    """Enable/disable and start a unit. auditd is never stopped or restarted with systemctl:
    its unit has RefuseManualStop=yes (use RunCommand(["service", "auditd", "restart"]))."""
    kind: ClassVar[str] = "service-state"
    name: str = ""
    enabled: Optional[bool] = None
    active: Optional[bool] = None
    group: str = ""

    def __post_init__(self) -> None:
        if _is_auditd(self.name) and self.active is False:
            raise ValueError("auditd cannot be stopped with systemctl (its unit refuses manual stop)")

    def describe(self, host=None) -> str:
        verbs = []
        if self.enabled is not None:
            verbs.append("enable" if self.enabled else "disable")
        if self.active is not None:
            verbs.append("start" if self.active else "stop")
        return f"{' and '.join(verbs).capitalize() or 'Check'} {self.name}"

    def is_enabled(self, host) -> bool:
        return _run(host, ["systemctl", "is-enabled", self.name], ok_codes=_ANY_EXIT).exit_code == 0

    def is_active(self, host) -> bool:
        return _run(host, ["systemctl", "is-active", self.name], ok_codes=_ANY_EXIT).exit_code == 0

    def planned(self, host) -> List[List[str]]:
        commands = []
        if self.enabled is not None and self.is_enabled(host) != self.enabled:
            commands.append(["systemctl", "enable" if self.enabled else "disable", self.name])
        if self.active is not None and self.is_active(host) != self.active:
            commands.append(["systemctl", "start" if self.active else "stop", self.name])
        return commands

    def _fallback(self) -> List[List[str]]:
        commands = []
        if self.enabled is not None:
            commands.append(["systemctl", "enable" if self.enabled else "disable", self.name])
        if self.active is not None:
            commands.append(["systemctl", "start" if self.active else "stop", self.name])
        return commands

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return {"enabled": self.is_enabled(host), "active": self.is_active(host)}

    def undo(self, host, before: dict) -> None:
        if self.enabled is not None and self.is_enabled(host) != before["enabled"]:
            _run(host, ["systemctl", "enable" if before["enabled"] else "disable", self.name])
        if self.active is not None and self.is_active(host) != before["active"]:
            if before["active"]:
                _run(host, ["systemctl", "start", self.name])
            elif not _is_auditd(self.name):
                _run(host, ["systemctl", "stop", self.name])
            # a started auditd stays running: systemctl refuses to stop it, and a running
            # audit daemon is the safe state to leave a host in


@dataclasses.dataclass
class SELinuxPort(_CommandChange):
    """Label a port (audisp-remote may only connect to audit_port_t, which is tcp/60 by policy)."""
    kind: ClassVar[str] = "selinux-port"
    port: int = 60
    type: str = "audit_port_t"
    proto: str = "tcp"
    group: str = ""

    def describe(self, host=None) -> str:
        return f"Label {self.proto}/{self.port} as {self.type} for SELinux"

    def types(self, host) -> List[str]:
        """Types that name exactly this port (ranges such as 1024-32767 do not count)."""
        found = []
        for line in _run(host, ["semanage", "port", "-l"]).stdout.splitlines():
            fields = line.split(None, 2)
            if len(fields) < 3 or fields[1] != self.proto:
                continue
            ports = [p.strip() for p in fields[2].split(",")]
            if str(self.port) in ports and fields[0] not in found:
                found.append(fields[0])
        return found

    def _set_type(self, flag: str, type_name: str) -> List[str]:
        return ["semanage", "port", flag, "-t", type_name, "-p", self.proto, str(self.port)]

    def planned(self, host) -> List[List[str]]:
        now = self.types(host)
        if self.type in now:
            return []
        return [self._set_type("-m" if now else "-a", self.type)]

    def _fallback(self) -> List[List[str]]:
        return [self._set_type("-a", self.type)]

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        now = self.types(host)
        return {"type": now[0] if now else None, "types": now}

    def undo(self, host, before: dict) -> None:
        now = self.types(host)
        if before.get("type") is None:
            if now:
                _run(host, ["semanage", "port", "-d", "-p", self.proto, str(self.port)])
        elif before["type"] not in now or (self.type in now and self.type not in before["types"]):
            _run(host, self._set_type("-m", before["type"]))


@dataclasses.dataclass
class FirewallPort(_CommandChange):
    """Accept inbound connections to a port, from anywhere or only from the listed sources
    (one rich rule per source). Runtime and permanent configuration both change."""
    kind: ClassVar[str] = "firewall-port"
    port: int = 60
    proto: str = "tcp"
    zone: Optional[str] = None
    sources: List[str] = dataclasses.field(default_factory=list)
    group: str = ""

    def __post_init__(self) -> None:
        self.sources = [str(s) for s in self.sources]

    def describe(self, host=None) -> str:
        where = f" in zone {self.zone}" if self.zone else ""
        who = f" for {', '.join(self.sources)}" if self.sources else ""
        return f"Open {self.proto}/{self.port} in the firewall{where}{who}"

    def rules(self) -> List[tuple]:
        """(option, value) pairs: ("port", "60/tcp") or ("rich-rule", 'rule family=...')."""
        if not self.sources:
            return [("port", f"{self.port}/{self.proto}")]
        return [("rich-rule",
                 f'rule family="{"ipv6" if ":" in source else "ipv4"}" source address="{source}" '
                 f'port port="{self.port}" protocol="{self.proto}" accept')
                for source in self.sources]

    def _argv(self, permanent: bool, action: str, option: str, value: str) -> List[str]:
        argv = ["firewall-cmd"]
        if permanent:
            argv.append("--permanent")
        if self.zone:
            argv.append(f"--zone={self.zone}")
        argv.append(f"--{action}-{option}={value}")
        return argv

    def _present(self, host, permanent: bool, option: str, value: str) -> bool:
        result = _run(host, self._argv(permanent, "query", option, value), ok_codes=(0, 1))
        return result.exit_code == 0

    def planned(self, host) -> List[List[str]]:
        return [self._argv(permanent, "add", option, value)
                for option, value in self.rules() for permanent in (True, False)
                if not self._present(host, permanent, option, value)]

    def _fallback(self) -> List[List[str]]:
        return [self._argv(permanent, "add", option, value)
                for option, value in self.rules() for permanent in (True, False)]

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return {"present": [[option, value, permanent, self._present(host, permanent, option, value)]
                            for option, value in self.rules() for permanent in (True, False)]}

    def undo(self, host, before: dict) -> None:
        for option, value, permanent, was_present in reversed(before.get("present") or []):
            if not was_present and self._present(host, permanent, option, value):
                _run(host, self._argv(permanent, "remove", option, value))


@dataclasses.dataclass
class RunCommand(Change):
    """A plain command. Its undo_argv must be safe to run whether or not argv ran (a rollback
    undoes the change that was running when things failed). rerun_after_rollback: run argv
    again after a rollback has restored the files (a daemon restart picks the old config)."""
    kind: ClassVar[str] = "run-command"
    argv: List[str] = dataclasses.field(default_factory=list)
    undo_argv: Optional[List[str]] = None
    rerun_after_rollback: bool = False
    description: str = ""
    group: str = ""

    def __post_init__(self) -> None:
        self.argv = [str(a) for a in self.argv]
        if self.undo_argv is not None:
            self.undo_argv = [str(a) for a in self.undo_argv]
        if not self.argv:
            raise ValueError("RunCommand needs a command")

    def describe(self, host=None) -> str:
        return self.description or f"Run {display_argv(self.argv)}"

    def preview(self, host) -> str:
        return _command_lines([self.argv])

    def apply(self, host) -> None:
        _run(host, self.argv)

    def undo(self, host, before: dict) -> None:
        if self.undo_argv:
            _run(host, self.undo_argv)

    def rerun(self, host) -> None:
        _run(host, self.argv)


@dataclasses.dataclass
class MoveFile(Change):
    """Move a file out of the way (to `target`, e.g. a folder the wizard keeps), so a rollback
    can put it back. Used for files a daemon would load by accident (a backup in plugins.d)."""
    kind: ClassVar[str] = "move-file"
    path: str = ""
    target: str = ""
    group: str = ""

    def describe(self, host=None) -> str:
        return f"Move {self.path} out of the way (to {self.target})"

    def preview(self, host) -> str:
        return f"$ mv {self.path} {self.target}\n"

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return {"exists": host.stat(self.path) is not None or host.path(self.path).is_symlink()}

    def apply(self, host) -> None:
        source, target = host.path(self.path), host.path(self.target)
        if not (source.exists() or source.is_symlink()):
            return
        if target.exists():
            raise ChangeError(f"cannot move {self.path} aside: {self.target} already exists")
        _make_private_dirs(target.parent)
        shutil.move(str(source), str(target))   # copies when the two are on different filesystems
        fsync_dir(source.parent)
        fsync_dir(target.parent)

    def undo(self, host, before: dict) -> None:
        source, target = host.path(self.path), host.path(self.target)
        if before.get("exists") and target.exists() and not source.exists():
            shutil.move(str(target), str(source))
            fsync_dir(source.parent)


@dataclasses.dataclass
class Restart(Change):
    """Restart a daemon as one change: `stop` (absent when `start` restarts by itself, like
    `service auditd restart`) then `start`. A stop by signal returns at once while the daemon
    is still shutting down, and `systemctl start` on a unit that is still active does nothing,
    so after `stop` it waits (as the legacy `service` stop script does, up to 20 s) until
    `unit` is no longer active. After a rollback has restored the files it runs again so the
    daemon reads them; then a failing stop is expected (it may already be down)."""
    kind: ClassVar[str] = "restart"
    start: List[str] = dataclasses.field(default_factory=list)
    stop: Optional[List[str]] = None
    unit: Optional[str] = None
    wait_seconds: float = 20.0
    description: str = ""
    group: str = ""
    rerun_after_rollback: ClassVar[bool] = True

    def __post_init__(self) -> None:
        self.start = [str(a) for a in self.start]
        if self.stop is not None:
            self.stop = [str(a) for a in self.stop]
        if not self.start:
            raise ValueError("Restart needs a start command")

    def commands(self) -> List[List[str]]:
        return ([self.stop] if self.stop else []) + [self.start]

    def describe(self, host=None) -> str:
        return self.description or f"Run {' then '.join(display_argv(c) for c in self.commands())}"

    def preview(self, host) -> str:
        if not self.stop:
            return _command_lines(self.commands())
        lines = [_command_lines([self.stop])]
        if self.unit:
            lines.append(f"# then wait until `systemctl is-active {self.unit}` is no longer active")
        return "\n".join(lines + [_command_lines([self.start])])

    def _wait_until_stopped(self, host) -> None:
        if not self.unit:
            return
        deadline = time.monotonic() + self.wait_seconds
        while time.monotonic() < deadline:
            state = _run(host, ["systemctl", "is-active", self.unit], ok_codes=_ANY_EXIT).stdout.strip()
            if state not in ("active", "deactivating", "reloading"):
                return
            time.sleep(0.2)
        raise ChangeError(f"{self.unit} did not stop within {self.wait_seconds:g} s")

    def apply(self, host) -> None:
        if self.stop:
            _run(host, self.stop)
            self._wait_until_stopped(host)
        _run(host, self.start)

    def undo(self, host, before: dict) -> None:
        """Nothing to take back: the rerun after the rollback restarts on the restored files."""

    def rerun(self, host) -> None:
        if self.stop:
            _run(host, self.stop, ok_codes=_ANY_EXIT)
            self._wait_until_stopped(host)
        _run(host, self.start)
