"""The footer: every key that works on this screen, never cut.

Textual's Footer drops the last keys when the line is too short (at 60 columns "F9 Quit" was
gone). This bar writes the same keys as text and, when they do not fit, uses shorter labels,
then a second line; it repaints a line, not a row of widgets (bytes on a serial console)."""
from __future__ import annotations

from typing import List, Tuple

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

# Shorter labels for narrow screens (the Help screen lists every key with its full meaning).
SHORT = {"History": "Hist", "Roll back selected": "Roll back", "Ansible of selected": "Ansible",
         "Roll back interrupted": "Roll back", "Yes, roll back": "Yes", "Yes, apply": "Apply",
         "Yes, quit": "Quit", "No, stay": "Stay", "Receiver": "Rcv", "Run checks": "Check",
         "Apply fixes": "Fix", "Run test": "Test", "Cancel": "No"}


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; width: 1fr; background: $footer-background;
             color: $footer-foreground; }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False, id="keybar")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.redraw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def keys(self) -> List[Tuple[str, str]]:
        """(key as shown, description) of every enabled key shown in the footer, once each."""
        seen, keys = set(), []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and enabled and binding.action not in seen:
                seen.add(binding.action)
                keys.append((self.app.get_key_display(binding), binding.description))
        return keys

    def redraw(self) -> None:
        keys, width = self.keys(), self.size.width or self.app.size.width
        for gap, short in ((2, False), (1, False), (1, True)):
            parts = [(key, SHORT.get(text, text) if short else text) for key, text in keys]
            lines = _lines(parts, gap, width)
            if len(lines) == 1:
                break
        out = Text(no_wrap=True, overflow="crop")
        for number, line in enumerate(lines):
            if number:
                out.append("\n")
            for index, (key, text) in enumerate(line):
                out.append(" " * gap if index else "")
                out.append(key, style="bold")
                out.append(" " + text)
        self.styles.height = len(lines)
        self.update(out)


def _lines(parts: List[Tuple[str, str]], gap: int, width: int) -> List[List[Tuple[str, str]]]:
    """The keys in lines of at most `width` cells, a key never split from its label."""
    lines: List[List[Tuple[str, str]]] = [[]]
    used = 0
    for key, text in parts:
        size = cell_len(key) + 1 + cell_len(text)
        if lines[-1] and used + gap + size > width:
            lines.append([])
            used = 0
        used += (gap if lines[-1] else 0) + size
        lines[-1].append((key, text))
    return lines
