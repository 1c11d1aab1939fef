"""Outside the namespace: run a Security-step scenario (tests.realstack.security_driver) in a
fresh private namespace, exactly as harness.run_scenario does for the driver's own ones."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Mapping

from tests.realstack import harness

DRIVER_MODULE = "tests.realstack.security_driver"


def run_security_scenario(name: str, args: Mapping[str, Any], scratch: Path,
                          timeout: float = harness.SCENARIO_TIMEOUT) -> Dict[str, Any]:
    """harness.run_scenario with this driver (so its scenarios are known)."""
    return harness.run_scenario(name, args, scratch, timeout, driver=DRIVER_MODULE)
