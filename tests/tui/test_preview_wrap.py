"""A preview line longer than the pane wraps with its continuation marked (`  ↪ `, or `  > `
on the console), so it never reads as the next line of the file or the log."""
from __future__ import annotations

import asyncio

import pytest
from rich.cells import cell_len
from rich.text import Text

from tests.tui.helpers import new_root, open_app
from screens.widgets import CONTINUED, hang


def unwrap(rows, marker):
    """The lines the rows came from: each marked row joined back to the one before."""
    lines = []
    for row in rows:
        if row.startswith(marker):
            lines[-1] += row[len(marker):]
        else:
            lines.append(row)
    return lines


def test_a_long_line_wraps_with_marked_continuations():
    line = "+## " + "word " * 20 + "/a/path/much/longer/than/the/row/" * 2
    rows = hang(Text(line + "\n short"), 30, "  > ").plain.split("\n")
    assert all(cell_len(row) <= 30 for row in rows)
    assert all(row.startswith("  > ") for row in rows[1:-1]) and rows[-1] == " short"
    assert unwrap(rows, "  > ") == [line, " short"]


@pytest.mark.parametrize("console", [False, True], ids=["normal", "console"])
def test_step_previews_mark_what_they_wrap_at_60_columns(tmp_path, console):
    app = open_app(new_root(tmp_path), start_at=4, ascii_mode=console)
    app.session.set_field("remote.server", "logs.example.com")
    marker, seen = CONTINUED[console], {}

    async def main():
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause(0.3)
            preview = app.frame.pane(4).query_one(".preview")
            seen["rows"] = str(preview.render()).split("\n")
            seen["width"] = preview.size.width
            seen["source"] = preview.source.plain.split("\n")

    asyncio.run(main())
    rows = seen["rows"]
    assert any(row.startswith(marker) for row in rows), rows      # something did wrap here
    assert all(cell_len(row) <= seen["width"] for row in rows)
    assert unwrap(rows, marker) == seen["source"]
