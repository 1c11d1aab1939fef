"""Drift: what changed on the host since a transaction left it, artifact by artifact.

Each applied entry of a journal records observe() as its "after". The state a transaction left
for an artifact is the after of the last applied change that touched it. Anything different
now is drift, unless it is what was there before the transaction (then a rollback has nothing
to lose). Kinds compare their own artifacts (Change.drift_lines); files get a diff of the edit
when the wizard wrote their content itself."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from backends.atomic import atomic_write
from backends.changes.base import FILE, file_artifact
from backends.errors import UnsafePath
from backends.filestate import printable, text_diff, verify_flags


@dataclass(frozen=True)
class Drift:
    tx_id: str
    artifact: str
    index: int                      # the change that left it
    what: List[str]                 # in words: "content", "mode 0640 -> 0600", "deleted"
    diff: str = ""                  # unified diff from what the wizard wrote to what is there
    flags: str = ""                 # rpm -V's nine characters, for files

    @property
    def path(self) -> Optional[str]:
        return self.artifact[len(FILE):] if self.artifact.startswith(FILE) else None

    def line(self) -> str:
        return f"{self.path or self.artifact}: {', '.join(self.what)}"


@dataclass(frozen=True)
class KeptCopy:
    """The admin's version of a drifted file, kept in the journal by a forced rollback."""
    path: str
    copy: str          # where it is kept (a path in the root)


@dataclass
class Final:
    index: int
    state: Any
    before: Any = None
    has_before: bool = False


def final_states(journal) -> Dict[str, Final]:
    """artifact -> the state the transaction left, from the last applied change touching it,
    with the state before the first change touching it. A change killed while applying makes
    its artifacts unknown (they are left out)."""
    finals: Dict[str, Final] = {}
    befores: Dict[str, Any] = {}
    unknown = set()
    for index, (change, entry) in enumerate(zip(journal.changes(), journal.entries)):
        state = entry.get("state")
        if state not in ("applied", "applying"):
            continue
        observed_before = change.observed_in(entry.get("before"))
        for artifact, value in observed_before.items():
            befores.setdefault(artifact, value)
        if state == "applying" or entry.get("after") is None:
            unknown.update(change.artifacts())
            continue
        for artifact, value in entry["after"].items():
            finals[artifact] = Final(index, value)
    for artifact in unknown:
        finals.pop(artifact, None)
    for artifact, final in finals.items():
        if artifact in befores:
            final.before, final.has_before = befores[artifact], True
    return finals


def first_befores(journal) -> Dict[str, Any]:
    """artifact -> what it was before this transaction first touched it."""
    out: Dict[str, Any] = {}
    for change, entry in zip(journal.changes(), journal.entries):
        if entry.get("state") in ("applied", "applying", "undone"):
            for artifact, value in change.observed_in(entry.get("before")).items():
                out.setdefault(artifact, value)
    return out


def _written_text(journal, path: str, sha256: Optional[str]) -> Optional[str]:
    """The text the wizard wrote at `path` in this transaction, when it is what was left."""
    for change in reversed(journal.changes()):
        content = getattr(change, "content", None)
        if content is None or getattr(change, "path", None) != path:
            continue
        if hashlib.sha256(change.data()).hexdigest() == sha256:
            return content
    return None


def _diff(host, journal, path: str, was: dict, now: dict) -> str:
    if was.get("sha256") == now.get("sha256"):
        return ""
    left = _written_text(journal, path, was.get("sha256")) if was.get("type") == "file" else None
    right = host.read_text(path) if now.get("type") == "file" else None
    if left is None and was.get("type") == "file":
        return ""  # content the wizard did not write itself (a key): the hash says it changed
    return text_diff(left, right, f"{path} (as the wizard left it)", f"{path} (now)")


def drift_of(host, journal, now_overrides: Optional[Dict[str, Any]] = None) -> List[Drift]:
    """Drift of one transaction. now_overrides: artifact -> the state to compare instead of
    the host's (a newer transaction rolled back in the same cascade puts it back first)."""
    overrides = now_overrides or {}
    finals = final_states(journal)
    by_index: Dict[int, List[str]] = {}
    for artifact, final in finals.items():
        by_index.setdefault(final.index, []).append(artifact)
    drifts: List[Drift] = []
    changes = journal.changes()
    for index in sorted(by_index):
        change, artifacts = changes[index], sorted(by_index[index])
        observed: Dict[str, Any] = {}
        if any(a not in overrides for a in artifacts):
            try:
                observed = change.observe(host)
            except Exception as err:  # a query that fails now: say so, never guess
                drifts += [Drift(journal.tx_id, a, index, [f"cannot be checked: {err}"])
                           for a in artifacts if a not in overrides]
                artifacts = [a for a in artifacts if a in overrides]
        for artifact in artifacts:
            final = finals[artifact]
            now = overrides[artifact] if artifact in overrides else observed.get(artifact)
            if now == final.state or (final.has_before and now == final.before):
                continue
            what = change.drift_lines(artifact, final.state, now) or ["changed"]
            diff, flags = "", ""
            if artifact.startswith(FILE) and isinstance(final.state, dict) and isinstance(now, dict):
                flags = verify_flags(final.state, now)
                if artifact not in overrides:
                    diff = _diff(host, journal, artifact[len(FILE):], final.state, now)
            drifts.append(Drift(journal.tx_id, artifact, index, what, diff, flags))
    return drifts


def keep_copies(host, journal, drifts: List[Drift]) -> List[KeptCopy]:
    """Copy the admin's version of each drifted file into the journal (mode 0600, never into
    plugins.d or rsyslog.d where a daemon would load it) before a forced rollback."""
    kept: List[KeptCopy] = []
    records = journal.manifest.setdefault("kept", [])
    folder = journal.kept_dir()
    for drift in drifts:
        if not drift.path:
            continue
        try:
            real = host.resolve(drift.path, follow_last=False)
        except UnsafePath:
            continue
        if not os.path.lexists(str(real)):
            continue
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(str(folder), 0o700)
        name = f"{len(records)}-{os.path.basename(drift.path)}"
        record: Dict[str, Any] = {"path": drift.path, "copy": name}
        if os.path.islink(str(real)):
            record["link"] = os.readlink(str(real))
            atomic_write(folder / name, ("symbolic link to %s\n" % record["link"]).encode(), 0o600)
        elif os.path.isfile(str(real)):
            st = os.stat(str(real))
            record.update(mode=st.st_mode & 0o7777, uid=st.st_uid, gid=st.st_gid)
            with open(str(real), "rb") as handle:
                atomic_write(folder / name, handle.read(), 0o600)
        else:
            continue
        records.append(record)
        kept.append(KeptCopy(drift.path, host.shown(folder / name)))
    return kept


def describe(drifts: List[Drift]) -> List[str]:
    """One line per drifted artifact, then its diff (for messages)."""
    out: List[str] = []
    for drift in drifts:
        out.append(printable(drift.line()))
        if drift.diff:
            out.extend(drift.diff.rstrip("\n").splitlines())
    return out


def artifact_name(artifact: str) -> str:
    return artifact[len(FILE):] if artifact.startswith(FILE) else artifact


__all__ = ["Drift", "KeptCopy", "drift_of", "final_states", "first_befores", "keep_copies",
           "describe", "artifact_name", "file_artifact"]
