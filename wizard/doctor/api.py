"""The doctor as the Session offers it: diagnose, plan the fixes, preview, apply."""
from __future__ import annotations

from typing import Callable, List, Optional, Sequence

from backends import transaction
from wizard.doctor.context import tcp_connect
from wizard.doctor.engine import Progress, diagnose, fix_changes
from wizard.doctor.model import PROBLEM, Finding


def connector_for(host):
    """The sandbox has no network: its checks say so instead of pretending."""
    return None if host.is_sandbox else tcp_connect


def run_diagnosis(host, facts, answers, role: Optional[str], on_progress: Progress = None,
                  connect="auto", timeout: float = 5.0) -> List[Finding]:
    return diagnose(host, facts, role=role, method=answers.method if answers else "audisp-remote",
                    answers=answers, connect=connector_for(host) if connect == "auto" else connect,
                    timeout=timeout, on_progress=on_progress)


def apply_fixes(host, facts, findings: Sequence[Finding], on_event: Optional[Callable] = None):
    """One transaction with the fixes of `findings` (rolled back as a whole on failure)."""
    changes = fix_changes(host, facts, findings)
    return transaction.Transaction.run(
        host, changes, label="doctor: fix " + ", ".join(f.check for f in findings if f.fixes),
        meta={"doctor": [f.check for f in findings]}, on_event=on_event)


def worst(findings: Sequence[Finding]) -> str:
    statuses = {f.status for f in findings}
    for status in (PROBLEM, "warning"):
        if status in statuses:
            return status
    return "ok"
