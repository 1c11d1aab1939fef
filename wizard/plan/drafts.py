"""Files being edited by the planner, step by step.

Each step edits a draft of a file; the draft remembers the text before and after every step,
so a step's preview shows only that step's edits while the transaction writes each file once.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from wizard.conf import KeyValueFile


@dataclass
class Draft:
    path: str
    original: Optional[str]           # None: the file does not exist yet
    base: str                         # what editing starts from (the packaged default for a new file)
    text: str = ""
    step_diffs: Dict[int, Tuple[str, str]] = field(default_factory=dict)  # step -> (before, after)
    first_step: Optional[int] = None
    mode: int = 0o640

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
        conf = KeyValueFile.parse(draft.text)
        for key, value in values.items():
            old = conf.get(key)
            if old is not None and (same or _same_value)(key, old, value):
                continue
            conf.set(key, value)
        for key in remove:
            if conf.get(key) is not None:
                conf.remove(key)
        self._record(step, draft, conf.render())

    def replace(self, step: int, path: str, text: str, mode: int = 0o640) -> None:
        draft = self.get(path)
        draft.mode = mode
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


def unified_diff(path: str, before: Optional[str], after: str) -> str:
    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile="/dev/null" if before is None else path, tofile=path)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
