"""The wizard's own state: a transaction interrupted (kill -9, power loss) may have left
changes half made, and blocks apply, fixes and confirming a trial until it is rolled back."""
from __future__ import annotations

from typing import Optional

from backends import transaction
from wizard.doctor.model import PROBLEM, Finding


def interrupted(ctx) -> Optional[Finding]:
    found = transaction.interrupted(ctx.host)
    if found is None:
        return None
    what = "an apply" if found.status == "applying" else "a rollback"
    return Finding(
        "interrupted-transaction", "an interrupted change", PROBLEM,
        f"Transaction {found.id} ({found.label}) was interrupted during {what}, so some of its "
        f"changes may be half made. Nothing can be applied until it is rolled back: "
        f"auditd-wizard rollback {found.id}{_root_option(ctx.host.root)}",
        [f"transaction {found.id}: status {found.status}, started {found.time}"])


def _root_option(root) -> str:
    """The `--root DIR` a sandbox's advice repeats ('' on a real host)."""
    return "" if str(root) == "/" else f" --root {root}"
