"""A choice among a few options shown all at once on one line, like YaST's radio buttons:
`(*) sender  ( ) receiver`. Left/Right (or Space, which moves on and wraps) change it; a click
picks the option under the mouse. Welcome's two choices use it: both options stay in sight
without opening a list, and it is one widget, cheap to draw (a Select is an overlay and a
list), so Welcome answers keys sooner."""
from __future__ import annotations

from typing import List, Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

GAP = "  "


class ChoiceLine(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChoiceLine { width: auto; height: 1; }
    """
    BINDINGS = [Binding("left", "move(-1)", "Previous", show=False),
                Binding("right", "move(1)", "Next", show=False),
                Binding("space", "move(1, True)", "Next choice", show=False)]

    value: reactive[str] = reactive("", layout=False)

    class Changed(Message):
        def __init__(self, choice_line: "ChoiceLine", value: str) -> None:
            super().__init__()
            self.choice_line = choice_line
            self.value = value

        @property
        def control(self) -> "ChoiceLine":
            return self.choice_line

    def __init__(self, options: Sequence[str], value: str, *, id: str) -> None:
        super().__init__(id=id)
        self.options: List[str] = list(options)
        self.set_reactive(ChoiceLine.value, value)

    def render(self) -> Text:
        text = Text()
        for index, option in enumerate(self.options):
            if index:
                text.append(GAP)
            chosen = option == self.value
            # Focused: the chosen option in reverse video, which shows in 16 colours too.
            style = ("reverse bold" if self.has_focus else "bold") if chosen else ""
            text.append(f"({'*' if chosen else ' '}) {option}", style=style)
        return text

    def _option_at(self, x: int) -> int:
        start = 0
        for index, option in enumerate(self.options):
            end = start + len(option) + 4
            if x < end:
                return index
            start = end + len(GAP)
        return len(self.options) - 1

    def action_move(self, step: int, wrap: bool = False) -> None:
        index = self.options.index(self.value) + step
        if wrap:
            index %= len(self.options)
        if 0 <= index < len(self.options):
            self.value = self.options[index]

    def on_click(self, event: events.Click) -> None:
        self.value = self.options[self._option_at(event.x)]

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
