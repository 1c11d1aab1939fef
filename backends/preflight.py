"""Checks made before the first change of a transaction: every change's own (paths inside the
root, no key overwritten), then free space on the journal's filesystem and on each target's.
A refusal here means nothing was changed."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from backends.errors import NotEnoughSpace, Refused, UnsafePath
from backends.filestate import file_state

# The journal: the manifest is rewritten atomically (old + new copy), and each entry grows
# by its before/after records.
ENTRY_BYTES = 2048
SPARE_BLOCKS = 8


def _existing(path: Path) -> Path:
    while not os.path.exists(str(path)) and path != path.parent:
        path = path.parent
    return path


def _mount_point(path: Path) -> Path:
    path = _existing(path)
    device = os.stat(str(path)).st_dev
    while path != path.parent and os.stat(str(path.parent)).st_dev == device:
        path = path.parent
    return path


def _fs_type(mount_point: Path) -> Optional[str]:
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as handle:
            rows = [line.split() for line in handle]
    except OSError:
        return None
    found = [row[2] for row in rows if len(row) > 2 and
             row[1].replace("\\040", " ") == str(mount_point)]
    return found[-1] if found else None


def _kib(n: int) -> str:
    return f"{(n + 1023) // 1024} KiB"


class _Need:
    def __init__(self, where: Path) -> None:
        self.where = where
        self.bytes = 0
        self.what: List[str] = []


def _round(n: int, block: int) -> int:
    return (n + block - 1) // block * block + block


def space_problems(host, changes: Sequence, journal_dir: Path) -> List[str]:
    needs: Dict[int, _Need] = {}

    def add(real: Path, n: int, what: str) -> None:
        anchor = _existing(real)
        st = os.statvfs(str(anchor))
        device = os.stat(str(anchor)).st_dev
        need = needs.setdefault(device, _Need(anchor))
        need.bytes += _round(n, st.f_frsize or 4096)
        if what not in need.what:
            need.what.append(what)

    manifest = len(json.dumps([c.to_dict() for c in changes])) + ENTRY_BYTES * len(changes)
    add(journal_dir, 2 * manifest + SPARE_BLOCKS * 4096, "the journal")
    for change in changes:
        for path, size in change.space_needed(host).items():
            try:
                real = host.resolve(path)
            except UnsafePath:
                continue  # already refused by the change's own preflight
            state = file_state(host, path)
            if state["type"] == "file":
                add(journal_dir, state.get("size") or 0, "the journal")   # its backup
            add(real, size, path)
    problems = []
    for need in needs.values():
        st = os.statvfs(str(need.where))
        free = st.f_bavail * st.f_frsize
        if need.bytes <= free:
            continue
        mount = _mount_point(need.where)
        kind = _fs_type(mount)
        name = f"the {kind} filesystem" if kind else "the filesystem"
        where = host.shown(mount) if host.inside(mount) else str(mount)
        shown = where if host.is_real or not host.inside(mount) else f"{where} (in {host.root})"
        problems.append(f"not enough free space on {name} mounted on {shown}: {_kib(free)} free, "
                        f"about {_kib(need.bytes)} needed for {', '.join(need.what[:4])}"
                        + (" and more" if len(need.what) > 4 else ""))
    return problems


def check(host, changes: Sequence, journal_dir: Path) -> None:
    """Raises Refused (or NotEnoughSpace) with every problem found; returns when all is well."""
    problems: List[str] = []
    for change in changes:
        for problem in change.preflight(host):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise Refused(problems)
    space = space_problems(host, changes, journal_dir)
    if space:
        raise NotEnoughSpace(space)
