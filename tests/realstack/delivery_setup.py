"""Outside the namespace: the wizard's own sender and receiver files for a delivery test, the
queues its plan promised, and one burst through the real daemons.

The sender's files come from `auditd-wizard apply` with fixtures/answers/delivery-sender.toml
on a demo root of the chosen AlmaLinux layout; the receiver's from the receiver answers the
wizard makes from that sender (receiver_answers_for: client_max_idle = 2 x heartbeat). The
queues are what the planner computed for those answers (wizard.plan.queues), so the test holds
the plan to its own words."""
from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from tests.realstack.configsets import ANSWERS
from tests.realstack.harness import run_scenario
from tests.realstack.native_setup import run_native
from wizard.answers import dump_answers, load_answers
from wizard.cli import main
from wizard.facts import gather_facts
from wizard.plan.queues import NativeQueues, native_queues
from wizard.receiver_answers import receiver_answers_for
from wizard.sandbox import make_demo_root
from backends.host import Host

SENDER_ANSWERS = ANSWERS / "delivery-sender.toml"
SCENARIO_TIMEOUT = 180


def _apply(root: Path, os_name: str, answers_text: str) -> Path:
    if (root / ".delivery-built").exists():
        return root / "etc" / "audit"
    make_demo_root(root, os_name)
    answers = root.parent / (root.name + ".toml")
    answers.write_text(answers_text)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["apply", "--answers", str(answers), "--root", str(root), "--yes"])
    if code != 0:
        raise AssertionError("auditd-wizard apply (%s) failed (exit %d):\n%s"
                             % (answers, code, out.getvalue()))
    (root / ".delivery-built").write_text(out.getvalue())
    return root / "etc" / "audit"


def wizard_pair(os_name: str, workdir: Path) -> Tuple[Path, Path, NativeQueues, Any]:
    """(sender etc/audit, receiver etc/audit, the sender plan's queues, receiver answers)."""
    sender = load_answers(SENDER_ANSWERS)
    receiver = receiver_answers_for(sender, "127.0.0.1")
    sender_root = workdir / ("%s-delivery-sender" % os_name)
    sender_set = _apply(sender_root, os_name, SENDER_ANSWERS.read_text())
    receiver_set = _apply(workdir / ("%s-delivery-receiver" % os_name), os_name,
                          dump_answers(receiver))
    facts = gather_facts(Host.for_root(sender_root))
    return sender_set, receiver_set, native_queues(sender, facts.event_rate), receiver


def burst(pair: Tuple[Path, Path, NativeQueues, Any], scratch: Path, count: int,
          fault: Optional[Dict[str, Any]] = None, root: Optional[Path] = None,
          rate: Optional[float] = None) -> Dict[str, Any]:
    """`count` records at the plan's rate (or `rate`) with one fault, through the real chain
    (the daemons of `root`, a Debian root, when given)."""
    sender_set, receiver_set, queues, _receiver = pair
    spool = scratch / "spool"
    spool.mkdir(mode=0o700, parents=True, exist_ok=True)
    extra = {"rate": rate or queues.rate, "count": count, "fault": fault or {"kind": "none"},
             "run": "dlv-%d" % time.time_ns(), "spool": str(spool),
             "roots": {"receiver": str(root), "sender": str(root)} if root else {}}
    return run_native("delivery-burst", sender_set, receiver_set, scratch,
                      runner=lambda name, args, where: run_scenario(
                          name, args, where, timeout=SCENARIO_TIMEOUT), extra=extra)
