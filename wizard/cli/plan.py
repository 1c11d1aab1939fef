"""`auditd-wizard plan`: the plan as unified diffs and exact commands, grouped by step."""
from __future__ import annotations

import sys

from wizard.cli.common import open_session, plan_or_fail, resolve_root
from wizard.errors import EXIT_OK
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
    return "\n".join(out) + "\n"


def plan(args) -> int:
    session = open_session(resolve_root(args.root), args.answers)
    sys.stdout.write(render_plan(session, plan_or_fail(session)))
    return EXIT_OK
