"""The ledger of ownership: for every artifact the wizard set, what was there before it first
set it, and what it left (so an admin's later edit is told apart and never overwritten).

One small JSON file per artifact under /var/lib/auditd-wizard/ledger (root-only, next to the
journal). The planner writes and removes these files with ordinary file Changes placed before
the changes they describe, in the same transaction: the ledger is journaled, undone by a
rollback, crash-safe (atomic writes), and each entry is its own artifact.

Artifact ids: `key:<file>:<key>`, `file:<path>`, `firewall:<zone>:<runtime|permanent>:<port|
rich-rule>:<value>`, `selinux-port:<proto>/<port>`, `service:<unit>`, `package:<name>`.
"""
from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from wizard.conf import KeyValueFile
from wizard.lazy_module import lazy_module

if TYPE_CHECKING:
    from backends.changes import Change

# Writing the ledger is the planner's; reading it (Welcome, detection) needs no change kinds.
changes = lazy_module("backends.changes")

LEDGER_DIR = "/var/lib/auditd-wizard/ledger"
# It writes files on the host, so Review and `plan` list it and count it like any change.
RECORD_HEADING = "First: auditd-wizard's own record"
Ledger = Dict[str, dict]


def key_artifact(path: str, key: str) -> str:
    return "key:%s:%s" % (path, key.lower())


def file_artifact(path: str) -> str:
    return "file:" + path


def firewall_artifact(zone: str, config: str, option: str, value: str) -> str:
    return "firewall:%s:%s:%s:%s" % (zone, config, option, value)


def selinux_artifact(proto: str, port: int) -> str:
    return "selinux-port:%s/%d" % (proto, port)


def service_artifact(unit: str) -> str:
    return "service:" + unit


def package_artifact(name: str) -> str:
    return "package:" + name


def entry_path(artifact: str) -> str:
    return "%s/%s.json" % (LEDGER_DIR, hashlib.sha256(artifact.encode("utf-8")).hexdigest()[:32])


def entry(artifact: str, step: int, before, set_) -> dict:
    return {"artifact": artifact, "step": step, "before": before, "set": set_}


def entry_text(item: dict) -> str:
    return json.dumps(item, indent=1, sort_keys=True) + "\n"


def read_ledger(host) -> Ledger:
    """Every readable entry; one that cannot be read is skipped (the artifact counts as the
    admin's, which is the safe side: it is never reverted)."""
    folder = host.path(LEDGER_DIR)
    found: Ledger = {}
    try:
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json"))
    except OSError:
        return found
    for name in names:
        try:
            item = json.loads((folder / name).read_text(encoding="utf-8"))
            if entry_path(item["artifact"]).rsplit("/", 1)[1] == name:
                found[item["artifact"]] = item
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def ledger_changes(old: Ledger, new: Ledger) -> List["Change"]:
    """One change that writes the entries that are new or different and removes those no
    longer owned (nothing when the ledger stays as it is)."""
    writes, removes = {}, []
    for artifact in sorted(set(old) | set(new)):
        if old.get(artifact) == new.get(artifact):
            continue
        if artifact in new:
            writes[entry_path(artifact)] = entry_text(new[artifact])
        else:
            removes.append(entry_path(artifact))
    if not writes and not removes:
        return []
    parts = ["%d recorded" % len(writes)] if writes else []
    parts += ["%d no longer the wizard's" % len(removes)] if removes else []
    return [changes.WriteFiles(writes=writes, removes=removes, mode=0o600, group="1",
                               description="Record what auditd-wizard set in %s (%s)"
                               % (LEDGER_DIR, ", ".join(parts)))]


# ---------------------------------------------------------------- keys of audit files
def key_entries(ledger: Ledger, path: str) -> List[dict]:
    prefix = "key:%s:" % path
    return [e for a, e in sorted(ledger.items()) if a.startswith(prefix)]


def release_keys(text: str, entries: List[dict]) -> Tuple[str, List[dict]]:
    """Put each key back to its line before the wizard set it. Returns the text and the
    entries that could not be released because the line was changed since (drift)."""
    conf = KeyValueFile.parse(text)
    drifted = []
    for item in entries:
        key = item["artifact"].rsplit(":", 1)[1]
        now = conf.line_of(key)
        before = item["before"]["lines"]
        if item["set"] is not None:
            if now is None or conf.lines[now] != item["set"]:
                drifted.append(item)
            elif before:
                conf.replace_line(now, before[0][1])
            else:
                conf.delete_line(now)
        elif now is not None:
            drifted.append(item)
        else:
            for index, line in before:
                conf.insert_line(index, line)
    return conf.render(), drifted


def key_entry(path: str, key: str, step: int, before_lines: List[List], final_text: str) -> Optional[dict]:
    """The entry for a key the plan changed, or None when it ends as it was in the base."""
    conf = KeyValueFile.parse(final_text)
    index = conf.line_of(key)
    set_line = conf.lines[index] if index is not None else None
    if set_line is None and not before_lines:
        return None
    if before_lines and len(before_lines) == 1 and before_lines[0][1] == set_line:
        return None
    return entry(key_artifact(path, key), step, {"lines": before_lines}, set_line)


# ---------------------------------------------------------------- files written whole
def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def release_file(current: Optional[str], item: dict) -> Tuple[bool, Optional[str]]:
    """(released, text): the file's text before the wizard wrote it (None: it did not exist),
    or (False, current) when it was changed since."""
    if current is None or sha256_text(current) != item["set"]["sha256"]:
        return False, current
    before = item["before"]
    return True, before["content"] if before["exists"] else None
