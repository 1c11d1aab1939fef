"""File kinds: write a file atomically, set its mode and owner, move it out of the way; and
the backup/restore of paths that RunCommand uses for the files a command creates.

Paths are resolved under the host's root (Host.resolve): a link is followed only while it
stays inside the root, so a symlinked config is edited at its target and stays a link."""
from __future__ import annotations

import dataclasses
import os
import shutil
import stat
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, List, Optional

from backends.atomic import atomic_write, fsync_dir, restore_write
from backends.changes.base import Change, ChangeError, file_artifact, run
from backends.errors import UnsafePath
from backends.filestate import file_state, text_diff
from backends.host import TEXT_ERRORS
from backends.runner import CommandError
from backends.sh_runner import ShRunner

DEFAULT_FILE_MODE = 0o640
NEW_DIR_MODE = 0o755


def _restore_selinux_context(host, real: Path) -> None:
    # Only a real host with SELinux on has contexts; the sandbox's files are plain files.
    if (isinstance(host.runner, ShRunner) and host.runner.has_command("restorecon")
            and _selinux_enabled(host)):
        run(host, ["restorecon", str(real)])


def _selinux_enabled(host) -> bool:
    """getenforce says Enforcing or Permissive (Disabled, or no getenforce: no labels to restore)."""
    if not host.runner.has_command("getenforce"):
        return False
    try:
        return run(host, ["getenforce"]).stdout.strip() in ("Enforcing", "Permissive")
    except CommandError:
        return False


def read_nofollow(real: Path) -> bytes:
    fd = os.open(str(real), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        chunks: List[bytes] = []
        while True:
            block = os.read(fd, 1 << 16)
            if not block:
                return b"".join(chunks)
            chunks.append(block)
    finally:
        os.close(fd)


def missing_dirs(host, real: Path) -> List[str]:
    """Folders above `real` that do not exist yet, outermost first (as paths in the root)."""
    missing = []
    parent = real.parent
    while parent != host.root and not os.path.lexists(str(parent)):
        missing.append(host.shown(parent))
        parent = parent.parent
    return list(reversed(missing))


def make_dirs(host, directories: List[str], mode: int = NEW_DIR_MODE) -> None:
    for directory in directories:
        real = host.resolve(directory)
        try:
            os.mkdir(str(real), mode)
        except FileExistsError:
            continue
        os.chmod(str(real), mode)  # umask may have taken bits away
        fsync_dir(real.parent)


def remove_dirs(host, directories: List[str]) -> None:
    for directory in reversed(directories or []):
        try:
            os.rmdir(str(host.resolve(directory)))  # only when empty: never what others put there
        except FileNotFoundError:
            pass
        except (OSError, UnsafePath):
            break


def _backup_name(host, target: Path) -> str:
    try:
        return str(target.relative_to(host.state_dir()))
    except ValueError:
        return str(target)


def _backup_file(host, name: str) -> Path:
    backup = Path(name)
    return backup if backup.is_absolute() else host.state_dir() / backup


def capture_path(host, path: str, backup_to: Path) -> dict:
    """What is at `path` (following a link inside the root), with a copy of a file's bytes in
    `backup_to`: {"exists", "link", "backup", "sha256", "mode", "uid", "gid", "created_dirs",
    "state"}. Raises UnsafePath for a path out of the root or a folder where a file goes."""
    state = file_state(host, path)
    if state["type"] == "outside":
        host.resolve(path)  # raises UnsafePath naming the link
    if state["type"] in ("dir", "other"):
        raise UnsafePath(f"{path} is {'a folder' if state['type'] == 'dir' else 'not a regular file'}; "
                         "a file is expected there")
    real = host.resolve(path)
    record = {"exists": state["type"] == "file", "link": state.get("link"), "backup": None,
              "sha256": state.get("sha256"), "mode": state.get("mode"), "uid": state.get("uid"),
              "gid": state.get("gid"), "created_dirs": missing_dirs(host, real), "state": state}
    if record["exists"]:
        backup_to.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(str(backup_to.parent), 0o700)
        atomic_write(backup_to, read_nofollow(real), 0o600)
        record["backup"] = _backup_name(host, backup_to)
    return record


def _put_back_link(host, path: str, link: str) -> None:
    """Make `path` the symbolic link it was (a link replaced by a file is a link again)."""
    real = host.resolve(path, follow_last=False)
    try:
        if os.readlink(str(real)) == link:
            return
    except FileNotFoundError:
        pass
    except OSError:  # a file or folder is there now
        if os.path.isdir(str(real)) and not os.path.islink(str(real)):
            raise ChangeError(f"{path}: a folder is where the link to {link} was; not removed") from None
        os.unlink(str(real))
    os.symlink(link, str(real))
    fsync_dir(real.parent)


def restore_path(host, path: str, record: dict) -> None:
    """Make `path` what capture_path recorded: the same bytes, mode and owner (and the same
    link), or absent when it did not exist."""
    if record.get("link") is not None:
        _put_back_link(host, path, record["link"])
    real = host.resolve(path)
    if record.get("exists"):
        data = read_nofollow(_backup_file(host, record["backup"]))
        now = file_state(host, path)
        want = (record["mode"], record["uid"], record["gid"])
        if now.get("sha256") != record["sha256"] or (now.get("mode"), now.get("uid"), now.get("gid")) != want \
                or now["type"] != "file":
            restore_write(real, data, *want)
            _restore_selinux_context(host, real)
        return
    if os.path.lexists(str(real)) and not os.path.isdir(str(real)):
        os.unlink(str(real))
        fsync_dir(real.parent)
    remove_dirs(host, record.get("created_dirs") or [])


@dataclasses.dataclass
class WriteFile(Change):
    """Replace a file's content atomically. mode/uid/gid None = keep the existing file's, or
    0o640 root:root for a new file. A link inside the root is followed: its target is written
    and the link stays."""
    kind: ClassVar[str] = "write-file"
    path: str
    content: str
    mode: Optional[int] = None
    uid: Optional[int] = None
    gid: Optional[int] = None
    group: str = ""

    def data(self) -> bytes:
        """The bytes written: str content encoded back as read (Host.read_text), so bytes
        that were not UTF-8 come back unchanged."""
        return self.content.encode("utf-8", TEXT_ERRORS)

    def paths(self) -> List[str]:
        return [self.path]

    def space_needed(self, host) -> Dict[str, int]:
        return {self.path: len(self.data())}

    def _target_attrs(self, host):
        existing = host.stat(self.path)
        mode = self.mode if self.mode is not None else (existing.mode if existing else DEFAULT_FILE_MODE)
        uid = self.uid if self.uid is not None else (existing.uid if existing else 0)
        gid = self.gid if self.gid is not None else (existing.gid if existing else 0)
        return existing, mode, uid, gid

    def _old_text(self, host) -> Optional[str]:
        return host.read_text(self.path)

    def describe(self, host=None) -> str:
        if host is None:
            return f"Write {self.path}"
        old = self._old_text(host)
        if old is None:
            return f"Create {self.path} ({len(self.content.splitlines())} lines)"
        changed = sum(1 for line in text_diff(old, self.content, self.path, self.path).splitlines()
                      if line[:1] in "+-" and not line.startswith(("+++", "---")))
        return f"Write {self.path} ({changed} lines change)" if changed else f"Write {self.path} (no content change)"

    def preview(self, host) -> str:
        existing, mode, uid, gid = self._target_attrs(host)
        notes = []
        if existing is None:
            notes.append(f"new file: mode {mode:04o}, owner {uid}:{gid}")
        else:
            if existing.mode != mode:
                notes.append(f"mode {existing.mode:04o} -> {mode:04o}")
            if (existing.uid, existing.gid) != (uid, gid):
                notes.append(f"owner {existing.uid}:{existing.gid} -> {uid}:{gid}")
        text = text_diff(self._old_text(host), self.content, self.path, self.path)
        return "".join(n + "\n" for n in notes) + text

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        target = backup_to or (host.state_dir() / "backups" / f"{os.getpid()}-{id(self)}")
        record = capture_path(host, self.path, target)
        record["observed"] = {file_artifact(self.path): record.pop("state")}
        return record

    def apply(self, host) -> None:
        _existing, mode, uid, gid = self._target_attrs(host)
        real = host.resolve(self.path)
        make_dirs(host, missing_dirs(host, real))
        atomic_write(real, self.data(), mode, uid, gid)
        _restore_selinux_context(host, real)

    def undo(self, host, before: dict) -> None:
        restore_path(host, self.path, before)


@dataclasses.dataclass
class RemoveFile(Change):
    """Delete a file the wizard wrote and no longer wants (a drop-in of a method not chosen any
    more, a ledger entry). The bytes, mode and owner go into the journal first; undo puts them
    back. A link is removed as the link (its target stays) and comes back as the link.
    `prune_dirs` (outermost first, like created_dirs): folders that only hold such files (a
    unit's `.d` folder), removed too when nothing else is left in them; undo makes them again
    with their mode and owner."""
    kind: ClassVar[str] = "remove-file"
    path: str = ""
    group: str = ""
    prune_dirs: List[str] = dataclasses.field(default_factory=list)

    def paths(self) -> List[str]:
        return [self.path]

    def describe(self, host=None) -> str:
        return f"Remove {self.path}"

    def preview(self, host) -> str:
        old = host.read_text(self.path)
        if old is None:
            return f"# nothing to do: {self.path} does not exist"
        return text_diff(old, None, self.path, self.path)

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        target = backup_to or (host.state_dir() / "backups" / f"{os.getpid()}-{id(self)}")
        record = capture_path(host, self.path, target)
        record["observed"] = {file_artifact(self.path): record.pop("state")}
        record["pruned_dirs"] = []
        for directory in self.prune_dirs:
            found = host.stat(directory)
            if found is not None:
                record["pruned_dirs"].append({"path": directory, "mode": found.mode,
                                              "uid": found.uid, "gid": found.gid})
        return record

    def apply(self, host) -> None:
        real = host.resolve(self.path, follow_last=False)
        if os.path.lexists(str(real)):
            os.unlink(str(real))
            fsync_dir(real.parent)
        remove_dirs(host, self.prune_dirs)

    def undo(self, host, before: dict) -> None:
        for directory in before.get("pruned_dirs") or []:
            real = host.resolve(directory["path"])
            if not os.path.lexists(str(real)):
                make_dirs(host, [directory["path"]], directory["mode"])
                os.chown(str(real), directory["uid"], directory["gid"])
        if before.get("exists") or before.get("link") is not None:
            restore_path(host, self.path, dict(before, created_dirs=[]))


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
    each, e.g. the wizard's ledger). Each file is written atomically with `mode`, root-owned,
    inside the root like WriteFile; the before-state of each (bytes, mode, owner, link) goes
    into the journal first and undo puts every one back, so a crash half-way is undone file by
    file. Each path is its own artifact (`file:PATH`): drift is per file."""
    kind: ClassVar[str] = "write-files"
    writes: Dict[str, str] = dataclasses.field(default_factory=dict)
    removes: List[str] = dataclasses.field(default_factory=list)
    mode: int = 0o600
    description: str = ""
    group: str = ""

    def paths(self) -> List[str]:
        return sorted(set(self.writes) | set(self.removes))

    def space_needed(self, host) -> Dict[str, int]:
        return {p: len(self.writes[p].encode("utf-8", TEXT_ERRORS)) if p in self.writes else 0
                for p in self.paths()}

    def describe(self, host=None) -> str:
        return self.description or f"Write {len(self.writes)} and remove {len(self.removes)} files"

    def preview(self, host) -> str:
        return "".join(f"write {p}\n" for p in sorted(self.writes)) + \
            "".join(f"remove {p}\n" for p in sorted(self.removes))

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        target = backup_to or (host.state_dir() / "backups" / f"{os.getpid()}-{id(self)}")
        records, observed = {}, {}
        for index, path in enumerate(self.paths()):
            record = capture_path(host, path, target.with_name(f"{target.name}.{index}"))
            observed[file_artifact(path)] = record.pop("state")
            records[path] = record
        return {"files": records, "observed": observed}

    def apply(self, host) -> None:
        private = NEW_DIR_MODE if self.mode & 0o077 else 0o700   # a root-only file: a root-only folder
        for path in sorted(self.writes):
            real = host.resolve(path)
            make_dirs(host, missing_dirs(host, real), private)
            atomic_write(real, self.writes[path].encode("utf-8", TEXT_ERRORS), self.mode, 0, 0)
        for path in sorted(self.removes):
            real = host.resolve(path, follow_last=False)
            if os.path.lexists(str(real)) and not os.path.isdir(str(real)):
                os.unlink(str(real))
                fsync_dir(real.parent)

    def undo(self, host, before: dict) -> None:
        # Folders created for new files go with the last of their files (rmdir only when empty).
        for path, record in sorted((before.get("files") or {}).items()):
            restore_path(host, path, record if path in self.writes else dict(record, created_dirs=[]))


@dataclasses.dataclass
class FileAttributes(Change):
    """chmod/chown an existing file (e.g. a keytab must be root-owned, mode 0400). A link
    inside the root is followed; the link itself is never changed."""
    kind: ClassVar[str] = "file-attributes"
    path: str
    mode: Optional[int] = None
    uid: Optional[int] = None
    gid: Optional[int] = None
    group: str = ""

    def paths(self) -> List[str]:
        return [self.path]

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
        state = file_state(host, self.path)
        if state["type"] == "outside":
            host.resolve(self.path)  # raises UnsafePath naming the link
        observed = {file_artifact(self.path): state}
        if state["type"] != "file":
            return {"exists": False, "mode": None, "uid": None, "gid": None, "observed": observed}
        return {"exists": True, "mode": state["mode"], "uid": state["uid"], "gid": state["gid"],
                "observed": observed}

    def _set(self, host, mode: int, uid: int, gid: int) -> None:
        real = host.resolve(self.path)
        fd = os.open(str(real), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ChangeError(f"{self.path} is not a regular file; its mode and owner are not changed")
            os.fchown(fd, uid, gid)
            os.fchmod(fd, mode)  # after chown, which clears set-id bits
        finally:
            os.close(fd)

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
    can put it back. Used for files a daemon would load by accident (a backup in plugins.d).
    A link is moved as the link it is."""
    kind: ClassVar[str] = "move-file"
    path: str = ""
    target: str = ""
    group: str = ""

    def paths(self) -> List[str]:
        return [self.path, self.target]

    def observe(self, host) -> Dict[str, Any]:
        return {file_artifact(p): _entry_state(host, p) for p in self.paths()}

    def preflight(self, host) -> List[str]:
        problems = []
        for path in self.paths():
            try:
                host.resolve(path, follow_last=False)
            except UnsafePath as err:
                problems.append(str(err))
        return problems

    def space_needed(self, host) -> Dict[str, int]:
        size = _entry_state(host, self.path).get("size") or 0
        return {self.path: 0, self.target: size}

    def describe(self, host=None) -> str:
        return f"Move {self.path} out of the way (to {self.target})"

    def preview(self, host) -> str:
        return f"$ mv {self.path} {self.target}\n"

    def capture(self, host, backup_to: Optional[Path] = None) -> dict:
        source = host.resolve(self.path, follow_last=False)
        return {"exists": os.path.lexists(str(source)), "observed": self.observe(host)}

    def apply(self, host) -> None:
        source = host.resolve(self.path, follow_last=False)
        target = host.resolve(self.target, follow_last=False)
        if not os.path.lexists(str(source)):
            return
        if os.path.lexists(str(target)):
            raise ChangeError(f"cannot move {self.path} aside: {self.target} already exists")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(str(target.parent), 0o700)
        shutil.move(str(source), str(target))   # copies when the two are on different filesystems
        fsync_dir(source.parent)
        fsync_dir(target.parent)

    def undo(self, host, before: dict) -> None:
        source = host.resolve(self.path, follow_last=False)
        target = host.resolve(self.target, follow_last=False)
        if before.get("exists") and os.path.lexists(str(target)) and not os.path.lexists(str(source)):
            shutil.move(str(target), str(source))
            fsync_dir(source.parent)


def _entry_state(host, path: str) -> dict:
    """The state of the directory entry itself (a link is described, not followed)."""
    try:
        real = host.resolve(path, follow_last=False)
    except UnsafePath:
        return {"type": "outside", "link": None}
    if os.path.islink(str(real)):
        return {"type": "link", "link": os.readlink(str(real))}
    return file_state(host, path)
