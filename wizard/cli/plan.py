"""`auditd-wizard plan`: the plan as unified diffs and exact commands, grouped by step."""
from __future__ import annotations

import sys

from wizard.cli.common import open_session, plan_or_fail, resolve_root
from wizard.errors import EXIT_OK
from wizard.plan.ledger import RECORD_HEADING
from wizard.steps import STEPS


def render_plan(session, plan) -> str:
    out = []
    for step in STEPS:
        step_plan = plan.steps[step.number]
        if not step_plan.has_changes:
            continue
        out.append(f"== Step {step.number}: {step.title}")
        for item in session.step_preview(step.number):
            if item.kind == "note":
                continue
            out.append(item.text.rstrip("\n") if item.kind == "diff" else f"# {item.title}\n{item.text.rstrip()}")
    if not out:
        return "Nothing to change: the host already matches these answers.\n"
    record = plan.own_record()    # applied first, counted like the rest ("[1/N]")
    if record:
        out = [f"== {RECORD_HEADING}"] + [f"# {c.describe()}" for c in record] + out
    return "\n".join(out) + "\n"


LABELS = {"blocker": "BLOCKER", "warning": "warning", "note": "note"}


def render_findings(findings) -> str:
    """The preflight list (Session.preflight): blockers first, each with its step."""
    if not findings:
        return ""
    out = ["== Before applying (%d blocker(s), %d warning(s))"
           % (sum(f.level == "blocker" for f in findings), sum(f.level == "warning" for f in findings))]
    for f in findings:
        head, *rest = f.text.splitlines() or [""]
        out.append(f"{LABELS[f.level]} (step {f.step}): {head}")
        out += ["    " + line.strip() for line in rest]
    return "\n".join(out) + "\n"


def plan(args) -> int:
    session = open_session(resolve_root(args.root), args.answers)
    sys.stdout.write(render_plan(session, plan_or_fail(session)))
    sys.stdout.write(render_findings(session.preflight()))
    return EXIT_OK
