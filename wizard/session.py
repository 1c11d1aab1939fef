"""What the CLI and the screens talk to: the answers being edited, the host's facts, the plan
for a step, apply, history and rollback. Screens never touch backends directly."""
from __future__ import annotations

import difflib
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from pydantic import ValidationError

from backends import transaction
from backends.host import Host
from backends.lock import make_private_dir
from backends.runner import CommandError
from wizard import export, tls, trial
from wizard.answers import dump_answers, load_answers, parse_answers
from wizard.compliance.view import planned_view
from wizard.detect.answers import detect
from wizard.doctor import api as doctor_api, delivery, engine
from wizard.facts import HostFacts
from wizard.first_look import FirstLook, first_look
from wizard.model import SECTIONS, Answers, field_error, field_value, validate_answers
from wizard.packaged import packaged_defaults
from wizard.plan.core import Plan, PreviewItem, plan as make_plan
from wizard.plan.errors import PlanError
from wizard.plan.ledger import read_ledger
from wizard.plan.methods.rsyslog_dropins import QUEUE_NAME
from wizard.plan.preflight import HostChecks, preflight
from wizard.plan.queues import RSYSLOG_WORK_DIR, native_queues, rsyslog_queue
from wizard.plan.security import planning_paths
from wizard.probe import SystemState, read_system_state
from wizard.receiver_answers import receiver_answers_text
from wizard.rsyslog_config import read_files
from wizard.security_report import build_security_report, read_file_stats


def _answers_allowing_gaps(data: dict) -> Answers:
    """Answers from already-validated values, even when a check across fields still fails."""
    try:
        return Answers.model_validate(data)
    except ValidationError:
        sections: Dict[str, Any] = {}     # section name -> that section's model
        for name, model in SECTIONS.items():
            try:
                sections[name] = model.model_validate(data[name])
            except ValidationError:
                sections[name] = model.model_construct(**data[name])
        return Answers.model_construct(role=data["role"], method=data["method"], **sections)


class ExportRefused(Exception):
    """An export that cannot be written as asked; the message says why in words."""


class NeedsConfirmation(Exception):
    """Writing would replace something: the message says what; ask, then call again with
    replace=True."""


def _typed_path(text, label: str, what: str) -> Path:
    """A path typed in a form (or a Path): never empty (no silent "current directory"),
    ~ expanded."""
    text = str(text).strip() if isinstance(text, Path) else (text or "").strip()
    if not text:
        raise ExportRefused(f"{label}: type {what}")
    return Path(text).expanduser().resolve()


@contextmanager
def _in_words(target: Path):
    """OSError as one sentence ("Cannot write /srv/x: permission denied"), not `[Errno 13] ...`."""
    try:
        yield
    except OSError as error:
        where = error.filename or target
        reason = (error.strerror or str(error)).lower()
        raise ExportRefused(f"Cannot write {where}: {reason}") from None


def _free_bytes(path: Path) -> Optional[int]:
    """Free space (for root) on the filesystem that holds `path` or its nearest existing folder."""
    for folder in [path, *path.parents]:
        try:
            found = os.statvfs(str(folder))
        except OSError:
            continue
        return found.f_bavail * found.f_frsize
    return None


def _resolves(runner, name: str) -> Optional[bool]:
    """Does `getent hosts NAME` find it (None: cannot be asked here)."""
    try:
        return runner.run(["getent", "hosts", name], ok_codes=(0, 2), timeout=30).exit_code == 0
    except CommandError:
        return None


def problems_of(answers: Answers) -> List[str]:
    return validate_answers(answers.model_dump())[1]


# Answers a preview can do without: planned with a stand-in that is a valid value (so the
# planner runs unchanged) and shown as a marked gap. Apply never sees these: plan() refuses.
PLACEHOLDERS = {
    "remote.server": ("receiver-not-set-yet.invalid", "<receiver: not set yet>"),
    "auditd.name": ("node-name-not-set-yet", "<node name: not set yet>"),
    "security.peer_names": ("certificate-names-not-set-yet.invalid", "<certificate names: not set yet>"),
}
# Answers that change what the host is asked (the firewall zone's rules, which services and
# packages matter): a new value reads the system state again.
PROBED_FIELDS = ("firewall.zone", "method", "role")


def _value(answers: Answers, dotted: str):
    value = answers
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _missing(answers: Answers) -> List[str]:
    """The fields still missing that a preview can show as a placeholder."""
    fields = [problem.split(":", 1)[0] for problem in problems_of(answers)]
    return [field for field in PLACEHOLDERS if field in fields]


def _filled(answers: Answers, fields: List[str]) -> Answers:
    data = answers.model_dump()
    for dotted in fields:
        section, key = dotted.split(".")
        stand_in = PLACEHOLDERS[dotted][0]
        data[section][key] = [stand_in] if isinstance(data[section][key], list) else stand_in
    return _answers_allowing_gaps(data)


def _shown(item: PreviewItem) -> PreviewItem:
    """A preview item with every stand-in replaced by its marked gap."""
    title, text = item.title, item.text
    for stand_in, shown in PLACEHOLDERS.values():
        title, text = title.replace(stand_in, shown), text.replace(stand_in, shown)
    return type(item)(title, item.kind, text)


class Session:
    def __init__(self, host: Host, facts: HostFacts, answers: Answers,
                 previous_config_found: bool = False, unrepresented: Optional[List[str]] = None):
        self._host = host
        self.facts = facts
        self.answers = answers
        self.previous_config_found = previous_config_found
        self.unrepresented = unrepresented or []
        self._state: Optional[SystemState] = None
        self._plan: Optional[Plan] = None
        self._preview: Optional[Plan] = None     # with placeholders (preview_plan)
        self.answers_path: Optional[Path] = None   # the answers file the session was opened with

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, root: str = "/", answers_path: Optional[str] = None,
             look: Optional[FirstLook] = None) -> "Session":
        """`look`: what Welcome already read of this host (first_look), not read again."""
        look = look or first_look(root, answers_path)
        host, facts = look.host, look.facts
        found = detect(host, facts, look.setups)
        answers = load_answers(answers_path) if answers_path else found.answers
        session = cls(host, facts, answers, found.configured, found.unrepresented)
        session.answers_path = Path(answers_path).resolve() if answers_path else None
        return session

    @property
    def root(self) -> Path:
        return self._host.root

    @property
    def is_sandbox(self) -> bool:
        return self._host.is_sandbox

    # ------------------------------------------------------------ answers
    def set_field(self, dotted: str, value) -> Optional[str]:
        """Validate one field and keep it when valid; returns the message otherwise.

        A check across fields that fails because of *another* field (a sender without
        remote.server yet, name_format "user" before the name is typed) does not refuse this
        one: the value is kept and problems() reports the other field, as a form fills in."""
        message = field_error(dotted, value)
        if message:
            return message
        data = self.answers.model_dump()
        section, _, key = dotted.rpartition(".")
        target = data[section] if section else data
        target[key] = field_value(dotted, value)
        answers = _answers_allowing_gaps(data)
        mine = [p for p in problems_of(answers) if p.split(":", 1)[0] == dotted]
        if mine:
            return mine[0]
        if dotted in PROBED_FIELDS and _value(answers, dotted) != _value(self.answers, dotted):
            self._state = None
        self.answers = answers
        self._plan = self._preview = None
        return None

    def problems(self) -> List[str]:
        """What is still missing or inconsistent across fields, one message per field."""
        return problems_of(self.answers)

    def preview_problems(self) -> List[str]:
        """problems() less the answers a preview fills with a placeholder."""
        missing = _missing(self.answers)
        return [p for p in self.problems() if p.split(":", 1)[0] not in missing]

    def placeholders(self) -> List[str]:
        """The fields a preview now shows as a marked gap (like "<receiver: not set yet>")."""
        return _missing(self.answers)

    def replace_answers(self, answers: Answers) -> None:
        self.answers = answers
        self._state = self._plan = self._preview = None

    def answers_toml(self) -> str:
        return dump_answers(self.answers)

    # ------------------------------------------------------------ planning
    def system_state(self) -> SystemState:
        zone = self.answers.firewall.zone
        if self._state is None or (zone and self._state.firewall_zone != zone):
            self._state = read_system_state(
                self._host, zone=zone, selinux_enabled=self.facts.selinux_mode.lower() != "disabled",
                other_zones={a.split(":")[1] for a in self.ledger() if a.startswith("firewall:")})
        return self._state

    def ledger(self) -> Dict[str, dict]:
        """What the wizard set on this host and what was there before (wizard.plan.ledger)."""
        return read_ledger(self._host)

    def current_files(self) -> Dict[str, Optional[str]]:
        """The files the planner reads: the audit files, each method's, the files the ledger
        names, and the whole rsyslog configuration (/etc/rsyslog.conf and what it includes)."""
        paths = self.facts.layout.config_files() + planning_paths(self.facts.layout)
        for artifact in self.ledger():    # files the wizard changed before, whatever they are
            if artifact.startswith("key:"):
                paths.append(artifact[4:].rsplit(":", 1)[0])
            elif artifact.startswith("file:"):
                paths.append(artifact[5:])
        files: Dict[str, Optional[str]] = dict(read_files(self._host))
        files.update({path: self._host.read_text(path) for path in dict.fromkeys(paths)})
        return files

    def _planned(self, answers: Answers) -> Plan:
        state = self.system_state()
        state.file_stats = read_file_stats(self._host, answers, self.facts)
        return make_plan(answers, self.facts, state, self.current_files(),
                         packaged_defaults(self.facts), self.ledger())

    def plan(self) -> Plan:
        """The whole plan; raises PlanError with a user-facing message."""
        problems = self.problems()
        if problems:
            raise PlanError(problems[0])
        if self._plan is None:
            self._plan = self._planned(self.answers)
        return self._plan

    def preview_plan(self) -> Plan:
        """The plan a step's preview shows: with placeholders for answers not given yet (a
        sender's receiver), so steps 1-3 show their changes before step 4 is filled in."""
        missing = _missing(self.answers)
        if not missing:
            return self.plan()
        problems = self.preview_problems()
        if problems:
            raise PlanError(problems[0])
        if self._preview is None:
            self._preview = self._planned(_filled(self.answers, missing))
        return self._preview

    def selinux_label_wanted(self) -> bool:
        """Would the plan label a port for SELinux if allowed to? (Step 5 offers the switch
        only then: a switch that can change nothing is not shown.)"""
        if self.facts.selinux_mode.lower() == "disabled":
            return False
        answers = self.answers.model_copy(update={"selinux": SECTIONS["selinux"](manage=True)})
        answers = _filled(answers, _missing(answers))
        try:
            plan = self._planned(answers)
        except PlanError:
            return False
        return any(change.kind == "selinux-port" for change in plan.changes)

    def plan_error(self) -> Optional[str]:
        try:
            self.plan()
        except PlanError as error:
            return str(error)
        return None

    def preflight(self) -> list:
        """Everything known before applying, for `plan`, Review and `apply`: a list of
        wizard.plan.preflight.Finding(level "blocker" | "warning" | "note", step, text), the
        blockers first. Applying with a blocker fails or leaves forwarding broken, so `apply`
        refuses it unless forced, and Review asks a second time naming them. Raises PlanError
        like plan()."""
        return preflight(self.plan(), self.answers, self.facts, self._host_checks())

    def _host_checks(self):
        a, checks = self.answers, HostChecks()
        if a.role == "sender" and a.method == "audisp-remote" and a.remote.mode != "immediate":
            queue = self._host.path(a.remote.queue_file)
            checks.queue_free_bytes = _free_bytes(queue)
            checks.queue_file_bytes = queue.stat().st_size if queue.is_file() else 0
        if a.role == "sender" and a.method == "rsyslog":
            work = self._host.path(RSYSLOG_WORK_DIR)
            checks.rsyslog_free_bytes = _free_bytes(work)
            checks.rsyslog_queue_bytes = sum(f.stat().st_size for f in work.glob(QUEUE_NAME + "*")
                                             if f.is_file()) if work.is_dir() else 0
        if a.auditd.name_format in ("fqd", "numeric"):
            checks.name_resolves = _resolves(self._host.runner, self.facts.hostname)
        if a.method == "rsyslog" and a.security.encryption == "tls":
            own = [self.facts.fqdn] + ([self.facts.hostname] if a.role == "sender" else [])
            key = self._host.stat(a.security.key_file)
            stats = {a.security.key_file: key} if key is not None else {}
            checks.certificate_problems = [
                f.text for f in tls.certificate_findings(a, own, self._host.read_bytes, stats)
                if f.level == "error" and f.fix is None and self._host.stat(f.subject) is not None]
        return checks

    def what_survives(self) -> Optional[str]:
        """Step 4's one line: the receiver outage this sender's queues survive, at what rate,
        and the disk it costs; None where it does not apply (a receiver, unfinished answers)."""
        a = self.answers
        if a.role != "sender" or self.problems():
            return None
        if a.method == "rsyslog":
            return rsyslog_queue(a, self.facts.event_rate).words()
        return native_queues(a, self.facts.event_rate).words(self.facts.layout.spool_dir)

    def step_preview(self, step: int) -> List[PreviewItem]:
        """This step's file diffs, the exact commands it will run, then its notes."""
        step_plan = self.preview_plan().steps[step]
        commands = [PreviewItem(c.describe(self._host), "command", c.preview(self._host))
                    for c in step_plan.commands]
        items = step_plan.diffs + commands + [PreviewItem(f.level, "note", f.text) for f in step_plan.findings]
        return [_shown(item) for item in items]

    def _refresh(self) -> None:
        self._state = self._plan = self._preview = None

    # ------------------------------------------------------------ applying
    def apply(self, on_event: Optional[Callable] = None, label: str = "apply"):
        changes = self.plan().transaction()
        # The ledger's folder is root-only like the journal (its entries are written 0600).
        make_private_dir(self._host.state_dir())
        make_private_dir(self._host.state_dir() / "ledger")
        try:
            return transaction.Transaction.run(
                self._host, changes, label=label,
                meta={"answers": self.answers_toml(), "role": self.answers.role,
                      "method": self.answers.method}, on_event=on_event)
        finally:
            self._refresh()

    def history(self):
        return transaction.history(self._host)

    def trial_states(self) -> Dict[str, str]:
        """Transaction id -> what became of it as a trial: pending, confirmed, rolled-back
        (not kept in time) or rollback-failed (wizard.trial)."""
        return {t.tx_id: t.status for t in trial.trials(self._host)}

    def interrupted(self):
        """The interrupted transaction (TxSummary) that blocks apply, fixes and confirming a
        trial until `auditd-wizard rollback ID`; None when there is none."""
        return transaction.interrupted(self._host)

    def transaction(self, tx_id: str):
        return transaction.load(self._host, tx_id)

    def rollback(self, tx_id: str, on_event: Optional[Callable] = None, force: bool = False,
                 cascade: bool = False):
        """TxResult; raises transaction.OrderRefused (later transactions touched the same
        things: .later) or DriftRefused (changed since: .drift) before changing anything."""
        try:
            return transaction.rollback(self._host, tx_id, on_event=on_event, force=force,
                                        cascade=cascade)
        finally:
            self._refresh()

    def verify(self):
        """What the wizard owns and what changed since (transaction.VerifyReport)."""
        return transaction.verify(self._host)

    def transaction_preview(self, tx_id: str) -> List[PreviewItem]:
        """What a past transaction changed: file diffs from its backups, and its commands
        (for the History screen)."""
        record = self.transaction(tx_id)
        items: List[PreviewItem] = []
        for change, before in zip(record.changes, record.before):
            content, path = getattr(change, "content", None), getattr(change, "path", None)
            if content is None or not path:
                items.append(PreviewItem(change.describe(), "command", ""))
                continue
            old, existed = "", bool(before and before.get("exists"))
            if before and before.get("backup"):
                backup = self._host.state_dir() / before["backup"]
                old = backup.read_text(errors="replace") if backup.exists() else ""
            diff = difflib.unified_diff(old.splitlines(True), content.splitlines(True),
                                        path if existed else "/dev/null", path)
            items.append(PreviewItem(path, "diff", "".join(diff)))
        return items

    def preview_change(self, change) -> str:
        return change.preview(self._host)

    # ------------------------------------------------------------ fleets (issue #7)
    def export_ansible(self, directory: str, answers_toml: Optional[str] = None,
                       replace: bool = False) -> List[Path]:
        """Write an Ansible playbook for the current answers (end of Review), or for a past
        transaction's answers: `export_ansible(d, session.transaction(tx_id).meta["answers"])`
        (History). Raises ExportRefused / PlanError / AnswersError with a message for the
        user, and NeedsConfirmation (unless `replace`) when the directory is not empty."""
        target = _typed_path(directory, "Directory", "the directory to write the playbook to")
        if target.exists() and not target.is_dir():
            raise ExportRefused(f"{target} is a file; give a directory (a new or empty one)")
        existing = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
        if existing and not replace:
            shown = ", ".join(existing[:4]) + (", ..." if len(existing) > 4 else "")
            raise NeedsConfirmation(f"{target} is not empty ({shown}): the playbook's files "
                                    "in it (site.yml, README.md, roles/, ...) would be replaced.")
        answers = parse_answers(answers_toml, "transaction answers") if answers_toml else self.answers
        with _in_words(target):
            return export.export_ansible(answers, target, event_rate=self.facts.event_rate)

    def write_receiver_answers(self, sender_address: str, path: str,
                               replace: bool = False) -> Path:
        """Write the receiver's answers matching this sender to `path`. Raises ExportRefused,
        ReceiverAnswersError, or NeedsConfirmation (unless `replace`) when the file exists,
        and in particular when it is the answers file this session was opened with."""
        target = _typed_path(path, "File", "the file to write the receiver's answers to")
        text = self.receiver_answers(sender_address)
        if target.is_dir():
            raise ExportRefused(f"{target} is a directory; give a file name (like receiver.toml)")
        if target.exists() and not replace:
            mine = self.answers_path is not None and target == self.answers_path
            raise NeedsConfirmation(
                f"{target} is the answers file this wizard was started with (this sender's "
                "answers): replace it with the receiver's?" if mine else
                f"{target} exists: replace it with the receiver's answers?")
        with _in_words(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return target

    def receiver_answers(self, sender_address: str, merge_into: Optional[str] = None) -> str:
        """The receiver's answers (TOML text) matching this sender's answers, allowing
        `sender_address`; `merge_into` is an existing receiver answers TOML to add this sender
        to. Raises ReceiverAnswersError (or AnswersError for merge_into) with the reason."""
        existing = parse_answers(merge_into, "receiver answers") if merge_into else None
        return receiver_answers_text(self.answers, sender_address, existing, self.facts.fqdn)

    # ------------------------------------------------------------ security (step 8)
    def security_report(self):
        """What the Security step shows: principals, keytab and certificate findings, access
        control, the compliance rows and whether TLS-PSK is available (wizard.security_report)."""
        return build_security_report(self._host, self.facts, self.answers, self.system_state(),
                                     self.compliance_view())

    def compliance_view(self, planned: bool = True):
        """The content's STIG rules for this release checked on the host as the plan leaves it
        (as it is now when not `planned`, or while the answers cannot be planned yet):
        wizard.compliance.view."""
        changes, error = [], None
        if planned:
            try:
                changes = self.plan().changes
            except PlanError as problem:
                error = str(problem)
        return planned_view(self._host, self.facts, self.answers, self.system_state(), changes,
                            error, planned)

    # ------------------------------------------------------------ troubleshoot (step 9)
    def diagnostic_role(self) -> Optional[str]:
        """Which end the checks look at: the configured one, or None on an unconfigured host."""
        return self.answers.role if self.previous_config_found else None

    def diagnose(self, on_progress: Optional[Callable] = None, role: Optional[str] = None) -> list:
        """Every applicable check as a Finding (wizard.doctor.model); on_progress(i, n, name)."""
        return doctor_api.run_diagnosis(self._host, self.facts, self.answers,
                                        role or self.diagnostic_role(), on_progress)

    def fix_changes(self, findings) -> list:
        return engine.fix_changes(self._host, self.facts, findings)

    def fix_preview(self, findings) -> List[PreviewItem]:
        """What applying the fixes of `findings` would do: diffs and commands."""
        return [PreviewItem(c.describe(self._host), "diff" if getattr(c, "content", None) is not None
                            else "command", c.preview(self._host)) for c in self.fix_changes(findings)]

    def apply_fixes(self, findings, on_event: Optional[Callable] = None):
        try:
            return doctor_api.apply_fixes(self._host, self.facts, findings, on_event)
        finally:
            self._refresh()

    # ------------------------------------------------------------ test (step 7)
    def run_test(self, on_progress: Optional[Callable] = None, receiver_ssh: Optional[str] = None,
                 nonce: Optional[str] = None, timeout: float = 5.0):
        """A sender's live test: TestReport with one Finding per step (what ran, what it saw)."""
        return delivery.test_sender(self._host, self.facts, doctor_api.connector_for(self._host),
                                    receiver_ssh, nonce, timeout, on_progress)

    def expect_test_event(self, nonce: str, node: Optional[str] = None, wait: float = 10.0,
                          log: Optional[str] = None, on_progress: Optional[Callable] = None):
        """On the receiver: has the sender's tagged event arrived? TestReport."""
        return delivery.expect(self._host, self.facts, nonce, node, log or delivery.RECEIVED_LOG,
                               wait, on_progress)

    # ------------------------------------------------------------ trial apply (Review checkbox)
    def apply_trial(self, seconds: int, on_event: Optional[Callable] = None,
                    on_progress: Optional[Callable] = None):
        """Apply, arm the automatic rollback, run the step-7 checks. Keep with confirm_trial()
        before `seconds` pass, or the host goes back to how it was (trial.TrialResult)."""
        result = self.apply(on_event=on_event, label=f"apply as a trial ({int(seconds)} s to keep it)")
        if not result.ok:
            return trial.TrialResult(result)
        armed = trial.start(self._host, result.tx_id, seconds)
        if self.answers.role == "sender":
            checks = self.run_test(on_progress=on_progress).steps
        else:
            checks = [f for f in self.diagnose(on_progress=on_progress, role="receiver")
                      if f.check in ("auditd-service", "receiver-listen", "firewall", "selinux-avc")]
        return trial.TrialResult(result, armed, checks)

    def confirm_trial(self, tx_id: Optional[str] = None):
        """The Keep button: raises trial.TrialError when nothing waits (or it already expired)."""
        return trial.confirm(self._host, tx_id)

    def pending_trial(self):
        return trial.pending(self._host)
