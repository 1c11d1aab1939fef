"""driver.py with the scenarios that run the wizard's own step-7 commands (test --expect,
the doctor's connection check):

    python -m tests.realstack.wizard_cli_driver SCENARIO SCRATCH_DIR

Same contract as tests.realstack.driver (it runs that driver's main)."""
from __future__ import annotations

import sys
from pathlib import Path

from tests.realstack import driver

WIZARD_CLI_SCENARIOS = {
    "wizard-expect-arrival": ("scenario_wizard_cli", "expect_arrival"),
    "wizard-connect-check": ("scenario_wizard_cli", "connect_check"),
}
driver.SCENARIOS.update(WIZARD_CLI_SCENARIOS)

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1], Path(sys.argv[2])))
