"""Findings as text (the terminal) and as JSON (`doctor --json`)."""
from __future__ import annotations

import json
import textwrap
from typing import List, Sequence

from wizard.doctor.model import Finding

_LABEL = {"ok": "OK", "warning": "WARNING", "problem": "PROBLEM", "skipped": "SKIPPED"}


def as_text(findings: Sequence[Finding], verbose: bool = True) -> str:
    out: List[str] = []
    for f in findings:
        out.append(f"[{_LABEL.get(f.status, f.status.upper())}] {f.title}  ({f.check})")
        if f.status != "ok" or verbose:
            # Never inside a word: a command or path in the advice must stay copyable.
            out += textwrap.wrap(f.explanation, 78, initial_indent="    ", subsequent_indent="    ",
                                 break_on_hyphens=False, break_long_words=False)
        if f.status != "ok":
            out += ["    | " + line for line in f.evidence]
            if f.fixes:
                out.append(f"    fix: {f.fix_summary}")
    counts = {s: sum(1 for f in findings if f.status == s) for s in _LABEL}
    out.append("")
    out.append(f"{counts['problem']} problem(s), {counts['warning']} warning(s), "
               f"{counts['ok']} ok, {counts['skipped']} skipped.")
    return "\n".join(out) + "\n"


def as_json(findings: Sequence[Finding], role) -> str:
    return json.dumps({"role": role, "findings": [f.to_dict() for f in findings]}, indent=2) + "\n"
