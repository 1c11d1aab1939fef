"""What a check reports: a Finding, and the fixes it proposes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:  # only a type here: rendering findings must not load the change kinds
    from backends.changes import Change

OK, WARNING, PROBLEM, SKIPPED = "ok", "warning", "problem", "skipped"
STATUSES = (OK, WARNING, PROBLEM, SKIPPED)


@dataclass
class FileEdit:
    """An edit of one audit key=value file. Several findings may edit the same file; the
    engine merges their edits into one WriteFile over the file's current text."""
    path: str
    set: Dict[str, str] = field(default_factory=dict)
    remove: Tuple[str, ...] = ()
    repair: Tuple[str, ...] = ()        # keys whose lines are rewritten as `key = value`
    drop_lines: Tuple[int, ...] = ()    # 1-based numbers of lines to delete (unreadable ones)


Fix = Union["Change", FileEdit]


@dataclass
class Finding:
    check: str                 # stable id, e.g. "plugin-strays"
    title: str                 # what was checked, in a few words
    status: str                # ok | warning | problem | skipped
    explanation: str           # plain words: what it means and what to do
    evidence: List[str] = field(default_factory=list)   # "$ argv" lines, what was seen
    fixes: Sequence[Fix] = field(default_factory=list)   # read only: a list of any Fix kind
    fix_summary: str = ""      # one line: what the fix does
    guide_row: Optional[int] = None   # the row of seed-errors.md this catches

    @property
    def fixable(self) -> bool:
        return bool(self.fixes)

    def to_dict(self) -> dict:
        return {"check": self.check, "title": self.title, "status": self.status,
                "explanation": self.explanation, "evidence": list(self.evidence),
                "fix": self.fix_summary if self.fixes else None, "guide_row": self.guide_row}


def sentence(parts: List[str]) -> str:
    """Clauses joined into one sentence, first letter upper-cased (keys keep their case)."""
    text = "; ".join(parts)
    return (text[:1].upper() + text[1:] + ".") if text else ""
