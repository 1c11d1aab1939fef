"""Review & apply: the whole plan grouped by step; Apply runs in a thread worker with a
progress bar and a live log; the outcome says what happened and how to undo it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from wizard.plan.core import PreviewItem
from wizard.plan.errors import PlanError
from wizard.plan.ledger import RECORD_HEADING
from wizard.steps import STEPS
from screens.ask import Ask
from screens.confirm_apply import ConfirmApplyScreen
from screens.export import ExportScreen
from screens.findings_view import progress_text
from screens.forms import in_words
from screens.keybar import KeyBar
from screens.shell import shell
from screens.trial_box import TrialChoice
from screens.widgets import AsciiProgress, LineLog, Plain, Preview, render_preview

if TYPE_CHECKING:
    from wizard.trial import Trial


EVENT_WORDS = {"start": "Start", "undo": "Undone", "done": "Finished"}


class Applied(Message):
    """The apply worker finished (ok or rolled back)."""

    def __init__(self, result):
        super().__init__()
        self.result = result


def plan_text(session, colour: bool):
    """The whole plan as one Text, grouped by step; or the reason there is none."""
    try:
        plan = session.plan()
    except PlanError as error:
        return None, f"Cannot apply these answers: {error}"
    except Exception as error:
        return None, f"Cannot plan yet: {error}"
    out = Text()
    record = plan.own_record()
    if record:     # applied first, counted in "N changes" like the rest
        out.append(f"== {RECORD_HEADING}\n", style="bold" if colour else "")
        out.append_text(render_preview([PreviewItem(c.describe(), "command", "") for c in record],
                                       colour))
        out.append("\n\n")
    for step in STEPS:
        step_plan = plan.steps[step.number]
        if not step_plan.has_changes:
            continue
        out.append(f"== Step {step.number}: {step.title}\n", style="bold" if colour else "")
        items = [i for i in session.step_preview(step.number) if i.kind != "note"]
        out.append_text(render_preview(items, colour))
        out.append("\n\n")
    if plan.empty:
        return plan, "Nothing to change: this host already matches your answers."
    return plan, out


def preflight_text(session, colour: bool):
    """(the blockers' texts, the preflight's blockers and warnings as Text): what is known
    before applying (Session.preflight); the notes stay with their steps."""
    try:
        findings = session.preflight()
    except Exception:     # plan_text already says why there is no plan
        return [], Text()
    shown = [f for f in findings if f.level in ("blocker", "warning")]
    out = Text()
    if shown:
        out.append("== Before applying\n", style="bold" if colour else "")
    for f in shown:
        label = "BLOCKER" if f.level == "blocker" else "Warning"
        out.append(f"{label} (step {f.step}): ", style=("bold red" if f.level == "blocker" else "bold")
                   if colour else "")
        out.append(in_words(f.text) + "\n")
    return [in_words(f.text.splitlines()[0]) for f in findings if f.level == "blocker"], out


def fixes_text(session, findings, colour: bool):
    """The doctor's chosen fixes as diffs and commands; or the reason there are none."""
    try:
        items = session.fix_preview(findings)
    except Exception as error:
        return [], f"Cannot plan these fixes: {error}"
    out = Text()
    for finding in findings:
        out.append(f"== {finding.title}: {finding.fix_summary}\n", style="bold" if colour else "")
    out.append("\n")
    out.append_text(render_preview(items, colour))
    return items, out


class ReviewScreen(Screen):
    KIND = "review"     # what the App asks (screens/app.py _screen_kind)
    BINDINGS = [Binding("f10,ctrl+n", "apply", "Apply", key_display="F10"),
                Binding("t", "toggle_trial", "Trial"),
                Binding("k", "keep", "Keep"),
                Binding("e", "export_ansible", "Ansible"),
                Binding("x", "export_receiver", "Receiver")]

    def __init__(self, session, colour: bool, console: bool, fixes=None):
        """fixes: the doctor's findings whose fixes to apply instead of the answers' plan."""
        super().__init__(id="review")
        self.session = session
        self.colour = colour
        self.console = console
        self.fixes = fixes
        self.blockers = []
        self._total = 0     # changes in the transaction being applied (from its events)
        if fixes is None:
            self.plan, self._text = plan_text(session, colour)
            self.count = len(self.plan.transaction()) if self.plan is not None else 0
            if self.count:
                self.blockers, before = preflight_text(session, colour)
                self._text.append_text(before)
        else:
            self.plan = None
            items, self._text = fixes_text(session, fixes, colour)
            self.count = len(items)
        self.state = "review"      # review -> applying -> done | failed | trial -> done | failed
        self.result = None
        self.trial: Optional[Trial] = None     # the pending trial while state == "trial"
        self._countdown: Optional[Timer] = None

    def compose(self) -> ComposeResult:
        what = "Review & apply" if self.fixes is None else "Review & apply the doctor's fixes"
        yield Plain(f"{what}: {self.count} change(s)", classes="pane-title")
        if self.fixes is None and self.count:
            yield TrialChoice(id="trial-choice")
        with VerticalScroll(id="review-plan"):
            yield Preview(self._text, id="plan-text")
        if self.console:
            yield AsciiProgress(id="progress")
        else:
            yield ProgressBar(id="progress", show_eta=False)
        yield LineLog(id="apply-log")
        yield Plain("", id="outcome")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.query_one("#apply-log").display = False
        self.query_one("#outcome").display = False
        self.query_one("#review-plan").focus()

    def on_screen_resume(self) -> None:
        """Back from History: if what this screen applied was rolled back there, the
        outcome is old news; show the plan for the host as it is now."""
        if self.state not in ("done", "failed") or self.fixes is not None:
            return
        tx_id = getattr(self.result, "tx_id", None)
        status = {tx.id: tx.status for tx in self.session.history()}.get(tx_id)
        if status != "rolled-back":
            return
        self.plan, self._text = plan_text(self.session, self.colour)
        self.count = len(self.plan.transaction()) if self.plan is not None else 0
        self.state, self.result = "review", None
        self.query_one(".pane-title", Static).update(f"Review & apply: {self.count} change(s)")
        self.query_one("#plan-text", Static).update(self._text)
        self.query_one("#review-plan").display = True
        for widget in ("#progress", "#apply-log"):
            self.query_one(widget).display = False
        self.query_one("#apply-log", LineLog).clear()
        for choice in self.query(TrialChoice):
            choice.display = self.count > 0
        outcome = self.query_one("#outcome", Static)
        outcome.update(f"Transaction {tx_id} was rolled back: the plan above is for the host "
                       "as it is now.")
        outcome.set_class(False, "-failed")
        self.refresh_bindings()

    def check_action(self, action: str, parameters) -> Optional[bool]:
        if action == "apply":
            return self.state == "review" and self.count > 0
        if action == "keep":
            return self.state == "trial"
        if action == "toggle_trial":
            return self.state == "review" and self.fixes is None and self.count > 0
        if action == "export_ansible":
            return self.state != "applying" and self.plan is not None
        if action == "export_receiver":
            return (self.state != "applying" and self.plan is not None
                    and self.session.answers.role == "sender")
        return True

    def action_export_ansible(self) -> None:
        if self.check_action("export_ansible", ()):
            self.app.push_screen(ExportScreen(self.session, "ansible"))

    def action_export_receiver(self) -> None:
        if self.check_action("export_receiver", ()):
            self.app.push_screen(ExportScreen(self.session, "receiver"))

    # ------------------------------------------------------------------ apply
    def action_apply(self) -> None:
        if not self.check_action("apply", ()):
            return
        seconds = None
        if self.fixes is None and self.count:
            wanted, seconds, refused = self.query_one(TrialChoice).choice()
            if refused:
                self.notify(refused, severity="error", title="Apply refused")
                return
        host = self.session.facts.hostname + (" (sandbox)" if self.session.is_sandbox else "")

        def answered(yes: Optional[bool]) -> None:
            if not yes or self.state != "review":
                return
            if not self.blockers:
                self._start_apply(seconds)
                return
            # the command line refuses these unless --force; here a second question is the force
            self.app.push_screen(
                Ask("Apply anyway?", "Applying now would fail or leave forwarding broken:\n"
                    + "\n".join(f"  - {b}" for b in self.blockers)
                    + "\n\ny = apply anyway, n = cancel", id="confirm-blocked"),
                lambda again: self._start_apply(seconds) if again and self.state == "review" else None)

        self.app.push_screen(ConfirmApplyScreen(self.count, host, seconds, self.blockers), answered)

    def _start_apply(self, seconds: Optional[int]) -> None:
        self.state = "applying"
        self.refresh_bindings()
        self.query_one("#review-plan").display = False
        self.query_one("#progress").display = True
        log = self.query_one("#apply-log", LineLog)
        log.display = True
        log.write("Applying...")
        self._set_progress(0, self.count)
        for choice in self.query(TrialChoice):
            choice.display = False
        self._run_apply(seconds)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _run_apply(self, trial_seconds: Optional[int] = None) -> None:
        try:
            if trial_seconds:
                result = self.session.apply_trial(trial_seconds, on_event=self._event_from_worker,
                                                  on_progress=self._check_from_worker)
            elif self.fixes is None:
                result = self.session.apply(on_event=self._event_from_worker)
            else:
                result = self.session.apply_fixes(self.fixes, on_event=self._event_from_worker)
        except Exception as error:   # e.g. another instance holds the lock
            result = error
        self.app.call_from_thread(self.post_message, Applied(result))

    def _check_from_worker(self, index: int, total: int, name: str) -> None:
        self.app.call_from_thread(self.query_one("#apply-log", LineLog).write,
                                  progress_text("Checking", index, total, name))

    def _event_from_worker(self, event) -> None:
        self.app.call_from_thread(self.on_tx_event, event)

    def on_tx_event(self, event) -> None:
        """One line per change that ends with its result: `[2/5] Write ... ... done`."""
        log = self.query_one("#apply-log", LineLog)
        index = "" if event.index is None else f"[{event.index + 1}/{event.total}] "
        if event.kind == "change-start":
            log.write(f"{index}{event.text} ...")
        elif event.kind == "change-done":
            log.replace_last(f"{index}{event.text} ... done")
            self._set_progress(event.index + 1, event.total)
            self._total = event.total
        elif event.kind == "change-failed":
            log.write(f"{index}FAILED: {event.text}")
        else:
            log.write(f"{index}{EVENT_WORDS.get(event.kind, event.kind)}: {event.text}")

    def _set_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#progress")
        if isinstance(bar, AsciiProgress):
            bar.update_progress(done, total)
        elif isinstance(bar, ProgressBar):
            bar.update(total=total, progress=done)

    def on_applied(self, message: Applied) -> None:
        result = message.result
        if hasattr(result, "trial") and hasattr(result, "tx"):
            self._trial_applied(result)
            return
        self.result = result
        outcome = self.query_one("#outcome", Static)
        outcome.display = True
        if isinstance(result, Exception):
            self.state = "failed"
            outcome.update(f"Not applied: {result}\nNothing on this host was changed.")
        elif result.ok:
            self.state = "done"
            total = self._total or self.count
            self._set_progress(total, total)
            root = "" if str(self.session.root) == "/" else f" --root {self.session.root}"
            outcome.update(f"Applied: transaction {result.tx_id}.\n"
                           f"To undo it: F7 History, or `auditd-wizard rollback {result.tx_id}{root}`.")
        else:
            self.state = "failed"
            restored = (f"Everything was restored: transaction {result.tx_id} was rolled back "
                        "and the host is as before." if result.restored else
                        f"Not everything could be restored (transaction {result.tx_id} is "
                        f"rollback-incomplete): {'; '.join(result.undo_errors)}. Check these by "
                        "hand, then roll it back again from F7 History.")
            outcome.update(f"Failed: {result.error}\n{restored}")
        outcome.set_class(self.state == "failed", "-failed")
        self.refresh_bindings()
        shell(self.app).after_apply(self.state == "done")

    # ------------------------------------------------------------------ trial apply
    def action_toggle_trial(self) -> None:
        if self.check_action("toggle_trial", ()):
            self.query_one(TrialChoice).toggle()

    def _trial_applied(self, outcome) -> None:
        """Applied as a trial: show the checks, count down, Keep (k) or it undoes itself."""
        log = self.query_one("#apply-log", LineLog)
        for check in outcome.checks or []:
            log.write(f"Check {check.status.upper()}: {check.title}")
        if outcome.trial is None:          # the apply itself failed and was rolled back
            self.on_applied(Applied(outcome.tx))
            return
        self.result, self.trial = outcome.tx, outcome.trial
        self.state = "trial"
        self.query_one("#outcome").display = True
        self._countdown = self.set_interval(1.0, self._tick)
        self._tick()      # at once (the checks may have used up a short trial already)
        self.refresh_bindings()
        shell(self.app).after_apply(True)

    def _tick(self) -> None:
        trial = self.trial
        if self.state != "trial" or trial is None:
            return
        remaining = int(trial.remaining)
        outcome = self.query_one("#outcome", Static)
        if remaining > 0:
            outcome.update(f"Applied as a trial: transaction {trial.tx_id}. Check it works,\n"
                           f"then press k to keep it: {remaining} s left, else it is undone.")
            return
        self._stop_countdown()
        outcome.update("Time is up: the timer is undoing the trial...")
        self.set_timer(2.0, self._after_deadline)

    def _stop_countdown(self) -> None:
        if self._countdown is not None:
            self._countdown.stop()

    def _after_deadline(self) -> None:
        """The timer outside the wizard rolled it back (or someone kept it meanwhile)."""
        trial = self.trial
        if trial is None:
            return
        statuses = {tx.id: tx.status for tx in self.session.history()}
        pending = self.session.pending_trial()
        if pending is not None and pending.tx_id == trial.tx_id:
            self.set_timer(1.0, self._after_deadline)    # the rollback is still running
            return
        outcome = self.query_one("#outcome", Static)
        if statuses.get(trial.tx_id) == "rolled-back":
            self.state = "failed"
            outcome.update(f"Not kept in time: transaction {trial.tx_id} was rolled back; "
                           "the host is as before.")
        else:
            self.state = "done"
            outcome.update(f"Transaction {trial.tx_id} was kept "
                           f"(status: {statuses.get(trial.tx_id, 'unknown')}).")
        outcome.set_class(self.state == "failed", "-failed")
        self.refresh_bindings()
        shell(self.app).after_apply(self.state == "done")

    def action_keep(self) -> None:
        trial = self.trial
        if self.state != "trial" or trial is None:
            return
        outcome = self.query_one("#outcome", Static)
        try:
            self.session.confirm_trial(trial.tx_id)
        except Exception as error:      # expired or already rolled back: say which
            outcome.update(f"Could not keep it: {error}")
            return
        self._stop_countdown()
        self.state = "done"
        root = "" if str(self.session.root) == "/" else f" --root {self.session.root}"
        outcome.update(f"Kept: transaction {trial.tx_id} stays.\n"
                       f"To undo it: F7 History, or `auditd-wizard rollback {trial.tx_id}{root}`.")
        outcome.set_class(False, "-failed")
        self.refresh_bindings()
