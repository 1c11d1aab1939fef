"""Outside the namespace: run a Security-step scenario (tests.realstack.security_driver) in a
fresh private namespace, exactly as harness.run_scenario does for the driver's own ones."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Mapping

from tests.realstack import harness

DRIVER_MODULE = "tests.realstack.security_driver"


def run_security_scenario(name: str, args: Mapping[str, Any], scratch: Path,
                          timeout: float = harness.SCENARIO_TIMEOUT) -> Dict[str, Any]:
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
