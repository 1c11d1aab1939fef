"""answers + host facts + current files -> the ordered Changes, grouped by the nine steps.

Pure: no I/O. The caller reads the files and the system state (wizard.session does).
Where the popular guide is wrong the planner does what audit-facts.md says instead; the
matching row of seed-errors.md is cited in a comment. What every method sets in auditd
itself is in wizard.plan.auditd; each forwarding method is a module of wizard.plan.methods.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

from backends.changes import (Change, EditFile, FirewallPort, InstallPackages, SELinuxPort,
                              ServiceState, WriteFile)
from wizard.facts import HostFacts
from wizard.model import Answers
from wizard.plan import auditd, security
from wizard.plan.drafts import KEY_EDITOR, Drafts
from wizard.plan.methods import method_for
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
    notes: List[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.diffs or self.commands)


@dataclass
class Plan:
    steps: Dict[int, StepPlan]
    changes: List[Change]

    @property
    def empty(self) -> bool:
        return not self.changes

    def step_changes(self, number: int) -> List[Change]:
        return [c for c in self.changes if c.group == str(number)]


class PlanContext:
    """What every step function gets: the inputs plus the drafts and the command changes."""

    def __init__(self, answers: Answers, facts: HostFacts, state: SystemState,
                 files: Mapping[str, Optional[str]], defaults: Mapping[str, str]):
        self.answers, self.facts, self.state = answers, facts, state
        self.layout = facts.layout
        self.drafts = Drafts(files, defaults)
        self.files = files
        self.commands: List[Change] = []
        self.notes: Dict[int, List[str]] = {s.number: [] for s in STEPS}
        self.packages: List[str] = []

    @property
    def sender(self) -> bool:
        return self.answers.role == "sender"

    def note(self, step: int, text: str) -> None:
        self.notes[step].append(text)

    def need_package(self, step: int, name: str) -> None:
        if not self.state.is_installed(name) and name not in self.packages:
            self.packages.append(name)

    def selinux_port(self, step: int, port: int, type_: str = "audit_port_t") -> None:
        a = self.answers
        if not a.selinux.manage or self.facts.selinux_mode.lower() == "disabled":
            return
        if self.state.port_types.get(("tcp", port)) == type_:
            return
        self.commands.append(SELinuxPort(port, type=type_, proto="tcp", group=str(step)))

    def firewall_port(self, step: int, port: int) -> None:
        a = self.answers
        if not a.firewall.manage or not self.state.firewall_running:
            return
        wanted = FirewallPort(port, proto="tcp", zone=self.state.firewall_zone,
                              sources=list(a.receiver.allowed_senders), group=str(step))
        present = {"port": self.state.open_ports, "rich-rule": self.state.rich_rules}
        if all(value in present[option] for option, value in wanted.rules()):
            return
        self.commands.append(wanted)


def run_steps(ctx: PlanContext) -> None:
    """Every step of the nine, in order: auditd's own part, then the chosen method's."""
    method = method_for(ctx.answers)
    auditd.install(ctx)
    method.install(ctx)
    auditd.auditd_conf(ctx)
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
    method.restart(ctx)


def plan(answers: Answers, facts: HostFacts, state: SystemState,
         files: Mapping[str, Optional[str]], defaults: Mapping[str, str] = None) -> Plan:
    ctx = PlanContext(answers, facts, state, files, defaults or {})
    run_steps(ctx)
    ctx.note(7, "Run the connection and delivery test after applying (auditd-wizard test).")
    ctx.note(9, "Run the diagnostics after applying (auditd-wizard doctor).")
    return assemble(ctx)


def assemble(ctx: PlanContext) -> Plan:
    changes: List[Change] = []
    if ctx.packages:
        changes.append(InstallPackages(ctx.packages, group="1"))
    for draft in ctx.drafts.changed():
        if draft.original is None and draft.edits:
            # a file a package may bring (installed by this plan): the edits go to that file
            changes.append(EditFile(draft.path, draft.text, group=str(draft.first_step),
                                    editor=KEY_EDITOR, edits=draft.edits, base=draft.base))
            continue
        changes.append(WriteFile(draft.path, draft.text, mode=None if draft.original is not None else draft.mode,
                                 group=str(draft.first_step)))
    commands = sorted(ctx.commands, key=lambda c: isinstance(c, ServiceState))  # services last
    changes.extend(commands)
    changes.extend(auditd.restart(ctx))

    steps = {s.number: StepPlan(s.number, notes=list(ctx.notes[s.number])) for s in STEPS}
    for number, step in steps.items():
        step.diffs = [PreviewItem(path, "diff", diff) for path, diff in ctx.drafts.step_diffs(number)]
        step.commands = [c for c in changes if c.group == str(number) and not isinstance(c, WriteFile)]
    return Plan(steps=steps, changes=changes)
