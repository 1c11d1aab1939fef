"""How to start this same auditd-wizard again from a detached process (the trial apply's
rollback timer), whichever way it was installed."""
from __future__ import annotations

import os
import sys
from importlib.util import find_spec
from typing import List


def self_argv() -> List[str]:
    pex = os.environ.get("PEX")   # pex sets it to the pyz being run
    if pex:
        return [sys.executable, pex]
    if find_spec("auditd_wizard") is not None:   # a wheel, pipx, a venv (also editable)
        return [sys.executable, "-m", "auditd_wizard"]
    return [sys.executable, "-m", "wizard.cli"]   # a source checkout run from its folder
