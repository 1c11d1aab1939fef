"""A Host is a root directory plus a Runner: "/" for real, a sandbox folder otherwise."""
from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from backends.runner import Runner

SANDBOX_STATE = Path(".sandbox") / "state.json"


@dataclass(frozen=True)
class FileStat:
    mode: int  # permission bits only (stat.S_IMODE)
    uid: int
    gid: int


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

    def path(self, abs_path: str) -> Path:
        """"/etc/audit/x" -> root/etc/audit/x. Relative paths and ".." escapes are refused."""
        text = str(abs_path)
        if not text.startswith("/"):
            raise ValueError(f"not an absolute path: {text!r}")
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if ".." in parts:
            raise ValueError(f"path may not contain '..': {text!r}")
        normalised = posixpath.join(*parts) if parts else ""
        return self.root / normalised if normalised else self.root

    def read_bytes(self, abs_path: str) -> Optional[bytes]:
        try:
            return self.path(abs_path).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def read_text(self, abs_path: str) -> Optional[str]:
        data = self.read_bytes(abs_path)
        return None if data is None else data.decode("utf-8", "replace")

    def stat(self, abs_path: str) -> Optional[FileStat]:
        try:
            st = os.stat(str(self.path(abs_path)))
        except (FileNotFoundError, NotADirectoryError):
            return None
        return FileStat(mode=stat.S_IMODE(st.st_mode), uid=st.st_uid, gid=st.st_gid)

    def state_dir(self) -> Path:
        """Journal and lock live here — never under /etc/audit/plugins.d."""
        return self.root / "var" / "lib" / "auditd-wizard"

    def __repr__(self) -> str:
        return f"Host(root={str(self.root)!r}, runner={type(self.runner).__name__})"
