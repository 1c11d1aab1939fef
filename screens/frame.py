"""The one frame all nine steps share: side list of steps, the current step's pane, footer.

Changing step swaps the pane in a ContentSwitcher instead of replacing the Screen, so only the
pane and two lines of the side list are repainted (a few KB on a 115200-baud console). A pane is
built the first time its step is shown: the Welcome screen appears without building nine forms."""
from __future__ import annotations

from typing import Dict, List, Optional

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from wizard.plan.errors import PlanError
from wizard.steps import STEPS
from screens.keybar import KeyBar
from screens.step1_install import InstallPane
from screens.step2_auditd import AuditdPane
from screens.step3_plugin import PluginPane
from screens.step4_remote import RemotePane
from screens.step5_selinux_firewall import SELinuxFirewallPane
from screens.step6_receiver import ReceiverPane
from screens.step7_test import DeliveryTestPane
from screens.step8_security import SecurityPane
from screens.step9_troubleshoot import TroubleshootPane
from screens.step_base import StepPane
from screens.widgets import Plain

FIRST, LAST = STEPS[0].number, STEPS[-1].number
PANES = (InstallPane, AuditdPane, PluginPane, RemotePane, SELinuxFirewallPane,
         ReceiverPane, DeliveryTestPane, SecurityPane, TroubleshootPane)


class StepChosen(Message):
    """The user picked a step in the side list."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number


class StepFrame(Screen):
    KIND = "frame"     # what the App asks (screens/app.py _screen_kind)
    # Screen.focused repaints the whole Screen when focus moves (the whole terminal, ~3.7 KB at
    # 80x24); the widgets that lose and gain focus repaint themselves anyway.
    focused = Reactive(None, repaint=False)

    def __init__(self, session, colour: bool, start: int = 1):
        super().__init__(id="frame")
        self.session = session
        self.colour = colour
        self.current = start
        self._changed: Dict[int, bool] = {}
        self._panes: Dict[int, StepPane] = {}

    def compose(self) -> ComposeResult:
        yield Plain(self._title(), id="frame-title")
        with Horizontal(id="frame-body"):
            yield OptionList(*[Option(self._prompt(s.number), id=f"s{s.number}") for s in STEPS],
                             id="step-list", compact=True)
            yield ContentSwitcher(id="panes")
        yield KeyBar()

    def _title(self) -> str:
        a, f = self.session.answers, self.session.facts
        where = " (sandbox)" if self.session.is_sandbox else ""
        name = "" if self.has_class("-narrow") else "auditd-wizard: "
        return f" {name}{a.role} via {a.method} on {f.hostname}{where}"

    def applies(self, number: int) -> bool:
        """Does step `number` do anything for this role? (F10/F8 skip the ones that do not.)"""
        return self.session.answers.role in PANES[number - 1].ROLES

    def neighbour(self, number: int, direction: int) -> Optional[int]:
        """The next step in `direction` (+1/-1) that applies to the role, or None at the end."""
        number += direction
        while FIRST <= number <= LAST and not self.applies(number):
            number += direction
        return number if FIRST <= number <= LAST else None

    def _prompt(self, number: int) -> str:
        """`>4 Remote host       *`: where you are, and a mark apart from the name: `*` this
        step changes something, `-` it does not apply to this role (skipped). Below 80
        columns only `>4*`."""
        title = STEPS[number - 1].title
        mark = ">" if number == self.current else " "
        flag = "-" if not self.applies(number) else "*" if self._changed.get(number) else " "
        if self.has_class("-narrow"):
            return f"{mark}{number}{flag}"
        return f"{mark}{number} {title[:18]:<18} {flag}"

    def on_resize(self) -> None:
        narrow = self.has_class("-narrow")
        if narrow != getattr(self, "_narrow", None) and self.is_mounted:
            self._narrow = narrow
            self.query_one("#frame-title", Static).update(self._title())
            step_list = self.query_one(OptionList)
            for step in STEPS:
                step_list.replace_option_prompt(f"s{step.number}", self._prompt(step.number))

    async def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = self.current - 1
        await self.show_step(self.current)

    # ------------------------------------------------------------------ API for the App
    @property
    def panes(self) -> List[StepPane]:
        """The panes built so far (a step's pane is built when it is first shown)."""
        return [self._panes[n] for n in sorted(self._panes)]

    def pane(self, number: int) -> StepPane:
        return self._panes[number]

    async def show_step(self, number: int, focus: bool = True) -> None:
        if number not in self._panes:
            pane = PANES[number - 1](self.session, self.colour)
            self._panes[number] = pane
            pane.display = False      # shown by the switch below, in the same frame
            await self.query_one(ContentSwitcher).mount(pane)
        # One frame for the switch, the side list, the preview and the focus move.
        with self.app.batch_update():
            self._show_step(number, focus)

    def _show_step(self, number: int, focus: bool) -> None:
        previous, self.current = self.current, number
        pane = self.pane(number)
        self.query_one(ContentSwitcher).current = f"step-{number}"
        step_list = self.query_one(OptionList)
        for n in {previous, number}:
            step_list.replace_option_prompt(f"s{n}", self._prompt(n))
        step_list.highlighted = number - 1
        pane.refresh_preview()
        if focus:
            pane.first_control().focus()

    def toggle_step_list(self) -> None:
        step_list = self.query_one(OptionList)
        if step_list.has_focus:
            self.pane(self.current).first_control().focus()
        else:
            step_list.highlighted = self.current - 1
            step_list.focus()

    def sync_all(self) -> None:
        """After the role/method changed (Welcome) or a rollback: every pane re-reads the answers."""
        self.query_one("#frame-title", Static).update(self._title())
        for pane in self.panes:
            pane.sync()
        step_list = self.query_one(OptionList)
        for step in STEPS:       # the role may have changed which steps apply
            step_list.replace_option_prompt(f"s{step.number}", self._prompt(step.number))
        self.update_markers()

    def update_markers(self) -> None:
        """Mark steps with changes (`*`); only prompts that changed are repainted."""
        try:
            plan = self.session.preview_plan()
        except PlanError:
            return
        changed = {s.number: plan.steps[s.number].has_changes for s in STEPS}
        step_list = self.query_one(OptionList)
        for number, flag in changed.items():
            if self._changed.get(number) != flag:
                self._changed[number] = flag
                step_list.replace_option_prompt(f"s{number}", self._prompt(number))

    def on_step_pane_refreshed(self, event: StepPane.Refreshed) -> None:
        event.stop()
        self.update_markers()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:     # every option is "s<step number>"
            self.post_message(StepChosen(int(event.option.id[1:])))
