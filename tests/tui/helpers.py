"""Running the real App under Pilot on a sandbox root, without an asyncio test plugin."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Awaitable, Callable, Dict

from textual.widgets import Input, Select

from screens.app import make_app
from screens.choice_line import ChoiceLine
from wizard.sandbox import make_demo_root
from wizard.session import Session

SIZE = (80, 24)


def new_root(tmp_path: Path, os_name: str = "almalinux-9") -> Path:
    return make_demo_root(tmp_path / f"root-{os_name}", os_name)


def open_app(root: Path, start_at=None, ascii_mode=False):
    return make_app(Session.open(str(root)), start_at=start_at, ascii_mode=ascii_mode)


def drive(app, scenario: Callable[..., Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scenario(pilot)
    asyncio.run(main())


def state(root: Path) -> dict:
    return json.loads((root / ".sandbox" / "state.json").read_text())


def host_files(root: Path) -> Dict[str, bytes]:
    """Every file the wizard could change (not its own journal, not the sandbox state)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith((".sandbox/", "var/lib/auditd-wizard/")):
            out[rel] = path.read_bytes()
    return out


def conf(root: Path, rel: str) -> Dict[str, str]:
    values = {}
    for line in (root / rel).read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


async def focus_on(pilot, selector: str, kind):
    """The control, once it is shown and has focus. A row appears a refresh after the choice
    that shows it (name after name_format = user): wait for that, never a fixed sleep."""
    widget = pilot.app.screen.query_one(selector, kind)
    for _ in range(50):
        if widget.display and widget.parent.parent.display:
            widget.focus()
            await pilot.pause()
            if widget.has_focus:
                return widget
        await pilot.pause(0.02)
    raise AssertionError(f"{selector} never became visible and focused")


async def type_into(pilot, selector: str, text: str) -> None:
    """Focus a field, clear it and type `text` key by key, as a user would."""
    widget = await focus_on(pilot, selector, Input)
    widget.value = ""
    await pilot.press(*[c if c != " " else "space" for c in text])
    await pilot.pause(0.2)   # past the preview debounce


async def choose(pilot, selector: str, option: str) -> None:
    """Pick `option` as a user would: on a line of choices (Welcome) with Left/Right; on a
    Select by opening it with Enter and moving with the arrow keys."""
    if isinstance(pilot.app.screen.query_one(selector), ChoiceLine):
        line = await focus_on(pilot, selector, ChoiceLine)
        step = line.options.index(option) - line.options.index(line.value)
        for _ in range(abs(step)):
            await pilot.press("right" if step > 0 else "left")
        await pilot.pause(0.2)
        assert line.value == option, f"{selector}: {line.value} shown, not {option}"
        return
    select = await focus_on(pilot, selector, Select)
    row = select.parent.parent
    # A form row knows its choices (from the model); Welcome's two selects list theirs.
    options = list(getattr(row, "options", None) or [v for _label, v in select._options])
    current = options.index(select.value)
    target = options.index(option)
    await pilot.press("enter")
    await pilot.pause()
    key = "down" if target > current else "up"
    for _ in range(abs(target - current)):
        await pilot.press(key)
    await pilot.press("enter")
    await pilot.pause(0.2)


async def next_step(pilot, times: int = 1) -> None:
    for _ in range(times):
        await pilot.press("f10")
        await pilot.pause()


async def to_step(pilot, number: int) -> None:
    """F10 from Welcome or a step until step `number` shows (steps of the other role are
    skipped, so the number of presses depends on the role)."""
    for _ in range(12):
        frame = pilot.app.frame
        if pilot.app.screen is frame and frame is not None and frame.current == number:
            return
        await next_step(pilot)
    raise AssertionError(f"F10 never reached step {number}")


async def to_review(pilot) -> None:
    for _ in range(12):
        if pilot.app.screen.id == "review":
            return
        await next_step(pilot)
    raise AssertionError("F10 never reached Review")


async def apply_on_review(pilot) -> None:
    """F10 on Review asks "Apply N changes to HOST?"; y confirms."""
    await pilot.press("f10")
    await pilot.pause()
    assert pilot.app.screen.id == "confirm-apply", "F10 on Review must ask before applying"
    await pilot.press("y")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


def screen_text(app) -> str:
    """The characters on the terminal right now (what the user reads)."""
    import io
    from rich.console import Console
    console = Console(width=SIZE[0], height=SIZE[1], file=io.StringIO(), record=True,
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()
