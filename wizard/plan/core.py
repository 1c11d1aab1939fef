"""answers + host facts + current state + the ledger -> the ordered Changes, grouped by step.

Pure: no I/O. The caller reads the files, the system state and the ledger (wizard.session).
The plan converges: it starts from the base (the host with everything the ledger says the
wizard set put back as it was before), applies what the answers want on it, and changes what
differs from the host now. So the artifacts of a method or role not chosen go back to how they
were before the wizard, whatever was applied before, and nothing the wizard did not set is
touched. What every method sets in auditd itself is in wizard.plan.auditd; each forwarding
method is a module of wizard.plan.methods. Where the popular guide is wrong the planner does
what audit-facts.md says instead; the matching row of seed-errors.md is cited in a comment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from backends.changes import Change, EditFile, InstallPackages, RemoveFile, Restart, WriteFile
from backends.rich_rule import port_rule
from wizard.facts import HostFacts
from wizard.model import Answers
from wizard.plan import auditd, ledger as L, security, system
from wizard.plan.access_log import plan_access_log
from wizard.plan.drafts import KEY_EDITOR, Drafts
from wizard.plan.methods.registry import METHODS, method_for
from wizard.plan.preflight import BLOCKER, NOTE, WARNING, Finding
from wizard.probe import SystemState
from wizard.steps import STEPS


@dataclass
class PreviewItem:
    title: str
    kind: str          # "diff" | "command" | "note"
    text: str


@dataclass
class StepPlan:
    number: int
    diffs: List[PreviewItem] = field(default_factory=list)     # this step's edits of each file
    commands: List[Change] = field(default_factory=list)       # rendered against the host by the session
    findings: List[Finding] = field(default_factory=list)      # notes, warnings, blockers

    @property
    def notes(self) -> List[str]:
        return [f.text for f in self.findings]

    @property
    def has_changes(self) -> bool:
        return bool(self.diffs or self.commands)


@dataclass
class Plan:
    steps: Dict[int, StepPlan]
    changes: List[Change]                                  # what changes on the host
    ledger: L.Ledger = field(default_factory=dict)         # the ledger once they are applied
    ledger_changes: List[Change] = field(default_factory=list)   # its entries to write/remove

    @property
    def empty(self) -> bool:
        return not self.changes

    def transaction(self) -> List[Change]:
        """Everything one apply runs. The ledger goes first: a crash after it leaves entries
        whose artifact is unchanged, which the next plan reads as not the wizard's; the other
        order would leave changes nobody owns."""
        return self.own_record() + self.changes

    def own_record(self) -> List[Change]:
        """The ledger's changes an apply runs (none when nothing else changes): listed and
        counted with the others, so "N changes" is what the apply log numbers."""
        return self.ledger_changes if self.changes else []

    def step_changes(self, number: int) -> List[Change]:
        return [c for c in self.changes if c.group == str(number)]


class PlanContext:
    """What every step function gets: the inputs, the drafts, the command changes, and what
    the answers want of the system (SELinux labels, firewall entries, services, packages)."""

    def __init__(self, answers: Answers, facts: HostFacts, state: SystemState,
                 files: Mapping[str, Optional[str]], defaults: Mapping[str, str],
                 ledger: Optional[L.Ledger] = None):
        self.answers, self.facts, self.state = answers, facts, state
        self.layout = facts.layout
        self.drafts = Drafts(files, defaults)
        self.files = files
        self.ledger: L.Ledger = dict(ledger or {})
        self.commands: List[Change] = []
        self.findings: Dict[int, List[Finding]] = {s.number: [] for s in STEPS}
        self.packages: List[str] = []            # to install
        self.wanted_packages: List[str] = []     # needed by these answers, installed or not
        self.wanted_selinux: Dict[Tuple[str, int], Tuple[Tuple[str, ...], str, int]] = {}
        self.wanted_firewall: Dict[str, Dict[Tuple[str, str, str], Tuple[bool, int]]] = {}
        self.wanted_services: Dict[str, Tuple[dict, int]] = {}
        self.desired_services: Dict[str, dict] = {}

    @property
    def sender(self) -> bool:
        return self.answers.role == "sender"

    @property
    def manages_selinux(self) -> bool:
        return self.answers.selinux.manage and self.facts.selinux_mode.lower() != "disabled"

    @property
    def manages_firewall(self) -> bool:
        return self.answers.firewall.manage and self.state.firewall_running

    def note(self, step: int, text: str) -> None:
        self.findings[step].append(Finding(NOTE, step, text))

    def warn(self, step: int, text: str) -> None:
        self.findings[step].append(Finding(WARNING, step, text))

    def block(self, step: int, text: str) -> None:
        """A problem that makes applying fail or leave forwarding broken: apply refuses it
        unless forced."""
        self.findings[step].append(Finding(BLOCKER, step, text))

    def need_package(self, step: int, name: str) -> None:
        if name not in self.wanted_packages:
            self.wanted_packages.append(name)
        if not self.state.is_installed(name) and name not in self.packages:
            self.packages.append(name)

    def want_service(self, step: int, unit: str) -> None:
        self.wanted_services.setdefault(unit, ({"enabled": True, "active": True}, step))

    def selinux_port(self, step: int, port: int, type_: str = "audit_port_t",
                     acceptable: Tuple[str, ...] = ()) -> None:
        """The port must carry `type_` (or one of `acceptable`) for the daemon to use it."""
        self.wanted_selinux.setdefault(("tcp", port), (acceptable or (type_,), type_, step))

    def firewall_port(self, step: int, port: int) -> None:
        """A receiver's port: open to everyone, or with allowed senders only to them (rich
        rules) and closed to everyone else, in the runtime and the permanent configuration."""
        senders = list(self.answers.receiver.allowed_senders)
        wanted = self.wanted_firewall.setdefault(self.state.firewall_zone, {})
        for config in system.FIREWALL_CONFIGS:
            wanted[(config, "port", f"{port}/tcp")] = (not senders, step)
            for source in senders:
                wanted[(config, "rich-rule", port_rule(source, port))] = (True, step)


def release(ctx: PlanContext) -> None:
    """Start from the base: every key and file the ledger says the wizard set goes back to
    what was there before, unless it was changed since (then it is the admin's and stays)."""
    by_path: Dict[str, List[dict]] = {}
    for artifact, item in ctx.ledger.items():
        if artifact.startswith("key:"):
            by_path.setdefault(artifact[4:].rsplit(":", 1)[0], []).append(item)
    for path, entries in sorted(by_path.items()):
        current = ctx.files.get(path)
        if current is None:
            for item in entries:
                _drifted(ctx, item, "%s is gone" % path)
            continue
        text, drifted = L.release_keys(current, entries)
        for item in drifted:
            _drifted(ctx, item, "%s %s" % (path, item["artifact"].rsplit(":", 1)[1]))
        if text != current:
            released = {e["artifact"].rsplit(":", 1)[1]: e.get("step", 9) for e in entries if e not in drifted}
            ctx.drafts.release(min(released.values()), path, text, released)
    for artifact, item in sorted(ctx.ledger.items()):
        if artifact.startswith("file:"):
            path = artifact[len("file:"):]
            put_back, before_text = L.release_file(ctx.files.get(path), item)
            if put_back:
                ctx.drafts.release(item.get("step", 9), path, before_text)
            else:
                _drifted(ctx, item, path)


def _drifted(ctx: PlanContext, item: dict, what: str) -> None:
    ctx.note(item.get("step", 9), "%s was changed since auditd-wizard set it; it is left as it "
                                  "is and no longer counted as the wizard's." % what)


def run_steps(ctx: PlanContext) -> None:
    """Every step of the nine, in order: auditd's own part, then the chosen method's."""
    method = method_for(ctx.answers)
    auditd.install(ctx)
    method.install(ctx)
    auditd.auditd_conf(ctx)
    plan_access_log(ctx)
    if ctx.sender:
        method.plugin(ctx)
        method.remote(ctx)
    else:
        ctx.note(3, "Nothing to do on a receiver: the plugin runs on each sender.")
        ctx.note(4, "Nothing to do on a receiver: each sender names this host as its remote server.")
    method.selinux_firewall(ctx)
    if ctx.sender:
        ctx.note(6, "Nothing to do on a sender. On the receiver run this wizard with the role "
                    "'receiver' (or use the receiver answers file offered at the end).")
    else:
        method.receiver(ctx)
    security.step_security(ctx, method)


def plan(answers: Answers, facts: HostFacts, state: SystemState,
         files: Mapping[str, Optional[str]], defaults: Optional[Mapping[str, str]] = None,
         ledger: Optional[L.Ledger] = None) -> Plan:
    ctx = PlanContext(answers, facts, state, files, defaults or {}, ledger)
    release(ctx)
    run_steps(ctx)
    ctx.note(7, "Run the connection and delivery test after applying (auditd-wizard test)."
             if ctx.sender else
             "After applying, the test starts on a sender; here `auditd-wizard test --expect "
             "TAG` (or F5 on this step) waits for the event tagged TAG that the sender's test "
             "printed.")
    ctx.note(9, "Run the diagnostics after applying (auditd-wizard doctor).")
    return assemble(ctx)


def _kept_packages(ctx: PlanContext) -> L.Ledger:
    """Packages the wizard installed stay installed (and stay in the ledger); say so when the
    answers no longer need them."""
    kept = {a: e for a, e in ctx.ledger.items() if a.startswith("package:")}
    unneeded = [a.split(":", 1)[1] for a in sorted(kept)
                if a.split(":", 1)[1] not in ctx.wanted_packages and ctx.state.is_installed(a.split(":", 1)[1])]
    if unneeded:
        ctx.note(1, "Installed by auditd-wizard earlier and not needed by these answers: %s. "
                    "Packages stay installed (remove them with `dnf remove %s` if nothing else "
                    "uses them)." % (", ".join(unneeded), " ".join(unneeded)))
    for name in ctx.packages:
        artifact = L.package_artifact(name)
        kept.setdefault(artifact, L.entry(artifact, 1, {"installed": False}, {"installed": True}))
    return kept


def _file_entries(ctx: PlanContext) -> L.Ledger:
    """Ledger entries of the keys and whole files the plan leaves different from the base."""
    entries: L.Ledger = {}
    finals = {d.path: d.text for d in ctx.drafts.all()}
    for (path, key), change in ctx.drafts.key_changes.items():
        item = L.key_entry(path, key, change.step, change.before, finals[path] or "")
        if item is not None:
            entries[item["artifact"]] = item
    for path, step in ctx.drafts.owned.items():
        draft = ctx.drafts.get(path)
        if draft.text is None or draft.text == draft.base:
            continue
        before: Dict[str, Any] = {"exists": draft.base is not None}
        if draft.base is not None:
            before["content"] = draft.base
        artifact = L.file_artifact(path)
        entries[artifact] = L.entry(artifact, step, before, {"sha256": L.sha256_text(draft.text)})
    return entries


def _list_restarts_where_they_run(changes: List[Change]) -> None:
    """A restart runs after every change before it (the SELinux labels of step 5, the keys of
    step 8), so it is listed under the last of their steps, not under the step of its files."""
    last = 0
    for change in changes:
        step = int(change.group) if change.group.isdigit() else 0
        if isinstance(change, Restart):
            change.group = str(max(step, last))
        last = max(last, step)


def assemble(ctx: PlanContext) -> Plan:
    selinux_changes, selinux_entries = system.selinux(ctx)
    firewall_changes, firewall_entries = system.firewall(ctx)
    service_changes, service_entries = system.services(ctx)
    restarts: List[Change] = []
    for method in METHODS.values():
        restarts.extend(method.restart(ctx, selinux_changes))
    restarts.extend(auditd.restart(ctx, selinux_changes))

    new_ledger: L.Ledger = {}
    for part in (_kept_packages(ctx), _file_entries(ctx), selinux_entries, firewall_entries,
                 service_entries):
        new_ledger.update(part)
    changes: List[Change] = []
    if ctx.packages:
        changes.append(InstallPackages(ctx.packages, group="1"))
    for draft in ctx.drafts.changed():
        step = str(min(ctx.drafts.steps_of(draft)))
        if draft.original is None and draft.edits and draft.text is not None:
            # a file a package may bring (installed by this plan): the edits go to that file
            changes.append(EditFile(draft.path, draft.text, group=step,
                                    editor=KEY_EDITOR, edits=draft.edits, base=draft.base or ""))
            continue
        if draft.text is None:
            changes.append(RemoveFile(draft.path, group=step,
                                      prune_dirs=auditd.PRUNE_WITH.get(draft.path, [])))
        else:
            changes.append(WriteFile(draft.path, draft.text,
                                     mode=None if draft.original is not None else draft.mode, group=step))
    changes.extend(selinux_changes + firewall_changes + ctx.commands + auditd.reload_units(ctx)
                   + service_changes)
    changes.extend(restarts)
    _list_restarts_where_they_run(changes)

    steps = {s.number: StepPlan(s.number, findings=list(ctx.findings[s.number])) for s in STEPS}
    for number, step_plan in steps.items():
        step_plan.diffs = [PreviewItem(path, "diff", diff)
                           for path, diff in ctx.drafts.step_diffs(number)]
        step_plan.commands = [c for c in changes if c.group == str(number)
                         and not isinstance(c, (WriteFile, RemoveFile))]
    return Plan(steps=steps, changes=changes, ledger=new_ledger,
                ledger_changes=L.ledger_changes(ctx.ledger, new_ledger))
