"""Outside the namespace: run the wizard-CLI scenarios (tests.realstack.wizard_cli_driver) on
the wizard's own sender/receiver pair, prepared as native_setup.run_native prepares it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Mapping

from tests.realstack import harness
from tests.realstack.native_setup import INJECT_PORT, RECEIVER_PORT, run_native

DRIVER_MODULE = "tests.realstack.wizard_cli_driver"
CLOSED_PORT = 6062   # nothing listens here (6060 receiver, 6061 the sender's test door)
assert CLOSED_PORT not in (INJECT_PORT, RECEIVER_PORT)


def run_wizard_cli_scenario(name: str, args: Mapping[str, Any], scratch: Path,
                            timeout: float = harness.SCENARIO_TIMEOUT) -> Dict[str, Any]:
    """harness.run_scenario, with this driver (so its scenarios are known)."""
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "args.json").write_text(json.dumps(dict(args)))
    argv = ["unshare", "--mount", "--net", "--uts", "--pid", "--fork", "--kill-child",
            "--mount-proc", "--propagation", "private",
            sys.executable, "-m", DRIVER_MODULE, name, str(scratch)]
    env = dict(os.environ, PYTHONPATH=str(harness.REPO), PATH=harness._sbin_path())
    try:
        done = subprocess.run(argv, cwd=str(harness.REPO), env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, close_fds=True)
    except subprocess.TimeoutExpired as expired:
        raise harness.ScenarioError("scenario %s did not finish in %ss; output:\n%s" % (
            name, timeout, (expired.output or b"").decode(errors="replace")))
    output = done.stdout.decode(errors="replace")
    result_file = scratch / "result.json"
    if not result_file.exists():
        raise harness.ScenarioError("scenario %s wrote no result (exit %d):\n%s"
                                    % (name, done.returncode, output))
    result = json.loads(result_file.read_text())
    harness._print_diagnostics(name, result, output)
    if result.get("error"):
        raise harness.ScenarioError("scenario %s failed inside the namespace:\n%s"
                                    % (name, result["error"]))
    return result["observed"]


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
