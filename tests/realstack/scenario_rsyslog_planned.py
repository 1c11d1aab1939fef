"""Inside the namespace: scenario_rsyslog.tls_chain over the drop-ins the wizard planned.
The planned receiver writes <remote_dir>/<host>/audit.log (a directory per sender), so the
received text is read from every file below remote_dir."""
from __future__ import annotations

import glob
from pathlib import Path
from typing import Any, Dict

from tests.realstack import scenario_rsyslog
from tests.realstack.procs import read


def _remote_text_per_host(remote: Path) -> str:
    return "".join(read(Path(p)) for p in sorted(glob.glob(str(remote / "**" / "*.log"),
                                                          recursive=True)))


def planned_tls_chain(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    scenario_rsyslog._remote_text = _remote_text_per_host
    seen = scenario_rsyslog.tls_chain(ctx, args)
    remote = Path(args["remote_dir"])
    seen["files"] = sorted(str(Path(p).relative_to(remote))
                           for p in glob.glob(str(remote / "**" / "*.log"), recursive=True))
    return seen
