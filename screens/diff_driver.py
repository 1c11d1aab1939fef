"""A terminal driver that writes only the cells that changed since the last frame.

Textual repaints whole widgets. Changing step at 80x24 repaints the new pane twice (once when it
is shown, once more when its children learn their sizes) and the footer twice (its keys are
recomposed when focus moves): about 7 KB on the Linux console, although the picture changes by
less than half of that. A 115200-baud serial line moves about 11 KB/s, so every byte is felt.

`CellDiff` keeps the picture the terminal shows (character and SGR style of every cell) and turns
each frame Textual writes into cursor moves and text for the cells that differ. Only frame output
is rewritten: cursor moves (CSI row;col H), SGR (CSI ... m), newlines and printable
single-width characters. Any other write goes through unchanged; one that can change the screen
by itself (a clear, the alternate screen, text outside a frame) forgets the picture, so the next
frame is written whole. A frame with a wide or combining character is written as it came.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from rich.cells import cell_len
from textual.drivers.linux_driver import LinuxDriver

Cell = Tuple[str, str]          # character, SGR parameters in effect ("" = default)
Pos = Tuple[int, int]           # row, column (0-based)

FRAME_TOKEN = re.compile(r"\x1b\[([0-9;]*)([Hm])|(\n)|([^\x1b\n]+)|(\x1b)")
# Writes that can change what the terminal shows without going through a frame.
SCREEN_CHANGING = re.compile(r"\x1b\[[0-9;]*[HJKfrSTLM@PX]|\x1b\[\?(?:1049|1047|47)[hl]|\x1bc")
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=$ ]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
CURSOR_MOVE_COST = 8            # bytes of a typical "\x1b[12;34H"


def canonical_style(params: str) -> str:
    """SGR parameters as one canonical string, so cells that look the same compare equal:
    from the last reset on, without the default colours (39, 49) that a reset implies.
    Textual writes "0;39;49" and "0;49" for the same blank cell."""
    tokens = params.split(";") if params else ["0"]
    kept: List[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index] or "0"
        if token in ("38", "48") and index + 1 < len(tokens):   # 38;5;N or 38;2;R;G;B
            width = 3 if tokens[index + 1] == "5" else 5
            kept.append(";".join(tokens[index:index + width]))
            index += width
            continue
        if token == "0":
            kept = []
        elif token not in ("39", "49"):
            kept.append(token)
        index += 1
    return ";".join(kept)


def _move(pos: Pos) -> str:
    return f"\x1b[{pos[0] + 1};{pos[1] + 1}H"


def _sgr(style: str) -> str:
    return f"\x1b[0;{style}m" if style else "\x1b[0m"


class CellDiff:
    """The terminal's picture, and the smallest rewrite of a frame against it."""

    def __init__(self) -> None:
        self.cells: Dict[Pos, Cell] = {}
        self.cursor: Optional[Pos] = None      # where our last output left the cursor
        self.size: Optional[Tuple[int, int]] = None

    def forget(self) -> None:
        self.cells.clear()
        self.cursor = None

    def resized(self, size: Tuple[int, int]) -> None:
        if size != self.size:
            self.size = size
            self.forget()

    # ------------------------------------------------------------------ parsing
    @staticmethod
    def parse(data: str) -> Optional[Tuple[Dict[Pos, Cell], Optional[Pos]]]:
        """The cells a frame paints and where it leaves the cursor; None when `data` is not
        a plain frame (other sequences, wide characters)."""
        painted: Dict[Pos, Cell] = {}
        row = col = 0
        style = ""
        moved = False
        end = 0
        for match in FRAME_TOKEN.finditer(data):
            if match.start() != end or match.group(5):
                return None
            end = match.end()
            params, final, newline, text = match.group(1, 2, 3, 4)
            if final == "H":
                parts = (params or "1;1").split(";")
                row, col = int(parts[0] or 1) - 1, int(parts[1] if len(parts) > 1 and parts[1] else 1) - 1
                moved = True
            elif final == "m":
                style = canonical_style(params if params.startswith("0") or not style
                                        else f"{style};{params}")
            elif newline:
                row, col = row + 1, 0
            else:
                if not moved:
                    return None   # text at an unknown place: not a frame
                if not text.isascii() and cell_len(text) != len(text):
                    return None
                if not text.isprintable():
                    return None
                for ch in text:
                    painted[(row, col)] = (ch, style)
                    col += 1
        if end != len(data) or not moved:
            return None
        return painted, (row, col)

    # ------------------------------------------------------------------ diffing
    def rewrite(self, data: str) -> str:
        """What to send instead of `data` so the terminal ends up showing the same."""
        parsed = self.parse(data)
        if parsed is None:
            if SCREEN_CHANGING.search(data) or ESCAPES.sub("", data).strip():
                self.forget()
            return data
        painted, final = parsed
        changed = sorted(pos for pos, cell in painted.items() if self.cells.get(pos) != cell)
        self.cells.update(painted)
        out: List[str] = []
        cursor, style = self.cursor, None
        for pos in changed:
            if cursor != pos:
                start = cursor[1] if cursor is not None and cursor[0] == pos[0] else pos[1]
                if 0 < pos[1] - start < CURSOR_MOVE_COST and all(
                        self.cells.get((pos[0], c)) for c in range(start, pos[1])):
                    for c in range(start, pos[1]):   # resend a few cells: cheaper than a move
                        style = self._put(out, self.cells[(pos[0], c)], style)
                else:
                    out.append(_move(pos))
            style = self._put(out, self.cells[pos], style)
            cursor = (pos[0], pos[1] + 1)
        if style:
            out.append("\x1b[0m")
        if final is not None and final != cursor:
            out.append(_move(final))
            cursor = final
        self.cursor = cursor
        return "".join(out)

    @staticmethod
    def _put(out: List[str], cell: Cell, style: Optional[str]) -> str:
        ch, cell_style = cell
        if cell_style != style:
            out.append(_sgr(cell_style))
        out.append(ch)
        return cell_style


class CellDiffDriver(LinuxDriver):
    """The Linux driver, writing frames through a `CellDiff`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._diff = CellDiff()

    def write(self, data: str) -> None:
        # The App learns a new size before it repaints for it: a resize forgets the picture.
        size = self._app.size
        self._diff.resized((size.width, size.height))
        data = self._diff.rewrite(data)
        if data:
            super().write(data)
