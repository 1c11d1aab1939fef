"""Step 9: the doctor. Runs every check in a thread (the UI stays live while journalctl or a
connection test runs), lists the findings with what was seen, and lets you pick the fixes to
review and apply as one transaction, like any other change (rolled back on failure, in History)."""
from __future__ import annotations

from typing import List, Set

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.findings_view import finding_detail, finding_prompt, progress_text, summary_line
from screens.shell import shell
from screens.step_base import StepPane
from screens.widgets import Plain


class TroubleshootPane(StepPane):
    STEP = 9
    EXPLANATION = ("Checks this host as it is now: the service, plugins.d, the parsers' traps, "
                   "the journal, SELinux denials, the firewall. F5 runs the checks.")
    GUIDE_NOTE = ("the guide says `tail -f /var/log/audit/audit.log`, but plugin and "
                  "audisp-remote errors go to syslog/the journal, and backup files such as "
                  "`au-remote.conf~` in plugins.d are loaded too.")
    BINDINGS = [Binding("f5,d", "diagnose", "Run checks", key_display="F5"),
                Binding("space", "toggle_fix", "Select fix", show=False),
                Binding("a", "review_fixes", "Apply fixes")]

    def __init__(self, session, colour: bool):
        super().__init__(session, colour)
        self.findings: List = []
        self.selected: Set[str] = set()
        self.running = False

    def compose_extra(self) -> ComposeResult:
        yield Plain("The checks have not run yet: press F5.", classes="doctor-status")
        yield OptionList(id="findings", compact=True)
        yield Plain("", classes="finding-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#findings").display = False
        self.query_one(".finding-detail").display = False

    def first_control(self):
        findings = self.query_one("#findings", OptionList)
        return findings if findings.display else self

    # ------------------------------------------------------------------ running
    def check_action(self, action: str, parameters):
        if action == "diagnose":
            return not self.running
        if action in ("toggle_fix", "review_fixes"):
            return bool(self.chosen()) or (action == "toggle_fix" and bool(self.findings))
        return True

    def action_diagnose(self) -> None:
        if self.running:
            return
        self.running = True
        self.refresh_bindings()
        self.query_one(".doctor-status", Static).update("Running the checks...")
        self._diagnose()

    @work(thread=True, exclusive=True, exit_on_error=False, group="doctor")
    def _diagnose(self) -> None:
        def progress(index: int, total: int, name: str) -> None:
            self.app.call_from_thread(self._progress, index, total, name)
        try:
            # The checks of the role chosen on Welcome, configured here yet or not.
            findings, error = self.session.diagnose(on_progress=progress,
                                                    role=self.session.answers.role), None
        except Exception as exc:   # a check that cannot run is the doctor's to report
            findings, error = [], str(exc)
        self.app.call_from_thread(self._diagnosed, findings, error)

    def _progress(self, index: int, total: int, name: str) -> None:
        self.query_one(".doctor-status", Static).update(progress_text("Checking", index, total, name))

    def _diagnosed(self, findings, error) -> None:
        self.running = False
        status = self.query_one(".doctor-status", Static)
        if error:
            status.update(f"The checks could not run: {error}")
            self.refresh_bindings()
            return
        self.findings = findings
        # Fixes for problems start selected; warnings are yours to choose.
        self.selected = {f.check for f in findings if f.fixes and f.status == "problem"}
        status.update(summary_line(findings))
        findings_list = self.query_one("#findings", OptionList)
        with self.app.batch_update():
            findings_list.clear_options()
            findings_list.add_options([Option(self._prompt(f), id=f.check) for f in findings])
            findings_list.styles.height = min(len(findings), 8) or 1
            findings_list.display = bool(findings)
            self.query_one(".finding-detail").display = bool(findings)
            if findings:
                first = next((i for i, f in enumerate(findings) if f.status != "ok"), 0)
                findings_list.highlighted = first
                findings_list.focus(scroll_visible=False)   # the list sits near the top; no jump
                self._show(first)
        self.refresh_bindings()

    def _prompt(self, finding):
        return finding_prompt(finding, finding.check in self.selected, self.colour)

    # ------------------------------------------------------------------ choosing
    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "findings":
            event.stop()
            self._show(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "findings":
            event.stop()      # Enter on a finding is not "go to step N"
            self.action_toggle_fix()

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.findings):
            self.query_one(".finding-detail", Static).update(
                finding_detail(self.findings[index], self.colour))

    def action_toggle_fix(self) -> None:
        findings_list = self.query_one("#findings", OptionList)
        index = findings_list.highlighted
        if index is None or not (0 <= index < len(self.findings)):
            return
        finding = self.findings[index]
        if not finding.fixes:
            self.notify(f"\"{finding.title}\": nothing the wizard can fix here.")
            return
        self.selected ^= {finding.check}
        findings_list.replace_option_prompt_at_index(index, self._prompt(finding))
        self.refresh_bindings()

    def chosen(self) -> list:
        return [f for f in self.findings if f.check in self.selected and f.fixes]

    def action_review_fixes(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.notify("Select a fix first (Space on a finding with [ ]).", severity="warning")
            return
        shell(self.app).open_fix_review(chosen)

    def sync(self) -> None:
        """After an apply or a rollback the host changed: the findings are old, check again."""
        super().sync()
        if self.findings and not self.running:
            self.action_diagnose()
