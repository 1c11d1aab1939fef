"""Doctor findings as list rows and as a detail text (ASCII markers, readable on a console)."""
from __future__ import annotations

from rich.text import Text

STATUS_WORD = {"ok": ("OK", "green"), "warning": ("WARN", "yellow"),
               "problem": ("PROBLEM", "red"), "skipped": ("SKIP", "")}


def finding_prompt(finding, selected: bool, colour: bool) -> Text:
    """`[x] PROBLEM plugins.d has stray files`: [x]/[ ] only where there is a fix to choose."""
    box = ("[x]" if selected else "[ ]") if finding.fixes else "   "
    word, style = STATUS_WORD.get(finding.status, (finding.status.upper(), ""))
    out = Text(f"{box} ")
    out.append(f"{word:<7}", style=style if colour else "")
    out.append(f" {finding.title}")
    return out


def finding_detail(finding, colour: bool, fix_keys: bool = True) -> Text:
    """What was checked, what was seen (the commands and lines), what it means, the fix."""
    word, style = STATUS_WORD.get(finding.status, (finding.status.upper(), ""))
    out = Text()
    out.append(f"{word}", style=(style + " bold") if colour else "")
    out.append(f" {finding.title} ({finding.check})\n")
    out.append(finding.explanation + "\n")
    if finding.evidence:
        out.append("Seen:\n", style="bold" if colour else "")
        for line in finding.evidence:
            out.append(f"  {line}\n")
    if finding.fixes:
        out.append("Fix: ", style="bold" if colour else "")
        keys = " (Space selects it, a reviews and applies)" if fix_keys else ""
        out.append(f"{finding.fix_summary}{keys}\n")
    if finding.guide_row:
        out.append("The popular guide gets this wrong.\n")
    out.rstrip()
    return out


def summary_line(findings) -> str:
    counts = {s: sum(1 for f in findings if f.status == s) for s in STATUS_WORD}
    fixable = sum(1 for f in findings if f.fixes and f.status != "ok")
    return (f"{counts['problem']} problem(s), {counts['warning']} warning(s), {counts['ok']} ok, "
            f"{counts['skipped']} skipped; {fixable} with a fix the wizard can apply.")


def report_text(steps, colour: bool) -> Text:
    """Every step of a test, in order, each with what ran and what it saw."""
    out = Text()
    for finding in steps:
        out.append_text(finding_detail(finding, colour, fix_keys=False))
        out.append("\n\n")
    out.rstrip()
    return out


def progress_text(verb: str, index: int, total: int, name: str) -> str:
    """"Checking 3/17: plugins.d"; the engine's last call (index == total) means done."""
    if not total:        # a step that repeats ("searching FILE"): its own words
        return f"{name[:1].upper()}{name[1:]}..."
    if index >= total:
        return f"{verb} done, reading the results..."
    return f"{verb} {index + 1}/{total}: {name}..."
