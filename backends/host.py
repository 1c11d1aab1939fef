"""A Host is a root directory plus a Runner: "/" for real, a sandbox folder otherwise.

Every path the wizard touches is resolved under the root by `resolve`: symbolic links are
followed only while they stay inside the root, so a link in a sandbox (or a hostile one) never
makes the wizard read or write outside it."""
from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Union

from backends.errors import HostFileError, UnsafePath
from backends.runner import Runner

SANDBOX_STATE = Path(".sandbox") / "state.json"
STATE_DIR = "/var/lib/auditd-wizard"
# Config files are bytes; lines the wizard does not change must come back byte for byte, so
# text is decoded with surrogateescape (bytes that are not UTF-8 become lone surrogates) and
# encoded back the same way (WriteFile).
TEXT_ERRORS = "surrogateescape"
_MAX_LINKS = 40


@dataclass(frozen=True)
class FileStat:
    mode: int  # permission bits only (stat.S_IMODE)
    uid: int
    gid: int
    size: int = 0     # bytes (a TLS-PSK key shorter than 64 hex digits is refused)


def path_parts(abs_path: str) -> List[str]:
    """The components of an absolute path; relative paths and ".." are refused."""
    text = str(abs_path)
    if not text.startswith("/"):
        raise UnsafePath(f"not an absolute path: {text!r}")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafePath(f"path may not contain '..': {text!r}")
    return parts


class Host:
    def __init__(self, root: Union[str, Path], runner: Runner) -> None:
        self.root = Path(root).resolve()
        self.runner = runner

    @classmethod
    def for_root(cls, root: Union[str, Path]) -> "Host":
        if Path(root).resolve() == Path("/"):
            from backends.sh_runner import ShRunner
            return cls(root, ShRunner())
        from backends.simulated import SimulatedRunner  # lazy: only sandboxes need it
        return cls(root, SimulatedRunner(Path(root).resolve()))

    @property
    def is_sandbox(self) -> bool:
        return (self.root / SANDBOX_STATE).is_file()

    @property
    def is_real(self) -> bool:
        return self.root == Path("/")

    # ------------------------------------------------------------ paths
    def path(self, abs_path: str) -> Path:
        """"/etc/audit/x" -> root/etc/audit/x, joined as text (links not looked at): for
        showing and for reading folders. Anything that writes uses resolve()."""
        normalised = posixpath.join(*path_parts(abs_path)) if path_parts(abs_path) else ""
        return self.root / normalised if normalised else self.root

    def shown(self, real: Union[str, Path]) -> str:
        """A real path as the admin knows it: "/etc/audit/x" inside the root."""
        real = Path(real)
        if self.is_real:
            return str(real)
        try:
            return "/" + str(real.relative_to(self.root)).lstrip(".")
        except ValueError:
            return str(real)

    def inside(self, real: Union[str, Path]) -> bool:
        text = str(real)
        root = str(self.root)
        return root == "/" or text == root or text.startswith(root + "/")

    def resolve(self, abs_path: str, follow_last: bool = True) -> Path:
        """The real path of abs_path under the root. Links are followed (the last one only
        with follow_last) as the kernel does, but only while they stay inside the root:
        a link out of it raises UnsafePath naming it. Missing components are joined as they
        are (they will be created as plain folders)."""
        pending = path_parts(abs_path)
        current = self.root
        hops = 0
        while pending:
            name = pending.pop(0)
            candidate = current / name
            try:
                st = os.lstat(str(candidate))
            except FileNotFoundError:
                return candidate.joinpath(*pending) if pending else candidate
            except NotADirectoryError:
                raise UnsafePath(f"{abs_path}: {self.shown(current)} is not a folder") from None
            except OSError as err:
                raise HostFileError(f"{abs_path}: cannot look at {self.shown(candidate)}: "
                                    f"{err.strerror or err}") from None
            if stat.S_ISLNK(st.st_mode) and (pending or follow_last):
                hops += 1
                if hops > _MAX_LINKS:
                    raise UnsafePath(f"{abs_path}: too many levels of symbolic links")
                real = Path(os.path.realpath(str(candidate)))
                if not self.inside(real):
                    raise UnsafePath(
                        f"{abs_path}: {self.shown(candidate)} is a symbolic link to "
                        f"{os.readlink(str(candidate))}, outside the root {self.root}; "
                        "refusing to follow it")
                current = real
                continue
            if pending and not stat.S_ISDIR(st.st_mode):
                raise UnsafePath(f"{abs_path}: {self.shown(candidate)} is not a folder")
            current = candidate
        return current

    def _resolved_or_none(self, abs_path: str) -> Optional[Path]:
        """Reading never follows a link out of the root: such a file reads as absent here,
        and any change to it is refused (with the path) before anything is applied."""
        try:
            return self.resolve(abs_path)
        except UnsafePath:
            return None

    # ------------------------------------------------------------ reading
    def read_bytes(self, abs_path: str) -> Optional[bytes]:
        real = self._resolved_or_none(abs_path)
        if real is None:
            return None
        try:
            with open(str(real), "rb") as handle:
                return handle.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except IsADirectoryError:
            raise HostFileError(f"{abs_path} is a folder; a file is expected there") from None
        except OSError as err:
            raise HostFileError(f"cannot read {abs_path}: {err.strerror or err}") from None

    def read_text(self, abs_path: str) -> Optional[str]:
        data = self.read_bytes(abs_path)
        return None if data is None else data.decode("utf-8", TEXT_ERRORS)

    def stat(self, abs_path: str) -> Optional[FileStat]:
        real = self._resolved_or_none(abs_path)
        if real is None:
            return None
        try:
            st = os.stat(str(real))
        except (FileNotFoundError, NotADirectoryError):
            return None
        return FileStat(mode=stat.S_IMODE(st.st_mode), uid=st.st_uid, gid=st.st_gid, size=st.st_size)

    def state_dir(self) -> Path:
        """Journal and lock live here — never under /etc/audit/plugins.d. Refuses (UnsafePath)
        when it is reached through a link out of the root."""
        return self.resolve(STATE_DIR)

    def __repr__(self) -> str:
        return f"Host(root={str(self.root)!r}, runner={type(self.runner).__name__})"
