"""The on-disk record of one transaction: <state_dir>/transactions/<id>/manifest.json + backups/.

Every write goes through atomic_write (fsync + rename + fsync dir), so after a kill -9 or a
power loss the manifest is either the previous version or the new one.

An entry of "changes": {"change": the Change as a dict, "state": pending | applying | applied |
undone, "before": capture() (with "observed"), "after": observe() once applied, "error",
"undo_error"}."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Set

from backends.atomic import atomic_write, fsync_dir, remove_temp_files
from backends.errors import TransactionError, UnknownTransaction, UnsafePath
from backends.lock import make_private_dir

if TYPE_CHECKING:   # changes() imports the kinds when first asked (they register on import)
    from backends.changes import Change

FORMAT = 1
MANIFEST = "manifest.json"
KEPT = "kept"
# Entries whose change may have left something on the host.
TOUCHING = ("applied", "applying")
_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


def transactions_dir(host) -> Path:
    return host.state_dir() / "transactions"


def new_tx_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def _valid_id(tx_id: str) -> bool:
    return bool(tx_id) and bool(_ID.fullmatch(tx_id))


class Journal:
    def __init__(self, directory: Path, manifest: dict) -> None:
        self.dir = directory
        self.manifest = manifest
        self._changes: Optional[List[Change]] = None

    @property
    def tx_id(self) -> str:
        return self.manifest["id"]

    @property
    def status(self) -> str:
        return self.manifest.get("status", "?")

    @property
    def entries(self) -> List[dict]:
        return self.manifest["changes"]

    def changes(self) -> list:
        """The entries' Changes (a kind this version does not know raises ChangeError)."""
        if self._changes is None:
            from backends.changes import Change  # the kinds register on import
            self._changes = [Change.from_dict(e["change"]) for e in self.entries]
        return self._changes

    def touched(self) -> Set[str]:
        """Artifacts of the changes that may have left something on the host."""
        return {artifact for change, entry in zip(self.changes(), self.entries)
                if entry.get("state") in TOUCHING for artifact in change.artifacts()}

    def paths(self) -> List[str]:
        seen: List[str] = []
        for change in self.changes():
            seen.extend(p for p in change.paths() if p not in seen)
        return seen

    def backup_path(self, index: int) -> Path:
        return self.dir / "backups" / str(index)

    def kept_dir(self) -> Path:
        return self.dir / KEPT

    def save(self) -> None:
        # One line: json's C encoder (an indented dump is pure Python, ten times slower, and
        # the manifest is written twice per change).
        data = json.dumps(self.manifest, sort_keys=True).encode("utf-8")
        atomic_write(self.dir / MANIFEST, data + b"\n", 0o600)

    def try_save(self) -> Optional[str]:
        """save(), but a failure (a full disk) is returned as text instead of raised: an undo
        goes on from what is in memory."""
        try:
            self.save()
        except OSError as err:
            return f"the journal {self.dir / MANIFEST} could not be written: {err.strerror or err}"
        return None

    @classmethod
    def create(cls, host, label: str, meta: Optional[dict], change_dicts: List[dict]) -> "Journal":
        parent = transactions_dir(host)
        make_private_dir(parent)
        while True:
            tx_id = new_tx_id()
            directory = parent / tx_id
            try:
                os.mkdir(str(directory), 0o700)
                break
            except FileExistsError:
                continue
        manifest = {
            "format": FORMAT, "id": tx_id, "label": label, "meta": dict(meta or {}),
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "created_ns": time.time_ns(), "finished": None, "pid": os.getpid(),
            "status": "applying", "failed_index": None, "error": None, "undo_errors": [],
            "changes": [{"change": d, "state": "pending", "before": None, "after": None,
                         "error": None} for d in change_dicts],
        }
        journal = cls(directory, manifest)
        try:
            os.chmod(str(directory), 0o700)
            os.mkdir(str(directory / "backups"), 0o700)
            os.chmod(str(directory / "backups"), 0o700)
            fsync_dir(directory)
            fsync_dir(parent)
            journal.save()
        except OSError:
            shutil.rmtree(str(directory), ignore_errors=True)  # it recorded nothing yet
            raise
        return journal

    def remove(self) -> bool:
        """Delete this journal (only for one that recorded nothing left on the host)."""
        shutil.rmtree(str(self.dir), ignore_errors=True)
        return not self.dir.exists()

    @classmethod
    def open(cls, host, tx_id: str) -> "Journal":
        directory = transactions_dir(host) / tx_id if _valid_id(tx_id) else None
        if directory is None or not (directory / MANIFEST).is_file():
            raise UnknownTransaction(f"no transaction with id {tx_id!r} on this host "
                                     "(see `auditd-wizard history`)")
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise TransactionError(f"the journal of transaction {tx_id} cannot be read: {err}") from None
        return cls(directory, manifest)

    @classmethod
    def all(cls, host) -> List["Journal"]:
        """Every readable journal, newest first."""
        parent = transactions_dir(host)
        if not parent.is_dir():
            return []
        journals = []
        for directory in parent.iterdir():
            try:
                journals.append(cls.open(host, directory.name))
            except TransactionError:
                continue  # a directory without a manifest: created, then killed before the first write
        journals.sort(key=lambda j: (j.manifest.get("created_ns", 0), j.tx_id), reverse=True)
        return journals


def sweep_temp_files(host, journals: List[Journal]) -> List[str]:
    """Remove the temp files a kill left next to the paths of these journals and in the
    journals themselves, and journals killed before their first write. Call it holding the
    host lock. Returns what went, as paths in the root."""
    folders: Dict[Path, Set[Optional[str]]] = {}    # folder -> names in it (None: any temp file)
    for journal in journals:
        folders.setdefault(journal.dir, set()).add(None)
        folders.setdefault(journal.dir / "backups", set()).add(None)
        folders.setdefault(journal.kept_dir(), set()).add(None)
        try:
            paths = journal.paths()
        except Exception:  # a kind this version does not know: its paths are unknown
            continue
        for path in paths:
            try:
                real = host.resolve(path)
            except UnsafePath:
                continue
            folders.setdefault(real.parent, set()).add(real.name)
    removed = []
    parent = transactions_dir(host)
    if parent.is_dir():
        for directory in parent.iterdir():   # created, then killed before its first write
            if directory.is_dir() and not (directory / MANIFEST).exists():
                shutil.rmtree(str(directory), ignore_errors=True)
                removed.append(host.shown(directory))
    for folder, names in folders.items():
        for name in names:
            removed += [host.shown(p) for p in remove_temp_files(folder, name)]
    return removed
