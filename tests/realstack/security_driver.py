"""driver.py with the Security-step scenarios added (Kerberos, the planner's rsyslog drop-ins):

    python -m tests.realstack.security_driver SCENARIO SCRATCH_DIR

Same contract as tests.realstack.driver (it runs that driver's main)."""
from __future__ import annotations

import sys
from pathlib import Path

from tests.realstack import driver

SECURITY_SCENARIOS = {
    "kerberos-chain": ("scenario_kerberos", "kerberos_chain"),
    "rsyslog-planned-tls": ("scenario_rsyslog_planned", "planned_tls_chain"),
    "tls-psk-chain": ("scenario_tls_psk", "tls_psk_chain"),
}
driver.SCENARIOS.update(SECURITY_SCENARIOS)

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1], Path(sys.argv[2])))
