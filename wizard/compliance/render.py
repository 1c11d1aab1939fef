"""The compliance view as plain text (the `compliance` command). ASCII marks, one rule a line,
why / what the check looks for / where to change it indented under the rules not met."""
from __future__ import annotations

from typing import List

MARK = {"met": "[met]   ", "not met": "[miss]  ", "not applicable": "[n/a]   ",
        "manual review": "[review]"}
INDENT = " " * 9


def as_text(view) -> str:
    lines: List[str] = ["Compliance with %s, %s" % (view.profile, view.content),
                        "Checked on %s." % view.basis, view.summary + ".", ""]
    for row in view.rows:
        lines.append("%s %s %s (%s)" % (MARK[row.status], row.label, row.title, row.rule))
        if row.status == "met":
            continue
        lines.append(INDENT + row.why)
        if row.status == "not met":
            lines.append(INDENT + "the check looks for: " + row.looks_for)
        if row.hint:
            lines.append(INDENT + "change: " + row.hint)
    if view.site_values:
        lines += ["", "A tailoring file for this site sets: " + ", ".join(
            "%s = %s" % item for item in sorted(view.site_values.items()))]
    if not view.rows:
        lines.append("No rules: %s." % view.profile)
    return "\n".join(lines) + "\n"
