"""The text a terminal shows after some output: enough of a VT to follow Textual's frames
(cursor moves, text, newlines, clears), so the bench can check what is on screen even when
the driver only writes the cells that changed."""
from __future__ import annotations

import re
from typing import List

TOKEN = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z@~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.|(\n)|(\r)"
                   r"|([^\x1b\n\r]+)")


class VtScreen:
    def __init__(self, cols: int = 80, rows: int = 24):
        self.cols, self.rows = cols, rows
        self.clear()
        self.row = self.col = 0

    def clear(self) -> None:
        self.lines: List[List[str]] = [[" "] * self.cols for _ in range(self.rows)]

    def feed(self, data: str) -> None:
        for match in TOKEN.finditer(data):
            params, final, newline, cr, text = match.groups()
            if final == "H":
                parts = (params or "1;1").split(";")
                self.row = int(parts[0] or 1) - 1
                self.col = int(parts[1] or 1) - 1 if len(parts) > 1 else 0
            elif final == "J" and params == "2":
                self.clear()
            elif final == "h" and params == "?1049":
                self.clear()
            elif newline:
                self.row, self.col = self.row + 1, 0
            elif cr:
                self.col = 0
            elif text:
                for ch in text:
                    if 0 <= self.row < self.rows and 0 <= self.col < self.cols:
                        self.lines[self.row][self.col] = ch
                    self.col += 1

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines)
