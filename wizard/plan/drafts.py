"""Files being edited by the planner, step by step.

Each step edits a draft of a file; the draft remembers the text before and after every step,
so a step's preview shows only that step's edits while the transaction writes each file once.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from backends.changes import register_editor
from wizard.conf import KeyValueFile

KEY_EDITOR = "audit-key-value"


@dataclass
class Draft:
    path: str
    original: Optional[str]           # None: the file does not exist yet
    base: str                         # what editing starts from (the packaged default for a new file)
    text: str = ""
    step_diffs: Dict[int, Tuple[str, str]] = field(default_factory=dict)  # step -> (before, after)
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


class Drafts:
    def __init__(self, files: Mapping[str, Optional[str]], defaults: Mapping[str, str]):
        self._files = files
        self._defaults = defaults
        self._drafts: Dict[str, Draft] = {}

    def get(self, path: str) -> Draft:
        if path not in self._drafts:
            original = self._files.get(path)
            base = original if original is not None else self._defaults.get(path, "")
            self._drafts[path] = Draft(path, original, base)
        return self._drafts[path]

    def set_keys(self, step: int, path: str, values: Mapping[str, str],
                 remove: Tuple[str, ...] = (), same=None) -> None:
        """Set `key = value` lines; `same(key, old, new)` decides when an existing value is
        already right (audit's parsers are case-insensitive for most values)."""
        draft = self.get(path)
        edits = [["set", k, v] for k, v in values.items()] + [["remove", k, None] for k in remove]
        if draft.edits is not None:
            draft.edits.extend(edits)
        self._record(step, draft, edit_keys(draft.text, edits, same))

    def replace(self, step: int, path: str, text: str, mode: int = 0o640) -> None:
        draft = self.get(path)
        draft.mode = mode
        draft.edits = None
        self._record(step, draft, text)

    def _record(self, step: int, draft: Draft, new_text: str) -> None:
        if new_text == draft.text:
            return
        before = draft.step_diffs.get(step, (draft.text, draft.text))[0]
        draft.step_diffs[step] = (before, new_text)
        draft.text = new_text
        if draft.first_step is None:
            draft.first_step = step

    def changed(self) -> List[Draft]:
        return sorted((d for d in self._drafts.values() if d.changed),
                      key=lambda d: (d.first_step or 0, d.path))

    def step_diffs(self, step: int) -> List[Tuple[str, str]]:
        """(path, unified diff) for every file this step edits."""
        out = []
        for draft in sorted(self._drafts.values(), key=lambda d: d.path):
            if step not in draft.step_diffs:
                continue
            before, after = draft.step_diffs[step]
            is_new = draft.original is None and draft.first_step == step
            out.append((draft.path, unified_diff(draft.path, None if is_new and not draft.base else before, after)))
        return out


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


def unified_diff(path: str, before: Optional[str], after: str) -> str:
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile="/dev/null" if before is None else path, tofile=path)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
