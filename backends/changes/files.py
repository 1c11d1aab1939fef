"""File kinds: write a file atomically, set its mode and owner, move it out of the way."""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Callable, ClassVar, Dict, List, Optional

from backends.atomic import atomic_write, fsync_dir
from backends.changes.base import Change, ChangeError, run
from backends.runner import CommandError
from backends.sh_runner import ShRunner

DEFAULT_FILE_MODE = 0o640
NEW_DIR_MODE = 0o755


def _restore_selinux_context(host, abs_path: str) -> None:
    # Only a real host with SELinux on has contexts; the sandbox's files are plain files.
    if (isinstance(host.runner, ShRunner) and host.runner.has_command("restorecon")
            and _selinux_enabled(host)):
        run(host, ["restorecon", str(host.path(abs_path))])


def _selinux_enabled(host) -> bool:
    """getenforce says Enforcing or Permissive (Disabled, or no getenforce: no labels to restore)."""
    if not host.runner.has_command("getenforce"):
        return False
    try:
        return run(host, ["getenforce"]).stdout.strip() in ("Enforcing", "Permissive")
    except CommandError:
        return False


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
        return dict(_capture_file(host, self.path, backup_to), created_dirs=self._missing_dirs(host))

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
            _restore_file(host, self.path, before)
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


def _capture_file(host, path: str, backup_to: Optional[Path]) -> dict:
    """The file's before-state, its bytes copied into the journal's backups (private)."""
    existing = host.stat(path)
    before = {"exists": existing is not None, "backup": None, "sha256": None,
              "mode": None, "uid": None, "gid": None}
    if existing is None:
        return before
    data = host.read_bytes(path) or b""
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


def _restore_file(host, path: str, before: dict) -> None:
    """Put the captured bytes, mode and owner back (nothing is written when they already are)."""
    backup = Path(before["backup"])
    if not backup.is_absolute():
        backup = host.state_dir() / backup
    data = backup.read_bytes()
    now = host.stat(path)
    same = (now is not None and host.read_bytes(path) == data
            and (now.mode, now.uid, now.gid) == (before["mode"], before["uid"], before["gid"]))
    if not same:
        atomic_write(host.path(path), data, before["mode"], before["uid"], before["gid"])
        _restore_selinux_context(host, path)


@dataclasses.dataclass
class RemoveFile(Change):
    """Delete a file the wizard wrote and no longer wants (a drop-in of a method not chosen any
    more, a ledger entry). The bytes, mode and owner go into the journal first; undo puts them back."""
    kind: ClassVar[str] = "remove-file"
    path: str = ""
    group: str = ""

    def describe(self, host=None) -> str:
        return f"Remove {self.path}"

    def preview(self, host) -> str:
        old = host.read_text(self.path)
        if old is None:
            return f"# nothing to do: {self.path} does not exist"
        lines = difflib.unified_diff(old.splitlines(keepends=True), [], fromfile=self.path,
                                     tofile="/dev/null")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in lines)

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        return _capture_file(host, self.path, backup_to)

    def apply(self, host) -> None:
        target = host.path(self.path)
        if target.exists() or target.is_symlink():
            target.unlink()
            fsync_dir(target.parent)

    def undo(self, host, before: dict) -> None:
        if before.get("exists"):
            _restore_file(host, self.path, before)


# Editors an EditFile may name: name -> function(text, edits) -> new text. The wizard
# registers its own (a format backends knows nothing of); undo never needs one.
Editor = Callable[[str, list], str]
_EDITORS: Dict[str, Editor] = {}


def register_editor(name: str, editor: Editor) -> None:
    _EDITORS[name] = editor


@dataclasses.dataclass
class EditFile(WriteFile):
    """A WriteFile for a file that did not exist when it was planned: when it applies, the
    `edits` are made by the registered `editor` to the file as it is then (the one a package
    installed earlier in the same transaction), or to `base` (the packaged copy the plan was
    worked out from) when it still does not exist. `content` is that planned result, shown
    in the preview. Capture, undo and the mode/owner rules are WriteFile's."""
    kind: ClassVar[str] = "edit-file"
    editor: str = ""
    edits: List[list] = dataclasses.field(default_factory=list)
    base: str = ""

    def preview(self, host) -> str:
        note = ""
        if host.stat(self.path) is None:
            note = ("if a package installed before this change brings the file, the same edits "
                    "are made to that file instead\n")
        return note + super().preview(host)

    def apply(self, host) -> None:
        try:
            edit = _EDITORS[self.editor]
        except KeyError:
            raise ChangeError(f"cannot edit {self.path}: no editor {self.editor!r} is loaded") from None
        current = host.read_text(self.path)
        self.content = edit(self.base if current is None else current, self.edits)
        super().apply(host)


@dataclasses.dataclass
class WriteFiles(Change):
    """Write and remove a set of small files as one change (records the caller keeps, one file
    each, e.g. the wizard's ledger). Each file is written atomically with `mode`, root-owned; the
    before-state of each (bytes, mode, owner) goes into the journal first and undo puts every
    one back, so a crash half-way is undone file by file."""
    kind: ClassVar[str] = "write-files"
    writes: Dict[str, str] = dataclasses.field(default_factory=dict)
    removes: List[str] = dataclasses.field(default_factory=list)
    mode: int = 0o600
    description: str = ""
    group: str = ""

    def _paths(self) -> List[str]:
        return sorted(self.writes) + sorted(self.removes)

    def describe(self, host=None) -> str:
        return self.description or f"Write {len(self.writes)} and remove {len(self.removes)} files"

    def preview(self, host) -> str:
        return "".join(f"write {p}\n" for p in sorted(self.writes)) + \
            "".join(f"remove {p}\n" for p in sorted(self.removes))

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        befores = {}
        for index, path in enumerate(self._paths()):
            target = backup_to.with_name(f"{backup_to.name}.{index}") if backup_to else None
            befores[path] = _capture_file(host, path, target)
        return {"files": befores}

    def apply(self, host) -> None:
        for path in sorted(self.writes):
            real = host.path(path)
            real.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(real, self.writes[path].encode("utf-8"), self.mode, 0, 0)
        for path in sorted(self.removes):
            real = host.path(path)
            if real.exists() or real.is_symlink():
                real.unlink()
                fsync_dir(real.parent)

    def undo(self, host, before: dict) -> None:
        for path, was in sorted((before.get("files") or {}).items()):
            if was.get("exists"):
                _restore_file(host, path, was)
                continue
            real = host.path(path)
            if real.exists() or real.is_symlink():
                real.unlink()
                fsync_dir(real.parent)


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
