"""Files being edited by the planner, step by step.

Each step edits a draft of a file; the draft remembers the text before and after every step,
so a step's preview shows only that step's edits while the transaction writes each file once.
A draft's text is None when the file is to be absent (a drop-in the wizard wrote and no longer
wants). The drafts also remember, for the ledger, which line each key's first change replaced.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from backends.changes import register_editor
from backends.filestate import printable
from wizard.conf import KeyValueFile, template_key

KEY_EDITOR = "audit-key-value"


@dataclass
class Draft:
    path: str
    original: Optional[str]           # None: the file does not exist now
    base: Optional[str]               # what editing starts from: the file as before the wizard
                                      # (the packaged default for a new file)
    text: Optional[str] = None        # None: the file is to be absent
    step_diffs: Dict[int, Tuple[Optional[str], Optional[str]]] = field(default_factory=dict)
    first_step: Optional[int] = None
    mode: int = 0o640
    # the key edits made, in order ([op, key, value]), so they can be made again to the file a
    # package installs before the write (see EditFile); None once the whole text was replaced
    edits: Optional[List[list]] = field(default_factory=list)

    def __post_init__(self):
        self.text = self.base

    @property
    def changed(self) -> bool:
        return self.text != self.original


@dataclass
class KeyChange:
    """The first change of one key in a plan: the lines it replaced or removed, as (index, line)."""
    path: str
    key: str
    step: int
    before: List[List] = field(default_factory=list)


class Drafts:
    def __init__(self, files: Mapping[str, Optional[str]], defaults: Mapping[str, str]):
        self._files = files
        self._defaults = defaults
        self._drafts: Dict[str, Draft] = {}
        self.key_changes: Dict[Tuple[str, str], KeyChange] = {}
        self.owned: Dict[str, int] = {}          # files written whole that the ledger keeps: path -> step
        self.released: Dict[Tuple[str, str], int] = {}   # (path, key) put back -> its step

    def get(self, path: str) -> Draft:
        if path not in self._drafts:
            original = self._files.get(path)
            base = original if original is not None else self._defaults.get(path)
            self._drafts[path] = Draft(path, original, base)
        return self._drafts[path]

    def set_keys(self, step: int, path: str, values: Mapping[str, str],
                 remove: Tuple[str, ...] = (), same=None) -> None:
        """Set `key = value` lines; `same(key, old, new)` decides when an existing value is
        already right (audit's parsers are case-insensitive for most values)."""
        draft = self.get(path)
        if draft.edits is not None:
            draft.edits.extend([["set", k, v] for k, v in values.items()] + [["remove", k, None] for k in remove])
        conf = KeyValueFile.parse(draft.text or "")
        for key, value in values.items():
            old = conf.get(key)
            if old is not None and (same or _same_value)(key, old, value):
                continue
            index, line = conf.slot(key)
            if conf.set(key, value):
                self._first_change(step, path, key, [] if line is None else [[index, line]])
        for key in remove:
            removed = conf.active_lines(key)
            if removed:
                self._first_change(step, path, key, [list(item) for item in removed])
                conf.remove(key)
        self._record(step, draft, conf.render())

    def _first_change(self, step: int, path: str, key: str, before: List[List]) -> None:
        self.key_changes.setdefault((path, key.lower()), KeyChange(path, key.lower(), step, before))

    def replace(self, step: int, path: str, text: str, mode: int = 0o640, owned: bool = True) -> None:
        """Write the file whole. `owned`: the ledger keeps it (the wizard removes it again when
        not wanted); lab CA files are not owned: certificates and keys are never deleted."""
        draft = self.get(path)
        draft.mode = mode
        draft.edits = None
        if owned:
            self.owned.setdefault(path, step)
        self._record(step, draft, text)

    def release(self, step: int, path: str, text: Optional[str], keys: Optional[Mapping[str, int]] = None) -> None:
        """Put back what was there before the wizard (None: the file goes), shown in `step`
        (a key's own step in `keys`). That is the base the steps then edit and the ledger
        compares with."""
        draft = self.get(path)
        self._record(step, draft, text)
        draft.base = text
        for key, key_step in (keys or {}).items():
            self.released[(path, key.lower())] = key_step

    def _record(self, step: int, draft: Draft, new_text: Optional[str]) -> None:
        if new_text == draft.text:
            return
        before = draft.step_diffs.get(step, (draft.text, draft.text))[0]
        draft.step_diffs[step] = (before, new_text)
        draft.text = new_text
        if draft.first_step is None:
            draft.first_step = step

    def all(self) -> List[Draft]:
        return list(self._drafts.values())

    def changed(self) -> List[Draft]:
        return sorted((d for d in self._drafts.values() if d.changed),
                      key=lambda d: (min(self.steps_of(d)), d.path))

    # ---- what each step shows: the net change from the file as it is now, by step
    def _regions(self, draft: Draft) -> List[Tuple[int, str, int, int, int, int]]:
        """(step, opcode, i1, i2, j1, j2) for every changed region between the file now (or
        the packaged default for a new one) and the final text. A region belongs to the step of
        the keys on its lines (the step that set them, or put them back), else to the first
        step that edited the file. A key put back and set again shows no change at all."""
        now = _now(draft)
        if draft.text is None or now is None or draft.path in self.owned:
            return [(draft.first_step or 9, "replace", 0, 0, 0, 0)]
        old, new = now.split("\n"), draft.text.split("\n")
        steps = {key: step for (path, key), step in self.released.items() if path == draft.path}
        steps.update({key: c.step for (path, key), c in self.key_changes.items() if path == draft.path})
        regions: List[Tuple[int, str, int, int, int, int]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            keys = {_line_key(line) for line in old[i1:i2] + new[j1:j2]} - {None}
            found = [steps[k] for k in keys if k in steps]
            regions.append((min(found) if found else (draft.first_step or 9), tag, i1, i2, j1, j2))
        return regions

    def steps_of(self, draft: Draft) -> List[int]:
        return sorted({region[0] for region in self._regions(draft)})

    def _text_up_to(self, draft: Draft, regions, limit: int) -> Optional[str]:
        """The file with the regions of steps <= limit applied."""
        now = _now(draft)
        if draft.text is None or now is None or draft.path in self.owned:
            return draft.text if regions[0][0] <= limit else now
        old, new = now.split("\n"), draft.text.split("\n")
        lines, at = [], 0
        for step, _tag, i1, i2, j1, j2 in regions:
            lines += old[at:i1] + (new[j1:j2] if step <= limit else old[i1:i2])
            at = i2
        return "\n".join(lines + old[at:])

    def step_diffs(self, step: int) -> List[Tuple[str, str]]:
        """(path, unified diff) for every file this step changes."""
        out = []
        for draft in sorted(self.changed(), key=lambda d: d.path):
            regions = self._regions(draft)
            if step not in {r[0] for r in regions}:
                continue
            before = self._text_up_to(draft, regions, step - 1)
            after = self._text_up_to(draft, regions, step)
            if draft.original is None and not draft.base and before == draft.base:
                before = None     # a new file: the diff starts at /dev/null
            out.append((draft.path, unified_diff(draft.path, before, after)))
        return out


def _now(draft: Draft) -> Optional[str]:
    """The file as it is now, or the packaged default a new audit file starts from."""
    return draft.original if draft.original is not None else draft.base


def _line_key(line: str) -> Optional[str]:
    key = KeyValueFile.parse(line).items()
    if key:
        return key[0][0]
    return template_key(line)


def _same_value(key: str, old: str, new: str) -> bool:
    return old.strip().lower() == new.strip().lower()


def edit_keys(text: str, edits: List[list], same=None) -> str:
    """`text` with the edits made: ["set", key, value] (left alone when the value is already
    the same), ["remove", key, None]."""
    conf = KeyValueFile.parse(text)
    for op, key, value in edits:
        old = conf.get(key)
        if op == "remove":
            if old is not None:
                conf.remove(key)
        elif old is None or not (same or _same_value)(key, old, value):
            conf.set(key, value)
    return conf.render()


register_editor(KEY_EDITOR, edit_keys)


def unified_diff(path: str, before: Optional[str], after: Optional[str]) -> str:
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True), (after or "").splitlines(keepends=True),
        fromfile="/dev/null" if before is None else path, tofile="/dev/null" if after is None else path)
    # printable: a byte that is not UTF-8 (kept as it is in the file) shows as \xNN
    return printable("".join(line if line.endswith("\n") else line + "\n" for line in lines))
