"""Outside the namespace: run the wizard-CLI scenarios (tests.realstack.wizard_cli_driver) on
the wizard's own sender/receiver pair, prepared as native_setup.run_native prepares it."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Mapping

from tests.realstack import harness
from tests.realstack.native_setup import INJECT_PORT, RECEIVER_PORT, run_native

DRIVER_MODULE = "tests.realstack.wizard_cli_driver"
CLOSED_PORT = 6062   # nothing listens here (6060 receiver, 6061 the sender's test door)
assert CLOSED_PORT not in (INJECT_PORT, RECEIVER_PORT)


def run_wizard_cli_scenario(name: str, args: Mapping[str, Any], scratch: Path,
                            timeout: float = harness.SCENARIO_TIMEOUT) -> Dict[str, Any]:
    """harness.run_scenario with this driver (so its scenarios are known)."""
    return harness.run_scenario(name, args, scratch, timeout, driver=DRIVER_MODULE)


def run_expect_arrival(sender_set: Path, receiver_set: Path, scratch: Path) -> Dict[str, Any]:
    return run_native("wizard-expect-arrival", sender_set, receiver_set, scratch,
                      runner=run_wizard_cli_scenario)


def run_connect_check(sender_set: Path, receiver_set: Path, scratch: Path) -> Dict[str, Any]:
    """The pair as run_native makes it (its sender aims at the receiver's port), plus a copy of
    the sender aimed at CLOSED_PORT."""
    closed = harness.copy_etc_audit(sender_set, scratch / "sender-closed-etc-audit", {
        "audisp-remote.conf": {"remote_server": "127.0.0.1", "port": str(CLOSED_PORT)}})
    return run_native("wizard-connect-check", sender_set, receiver_set, scratch,
                      runner=run_wizard_cli_scenario,
                      extra={"sender_closed": str(closed), "closed_port": CLOSED_PORT})
