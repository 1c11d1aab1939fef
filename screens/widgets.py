"""Small reusable widgets that draw only ASCII where it matters (the Linux VT font and serial
terminals lack half blocks and arrows), plus the preview renderer shared by panes and Review."""
from __future__ import annotations

from typing import Iterable, List

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static


class Plain(Static):
    """A Static whose text is shown as written: no markup, so "[X]", "[libdefaults]" or a
    message quoting brackets is never eaten (or refused) as a style tag."""

    def __init__(self, content="", **kwargs):
        super().__init__(content, markup=False, **kwargs)


# Starts each continuation of a wrapped preview line (the VT font has no arrows).
CONTINUED = {False: "  \u21aa ", True: "  > "}


def _row_end(plain: str, room: int) -> int:
    """Where a row of at most `room` cells ends: after the last space in its second half,
    else at `room` cells (a long path is split where it must)."""
    used = end = 0
    for char in plain:
        used += cell_len(char)
        if used > room:
            break
        end += 1
    space = plain.rfind(" ", 0, end)
    return space + 1 if space >= room // 2 else max(end, 1)


def hang(text: Text, width: int, marker: str) -> Text:
    """`text` wrapped at `width` cells, each continuation row starting with `marker`, so a
    wrapped diff or command line never reads as a line of its own."""
    if width <= cell_len(marker) + 8:
        return text      # too narrow to mark: plain wrapping
    rows: List[Text] = []
    for line in text.split("\n", allow_blank=True):
        prefix = Text()
        while cell_len(line.plain) > width - prefix.cell_len:
            end = _row_end(line.plain, width - prefix.cell_len)
            rows.append(prefix + line[:end])
            line, prefix = line[end:], Text(marker, style="dim")
        rows.append(prefix + line)
    return Text("\n").join(rows)


class Preview(Plain):
    """Diffs and commands (step previews, Review, History): long lines wrap at the width with
    their continuations marked (CONTINUED). `source` is the text as given."""

    def __init__(self, content="", **kwargs):
        super().__init__(content, **kwargs)
        self.source = Text(content) if isinstance(content, str) else content
        self._width = 0       # the width `source` was last wrapped at

    def update(self, content="", *, layout: bool = True) -> None:
        self.source = Text(content) if isinstance(content, str) else content
        self._width = 0
        self._wrap(layout)

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._wrap(True)

    def _wrap(self, layout: bool) -> None:
        self._width = self.size.width
        marker = CONTINUED[bool(getattr(self.app, "console_mode", False))]
        shown = hang(self.source, self._width, marker) if self._width else self.source
        super().update(shown, layout=layout)


class AsciiScrollBarRender(ScrollBarRender):
    """Scrollbar thumbs drawn with spaces only (the default uses eighth-block glyphs)."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


class YesNo(Checkbox):
    """A checkbox drawn as `[X]` / `[ ]`: readable without colour and in any font."""

    DEFAULT_CSS = """
    YesNo { width: auto; }
    """

    @property
    def _button(self) -> Content:
        return Content("[X]" if self.value else "[ ]")


class AsciiSelect(Select):
    """A Select whose open/close arrows are `v` and `^` instead of triangles."""

    def on_mount(self) -> None:
        for widget, glyph in ((".down-arrow", "v"), (".up-arrow", "^")):
            for arrow in self.query(widget).results(Static):
                arrow.update(glyph)


class FieldInput(Input):
    """A text field whose extent shows even when it is empty: on the console its free cells
    are `_` (with the brackets of `framed()` around it: `[logs.example.com____]`), elsewhere a
    lighter band. Focused, it is drawn in reverse video (app.tcss)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    def on_mount(self) -> None:
        # A blinking cursor repaints twice a second: bytes on a serial line, and pictures
        # that depend on timing in tests. Steady in console mode and when headless.
        if getattr(self.app, "console_mode", False) or self.app.is_headless:
            self.cursor_blink = False

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if y != 0 or not getattr(self.app, "console_mode", False):
            return strip
        width = self.content_region.width
        if self.value:
            used = cell_len(self.value) - int(self.scroll_offset.x)
            used += 1 if self.has_focus and self.cursor_at_end else 0
        else:
            used = cell_len(self.placeholder) or (1 if self.has_focus else 0)
        used = max(0, min(used, width))
        if used >= width:
            return strip
        return Strip.join([strip.crop(0, used), Strip([Segment("_" * (width - used), self.rich_style)])])


def framed(control: Widget, console: bool) -> Widget:
    """`[control]` on the console, where colours may not show a field's edge; as is elsewhere."""
    if not console:
        return control
    return Horizontal(Label("[", classes="edge"), control, Label("]", classes="edge"),
                      classes="framed")


class LineLog(VerticalScroll):
    """Lines that wrap at the width (continuations marked) and scroll (the apply log): a
    Preview in a scroll, cheaper to import and to draw than a RichLog."""

    DEFAULT_CSS = """
    LineLog { height: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._lines: List[str] = []

    def compose(self):
        yield Preview("")     # a wrapped log line must not read as the next one

    def write(self, line: str) -> None:
        self._lines.append(line)
        self.query_one(Preview).update("\n".join(self._lines))
        self.scroll_end(animate=False)

    def replace_last(self, line: str) -> None:
        """The last line again, finished (a change's "..." becomes "... done")."""
        if self._lines:
            self._lines.pop()
        self.write(line)

    def clear(self) -> None:
        self._lines = []
        self.query_one(Preview).update("")


class AsciiProgress(Static):
    """`[#########-----] 4/9`: a progress bar for any terminal (ProgressBar draws half blocks)."""

    DEFAULT_CSS = """
    AsciiProgress { height: 1; width: 1fr; }
    """

    def __init__(self, width: int = 40, **kwargs):
        super().__init__("", **kwargs)
        self._bar_width = width
        self.total = 0
        self.progress = 0

    def update_progress(self, progress: int, total: int) -> None:
        self.progress, self.total = progress, total
        filled = self._bar_width * progress // total if total else 0
        self.update(f"[{'#' * filled}{'-' * (self._bar_width - filled)}] {progress}/{total}")


NOTE_LABELS = {"blocker": "Blocker", "warning": "Warning"}


def render_preview(items: Iterable, colour: bool) -> Text:
    """PreviewItems as one Text: diffs keep their +/- markers (coloured when allowed),
    commands are shown as the exact lines, notes as plain sentences."""
    out = Text()
    for item in items:
        if item.kind == "diff":
            for line in item.text.rstrip("\n").splitlines():
                out.append_text(diff_line(line, colour))
                out.append("\n")
        elif item.kind == "command":
            out.append(f"# {item.title}\n", style="bold" if colour else "")
            if item.text.strip():
                out.append(item.text.rstrip("\n") + "\n")
        else:   # a preflight finding: its level is the title (Session.step_preview)
            label = NOTE_LABELS.get(item.title, "Note")
            out.append(f"{label}: {item.text}\n", style=("bold" if label != "Note" else "italic")
                       if colour else "")
        out.append("\n")
    if not out.plain:
        out.append("Nothing to change in this step.\n")
    out.rstrip()
    return out


def diff_line(line: str, colour: bool) -> Text:
    if not colour:
        return Text(line)
    if line.startswith(("+++", "---")):
        return Text(line, style="bold")
    if line.startswith("+"):
        return Text(line, style="green")
    if line.startswith("-"):
        return Text(line, style="red")
    if line.startswith("@@"):
        return Text(line, style="cyan")
    return Text(line)


def split_list(text: str) -> List[str]:
    """"a, b c" -> ["a", "b", "c"]: list fields are typed on one line."""
    return [part for part in text.replace(",", " ").split() if part]
