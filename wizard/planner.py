"""answers + host facts + current files -> the ordered Changes, grouped by the nine steps.

Pure: no I/O. The caller reads the files and the system state (wizard.session does).
Where the popular guide is wrong the planner does what audit-facts.md says instead; the
matching row of seed-errors.md is cited in a comment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

from backends.changes import (Change, FirewallPort, InstallPackages, Restart,
                              SELinuxPort, ServiceState, WriteFile)
from wizard.conf import KeyValueFile
from wizard.drafts import Drafts
from wizard.facts import HostFacts
from wizard.model import Answers
from wizard.probe import SystemState
from wizard.steps import STEPS
from wizard import rsyslog_plan, security_plan

AUDIT_PORT = 60


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

    @property
    def native(self) -> bool:
        return self.answers.method == "audisp-remote"

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


# ---------------------------------------------------------------- step 1
def step_install(ctx: PlanContext) -> None:
    if not ctx.state.is_installed("audit"):
        ctx.need_package(1, "audit")
    if ctx.sender and ctx.native:
        ctx.need_package(1, "audispd-plugins")   # seed-errors #1: audisp-remote ships here, not in audit-libs
    if not (ctx.state.enabled.get("auditd") and ctx.state.active.get("auditd")):
        ctx.commands.append(ServiceState("auditd", enabled=True, active=True, group="1"))


# ---------------------------------------------------------------- step 2
def step_auditd_conf(ctx: PlanContext) -> None:
    a = ctx.answers.auditd
    values = {"name_format": a.name_format, "log_format": a.log_format,
              "overflow_action": a.overflow_action.upper()}
    if a.name_format == "user":
        values["name"] = a.name
    if a.name_format in ("fqd", "numeric"):
        # Seen with the real auditd: it resolves its host name at start and exits 1 if it can't.
        ctx.note(2, f"name_format = {a.name_format}: auditd looks up this host's name "
                    f"({ctx.facts.hostname}) when it starts and refuses to start when the name "
                    "does not resolve; check `getent hosts $(hostname)` first.")
    # seed-errors #4: `enable_krb5 = no` is a receiver key of EL7; nothing to add on 3.x.
    ctx.drafts.set_keys(2, ctx.layout.auditd_conf, values)


# ---------------------------------------------------------------- step 3
def step_plugin(ctx: PlanContext) -> None:
    if not ctx.sender:
        ctx.note(3, "Nothing to do on a receiver: the plugin runs on each sender.")
        return
    if not ctx.native:
        rsyslog_plan.sender_plugin(ctx)
        return
    # seed-errors #5/#6: plugins.d/au-remote.conf, `type = always` (builtin is obsolete)
    ctx.drafts.set_keys(3, ctx.layout.au_remote_conf, {
        "active": "yes", "direction": "out", "path": ctx.layout.audisp_remote_bin,
        "type": "always", "format": "string"})


# ---------------------------------------------------------------- step 4
def step_remote(ctx: PlanContext) -> None:
    if not ctx.sender:
        ctx.note(4, "Nothing to do on a receiver: each sender names this host as its remote server.")
        return
    if not ctx.native:
        rsyslog_plan.sender_forwarding(ctx)
        return
    r = ctx.answers.remote
    values = {"remote_server": r.server, "port": str(r.port), "mode": r.mode,
              "queue_depth": str(r.queue_depth), "format": "managed",   # seed-errors #8
              "network_failure_action": r.network_failure_action,       # seed-errors #9
              "heartbeat_timeout": str(r.heartbeat_timeout)}
    if r.mode == "forward":
        values["queue_file"] = r.queue_file
        # Observed on audit 3.0.9: the queue file is allocated up front, about 12 KiB a slot.
        ctx.note(4, f"mode = forward keeps unsent events in {r.queue_file}; audisp-remote "
                    f"allocates it up front: about {r.queue_depth * 12 // 1024} MiB for "
                    f"queue_depth = {r.queue_depth}.")
    current = ctx.drafts.get(ctx.layout.audisp_remote_conf)
    has_local_port = KeyValueFile.parse(current.text).get("local_port") is not None
    if r.local_port:
        values["local_port"] = str(r.local_port)
    elif has_local_port:
        values["local_port"] = "any"
    ctx.drafts.set_keys(4, ctx.layout.audisp_remote_conf, values)


# ---------------------------------------------------------------- step 5
def step_selinux_firewall(ctx: PlanContext) -> None:
    a = ctx.answers
    if not ctx.native:
        rsyslog_plan.selinux_firewall(ctx)
        return
    # seed-errors #10: no auditd_network_connect boolean; audit_port_t is tcp/60 only
    if ctx.sender:
        if a.remote.port != AUDIT_PORT:
            ctx.selinux_port(5, a.remote.port)
        if 0 < a.remote.local_port < 1024 and a.remote.local_port != AUDIT_PORT:
            ctx.selinux_port(5, a.remote.local_port)
        # seed-errors #11: outbound traffic is not blocked; the receiver opens the port
        ctx.note(5, "No firewall change on a sender: outgoing connections are allowed by "
                    "default; the receiver opens its port.")
    else:
        if a.receiver.listen_port != AUDIT_PORT:
            ctx.selinux_port(5, a.receiver.listen_port)
        ctx.firewall_port(5, a.receiver.listen_port)


# ---------------------------------------------------------------- step 6
def step_receiver(ctx: PlanContext) -> None:
    if ctx.sender:
        ctx.note(6, "Nothing to do on a sender. On the receiver run this wizard with the role "
                    "'receiver' (or use the receiver answers file offered at the end).")
        return
    if not ctx.native:
        rsyslog_plan.receiver(ctx)
        return
    r = ctx.answers.receiver
    # seed-errors #12: local_events alone does not listen
    values = {"tcp_listen_port": str(r.listen_port), "tcp_listen_queue": str(r.listen_queue),
              "tcp_max_per_addr": str(r.max_per_addr), "tcp_client_max_idle": str(r.client_max_idle),
              "local_events": "yes" if r.local_events else "no"}
    remove = ()
    if r.client_ports:
        values["tcp_client_ports"] = r.client_ports
    else:
        remove = ("tcp_client_ports",)
    ctx.drafts.set_keys(6, ctx.layout.auditd_conf, values, remove=remove)


# ---------------------------------------------------------------- restart
AUDIT_FILES_ATTRS = ("auditd_conf", "au_remote_conf", "audisp_remote_conf", "syslog_plugin_conf")


def restart_changes(ctx: PlanContext) -> List[Change]:
    audit_files = {getattr(ctx.layout, attr) for attr in AUDIT_FILES_ATTRS}
    changed = [d for d in ctx.drafts.changed() if d.path in audit_files]
    if not changed:
        return []
    last_step = str(max(max(d.step_diffs) for d in changed))
    if not ctx.state.active.get("auditd"):
        return []   # step 1 starts it, after the files are written
    # seed-errors #2: never `systemctl restart auditd` (RefuseManualStop=yes)
    *stop, start = ctx.facts.layout.restart_commands(ctx.facts.has_service)
    return [Restart(start=start, stop=stop[0] if stop else None, unit="auditd", group=last_step,
                    description="Restart auditd so it and audisp-remote read the new files")]


STEP_FUNCTIONS = (step_install, step_auditd_conf, step_plugin, step_remote,
                  step_selinux_firewall, step_receiver, security_plan.step_security)


def plan(answers: Answers, facts: HostFacts, state: SystemState,
         files: Mapping[str, Optional[str]], defaults: Mapping[str, str] = None) -> Plan:
    ctx = PlanContext(answers, facts, state, files, defaults or {})
    for function in STEP_FUNCTIONS:
        function(ctx)
    ctx.note(7, "Run the connection and delivery test after applying (auditd-wizard test).")
    ctx.note(9, "Run the diagnostics after applying (auditd-wizard doctor).")
    return _assemble(ctx)


def _assemble(ctx: PlanContext) -> Plan:
    changes: List[Change] = []
    if ctx.packages:
        changes.append(InstallPackages(ctx.packages, group="1"))
    for draft in ctx.drafts.changed():
        changes.append(WriteFile(draft.path, draft.text, mode=None if draft.original is not None else draft.mode,
                                 group=str(draft.first_step)))
    commands = sorted(ctx.commands, key=lambda c: isinstance(c, ServiceState))  # services last
    changes.extend(commands)
    changes.extend(restart_changes(ctx))

    steps = {s.number: StepPlan(s.number, notes=list(ctx.notes[s.number])) for s in STEPS}
    for number, step in steps.items():
        step.diffs = [PreviewItem(path, "diff", diff) for path, diff in ctx.drafts.step_diffs(number)]
        step.commands = [c for c in changes if c.group == str(number) and not isinstance(c, WriteFile)]
    return Plan(steps=steps, changes=changes)
