"""What the planner would do on any host, as edits instead of finished files.

The export must give the same files as the wizard's own apply on every target, whatever the
target's files hold, so it cannot ship the finished text of one host. Instead it runs the
planner's steps (wizard.plan.core.run_steps) with a Drafts that records each `key = value` the planner sets (and
each key it removes) in order; the playbook replays those edits on the target with the same
rules as wizard.conf. Commands come from the same run, planned against an empty system so that
every package, label and rule appears (the playbook checks each one on the target).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from backends.changes import Change, InstallPackages, RemoveFile, WriteFile
from wizard.facts import HostFacts, Layout
from wizard.model import Answers
from wizard.packaged import packaged_defaults
from wizard.plan.core import PlanContext, assemble, run_steps
from wizard.plan.drafts import Drafts
from wizard.probe import SystemState

# The fleet the export is for: EL8.10/9.4+/10 share this layout (paths, keys). The playbook
# decides at run time what differs (how to restart auditd).
EXPORT_AUDIT_VERSION = "3.1.5-8.el9"


@dataclass
class KeyEdit:
    key: str
    value: Optional[str]      # None: remove every active line of the key
    step: int
    only_if_set: bool = False  # the planner sets it only when the file already has the key


@dataclass
class FileEdits:
    path: str
    edits: List[KeyEdit] = field(default_factory=list)
    replaced: Optional[Tuple[str, int]] = None   # (whole text, mode) for files written whole

    def set(self, key: str, value: Optional[str], step: int) -> None:
        """Later settings of a key replace earlier ones in place (the file keeps the line where
        the first setting put it, as wizard.conf does)."""
        for edit in self.edits:
            if edit.key.lower() == key.lower():
                edit.value = value
                return
        self.edits.append(KeyEdit(key, value, step))


@dataclass
class ExportPlan:
    files: List[FileEdits]
    packages: List[str]
    commands: List[Change]      # SELinuxPort, FirewallRules, ServiceState, ...


class RecordingDrafts(Drafts):
    """Drafts that also remember every set_keys/replace call, per file, in call order."""

    def __init__(self, files, defaults):
        super().__init__(files, defaults)
        self.recorded: Dict[str, FileEdits] = {}

    def _file(self, path: str) -> FileEdits:
        return self.recorded.setdefault(path, FileEdits(path))

    def set_keys(self, step, path, values, remove=(), same=None):
        record = self._file(path)
        for key, value in values.items():
            record.set(key, str(value), step)
        for key in remove:
            record.set(key, None, step)
        super().set_keys(step, path, values, remove=remove, same=same)

    def replace(self, step, path, text, mode=0o640, owned=True):
        self._file(path).replaced = (text, mode)
        super().replace(step, path, text, mode=mode, owned=owned)


def export_facts(audit_version: str = EXPORT_AUDIT_VERSION) -> HostFacts:
    """A typical target: SELinux enforcing, firewalld running (the playbook checks both)."""
    return HostFacts(
        os_id="almalinux", os_name="AlmaLinux", os_version="9", os_major=9,
        audit_version=audit_version, layout=Layout(audit_version=audit_version),
        audispd_plugins_installed=False, rsyslog_installed=False, selinux_mode="Enforcing",
        firewalld_running=True, hostname="target", fqdn="target", has_service=True)


def empty_state(answers: Answers) -> SystemState:
    return SystemState(firewall_running=True, firewall_zone=answers.firewall.zone or "public")


def record(answers: Answers, facts: Optional[HostFacts] = None,
           files: Optional[Mapping[str, Optional[str]]] = None) -> ExportPlan:
    """The planner's edits for these answers. `files` defaults to the packaged files (the
    recorded edits do not depend on them except where the planner reads a file; see
    record_for_export)."""
    facts = facts or export_facts()
    defaults = packaged_defaults(facts)
    ctx = PlanContext(answers, facts, empty_state(answers),
                              defaults if files is None else files, defaults)
    ctx.drafts = RecordingDrafts(ctx.files, defaults)
    run_steps(ctx)
    planned = assemble(ctx)
    commands = [c for c in planned.changes if not isinstance(c, (WriteFile, RemoveFile, InstallPackages))]
    return ExportPlan(files=list(ctx.drafts.recorded.values()), packages=list(ctx.packages),
                      commands=commands)


def record_for_export(answers: Answers, facts: Optional[HostFacts] = None) -> ExportPlan:
    """record(), plus the keys the planner sets only when the file already has them (like
    `local_port = any`), marked only_if_set. Found by planning once against the packaged
    files and once against files that also carry an active line for every key the parser
    accepts: the keys only the second run sets are conditional."""
    facts = facts or export_facts()
    plan = record(answers, facts)
    defaults = packaged_defaults(facts)
    full = {}
    for path, text in defaults.items():
        keys = facts.layout.keys_for(path) or ()
        extra = "".join(f"{key} = 1\n" for key in sorted(keys))
        full[path] = text + ("" if text.endswith("\n") or not text else "\n") + extra
    try:
        richer = record(answers, facts, full)
    except Exception:   # a planner that rejects the odd values has no such keys to find
        return plan
    by_path = {f.path: f for f in plan.files}
    for rich in richer.files:
        base = by_path.get(rich.path)
        if base is None:
            continue
        known = {e.key.lower() for e in base.edits}
        merged = []
        for edit in rich.edits:
            if edit.key.lower() in known:
                merged.append(next(e for e in base.edits if e.key.lower() == edit.key.lower()))
            else:
                merged.append(KeyEdit(edit.key, edit.value, edit.step, only_if_set=True))
        base.edits = merged + [e for e in base.edits if e not in merged]
    return plan


__all__ = ["ExportPlan", "FileEdits", "KeyEdit", "record", "record_for_export", "export_facts",
           "InstallPackages"]
