"""CellDiff: the terminal must end up showing exactly what Textual's own output would show
(characters AND styles), while writing only the cells that changed."""
from __future__ import annotations

import re
from typing import Dict, List, Tuple

from hypothesis import given, settings, strategies as st

from screens.diff_driver import CellDiff

TOKEN = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|(\n)|([^\x1b\n]+)")
DEFAULT_COLOUR = {"39": {str(n) for n in (*range(30, 38), *range(90, 98))},
                  "49": {str(n) for n in (*range(40, 48), *range(100, 108))}}


class StyledScreen:
    """A terminal that remembers the character and the SGR attributes of every cell
    (attributes as a set of SGR numbers, so "0;1;32" and "1" then "32" compare equal)."""

    def __init__(self):
        self.cells: Dict[Tuple[int, int], Tuple[str, frozenset]] = {}
        self.row = self.col = 0
        self.attrs: frozenset = frozenset()

    def feed(self, data: str) -> None:
        for match in TOKEN.finditer(data):
            params, final, newline, text = match.groups()
            if final == "H":
                row, col = (params or "1;1").split(";")
                self.row, self.col = int(row) - 1, int(col) - 1
            elif final == "m":
                for part in (params or "0").split(";"):
                    if part in ("", "0"):
                        self.attrs = frozenset()
                    elif part in DEFAULT_COLOUR:     # 39/49: back to the default colour
                        self.attrs = frozenset(a for a in self.attrs if a not in DEFAULT_COLOUR[part])
                    else:
                        self.attrs = self.attrs | {part}
            elif newline:
                self.row, self.col = self.row + 1, 0
            elif text:
                for ch in text:
                    self.cells[(self.row, self.col)] = (ch, self.attrs)
                    self.col += 1


def frame(cells: Dict[Tuple[int, int], Tuple[str, str]], cursor=(0, 0)) -> str:
    """Textual-like output: per row, a move then `ESC[style m text ESC[0m` segments."""
    out: List[str] = []
    for row in sorted({r for r, _ in cells}):
        cols = sorted(c for r, c in cells if r == row)
        out.append(f"\x1b[{row + 1};{cols[0] + 1}H")
        previous = cols[0] - 1
        for col in cols:
            if col != previous + 1:
                out.append(f"\x1b[{row + 1};{col + 1}H")
            ch, style = cells[(row, col)]
            out.append(f"\x1b[{style}m{ch}\x1b[0m" if style else ch)
            previous = col
        out.append("\n")
    out.append(f"\x1b[{cursor[0] + 1};{cursor[1] + 1}H")
    return "".join(out)


def line(row: int, text: str, style: str = "39;49") -> Dict[Tuple[int, int], Tuple[str, str]]:
    return {(row, col): (ch, style) for col, ch in enumerate(text)}


def test_same_frame_again_writes_nothing():
    diff = CellDiff()
    picture = frame({**line(0, "Step 1 of 9"), **line(1, "F10 Next")}, cursor=(0, 5))
    assert diff.rewrite(picture)
    assert diff.rewrite(picture) == ""


def test_one_changed_character_is_a_move_and_that_character():
    diff = CellDiff()
    diff.rewrite(frame(line(0, "Step 1 of 9"), cursor=(5, 0)))
    out = diff.rewrite(frame(line(0, "Step 2 of 9"), cursor=(5, 0)))
    assert out == "\x1b[1;6H\x1b[0m2\x1b[6;1H"    # default colours written as a plain reset


def test_a_style_change_alone_is_written():
    diff = CellDiff()
    diff.rewrite(frame(line(0, ">2 auditd.conf")))
    screen = StyledScreen()
    out = diff.rewrite(frame(line(0, ">2 auditd.conf", style="1;32;44")))
    screen.feed(out)
    assert screen.cells[(0, 0)] == (">", frozenset({"1", "32", "44"}))


def test_other_writes_pass_through_and_a_clear_forgets_the_picture():
    diff = CellDiff()
    picture = frame(line(0, "hello"))
    diff.rewrite(picture)
    assert diff.rewrite("\x1b[?25l") == "\x1b[?25l"
    assert diff.rewrite(picture) == ""             # a mode switch keeps the picture
    assert diff.rewrite("\x1b[2J") == "\x1b[2J"
    assert "hello" in diff.rewrite(picture)        # after a clear, everything again


def test_wide_characters_go_through_unchanged():
    diff = CellDiff()
    picture = "\x1b[1;1H\x1b[39;49m\u6f22\u5b57\x1b[0m"
    assert diff.rewrite(picture) == picture


def test_a_resize_forgets_the_picture():
    diff = CellDiff()
    diff.resized((80, 24))
    picture = frame(line(0, "hello"))
    diff.rewrite(picture)
    diff.resized((100, 30))
    assert "hello" in diff.rewrite(picture)


STYLES = st.sampled_from(["", "39;49", "1;39;44", "31;49", "7", "1;35;49"])
CELLS = st.dictionaries(st.tuples(st.integers(0, 5), st.integers(0, 19)),
                        st.tuples(st.sampled_from("ab -|#"), STYLES), max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=6), st.tuples(st.integers(0, 5), st.integers(0, 19)))
def test_the_terminal_shows_the_same_as_without_the_diff(frames, cursor):
    diff, plain, diffed = CellDiff(), StyledScreen(), StyledScreen()
    start = frame({(r, c): (" ", "") for r in range(6) for c in range(20)})
    for output in [start] + [frame(cells, cursor) for cells in frames if cells]:
        plain.feed(output)
        diffed.feed(diff.rewrite(output))
        assert diffed.cells == plain.cells
        assert (diffed.row, diffed.col) == (plain.row, plain.col)


def test_the_same_look_written_two_ways_is_not_written_again():
    """Textual writes a blank cell as "0;39;49" in one frame and "0;49" in the next."""
    diff = CellDiff()
    diff.rewrite(frame(line(0, "Step 1", style="0;39;49")))
    assert diff.rewrite(frame(line(0, "Step 1", style="0;49"))) == ""
