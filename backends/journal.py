"""The on-disk record of one transaction: <state_dir>/transactions/<id>/manifest.json + backups/.

Every write goes through atomic_write (fsync + rename + fsync dir), so after a kill -9 or a
power loss the manifest is either the previous version or the new one."""
from __future__ import annotations

import json
import os
import secrets
import time
from datetime import datetime
from pathlib import Path
from typing import List, Optional

from backends.atomic import atomic_write, fsync_dir
from backends.lock import TransactionError, make_private_dir

FORMAT = 1
MANIFEST = "manifest.json"


def transactions_dir(host) -> Path:
    return host.state_dir() / "transactions"


def new_tx_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def _valid_id(tx_id: str) -> bool:
    return bool(tx_id) and "/" not in tx_id and not tx_id.startswith(".")


class Journal:
    def __init__(self, directory: Path, manifest: dict) -> None:
        self.dir = directory
        self.manifest = manifest

    @property
    def tx_id(self) -> str:
        return self.manifest["id"]

    @property
    def entries(self) -> List[dict]:
        return self.manifest["changes"]

    def backup_path(self, index: int) -> Path:
        return self.dir / "backups" / str(index)

    def save(self) -> None:
        data = json.dumps(self.manifest, indent=1, sort_keys=True).encode("utf-8")
        atomic_write(self.dir / MANIFEST, data + b"\n", 0o600)

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
        os.chmod(str(directory), 0o700)
        os.mkdir(str(directory / "backups"), 0o700)
        os.chmod(str(directory / "backups"), 0o700)
        fsync_dir(directory)
        fsync_dir(parent)
        manifest = {
            "format": FORMAT, "id": tx_id, "label": label, "meta": dict(meta or {}),
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "created_ns": time.time_ns(), "finished": None, "pid": os.getpid(),
            "status": "applying", "failed_index": None, "error": None, "undo_errors": [],
            "changes": [{"change": d, "state": "pending", "before": None, "error": None}
                        for d in change_dicts],
        }
        journal = cls(directory, manifest)
        journal.save()
        return journal

    @classmethod
    def open(cls, host, tx_id: str) -> "Journal":
        directory = transactions_dir(host) / tx_id
        if not _valid_id(tx_id) or not (directory / MANIFEST).is_file():
            raise TransactionError(f"no transaction with id {tx_id!r} on this host")
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
