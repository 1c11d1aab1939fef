"""Entry point run as PID 1 of a fresh mount+network+uts+pid namespace by harness.py:

    python -m tests.realstack.driver SCENARIO SCRATCH_DIR

reads SCRATCH_DIR/args.json, prepares the namespace, runs the scenario, and writes
SCRATCH_DIR/result.json: {"observed": {...}, "diagnostics": {...}}. Every daemon is stopped by
PID before it returns; if the driver itself dies, the kernel ends the whole pid namespace."""
from __future__ import annotations

import importlib
import json
import socket
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from tests.realstack.ns import in_root, open_root, setup_namespace
from tests.realstack.procs import Daemons, read
from tests.realstack.syslog_catcher import SyslogCatcher


@dataclass
class Context:
    scratch: Path
    daemons: Daemons
    catcher: Optional[SyslogCatcher]
    devlog: Path          # what /dev/log points at
    python: str
    roots: Dict[str, str] = field(default_factory=dict)   # role -> root to chroot into

    def syslog(self) -> str:
        return self.catcher.text() if self.catcher else ""

    def root(self, role: str) -> Optional[str]:
        """Where `role`'s programs run: a Debian root (open_root), or None for this machine's."""
        return self.roots.get(role)

    def argv(self, role: str, argv: List[str]) -> List[str]:
        return in_root(self.root(role), argv)


SCENARIOS = {  # name -> (module in tests.realstack, function)
    "check-auditd": ("scenario_parsers", "check_auditd"),
    "check-audisp-remote": ("scenario_parsers", "check_audisp_remote"),
    "native-chain": ("scenario_native", "chain"),
    "native-client-ports": ("scenario_native", "client_ports"),
    "native-forward-queue": ("scenario_native", "forward_queue"),
    "rsyslog-tls": ("scenario_rsyslog", "tls_chain"),
    "delivery-burst": ("scenario_delivery", "burst"),
}


def scenario(name: str) -> Callable[[Context, Dict[str, Any]], Dict[str, Any]]:
    module, function = SCENARIOS[name]
    return getattr(importlib.import_module("tests.realstack." + module), function)


def main(name: str, scratch: Path) -> int:
    args = json.loads((scratch / "args.json").read_text())
    logs = scratch / "logs"
    logs.mkdir(exist_ok=True)
    devlog = scratch / "devlog.sock"
    setup_namespace(scratch, devlog)
    # The namespace's own name: the receiver's node= label, or the sending rsyslog's host.
    socket.sethostname(args.get("namespace_hostname", "receiver.e2e.test"))
    # A scenario whose own syslog daemon owns /dev/log (rsyslog) asks for no catcher.
    catcher = None if args.get("devlog_owner") else SyslogCatcher(devlog, logs / "syslog.txt")
    ctx = Context(scratch, Daemons(logs), catcher, devlog, sys.executable)
    views: Dict[str, str] = {}   # one view per root, shared by the roles that use it
    for role, root in sorted((args.get("roots") or {}).items()):
        if root not in views:
            views[root] = open_root(root, scratch, "root%d" % len(views))
        ctx.roots[role] = views[root]
    result: Dict[str, Any] = {"observed": {}, "diagnostics": {}}
    try:
        result["observed"] = scenario(name)(ctx, args)
    except Exception:  # reported to the test, which fails with it
        result["error"] = traceback.format_exc()
    finally:
        ctx.daemons.stop_all()
        if catcher:
            catcher.close()
        result["diagnostics"]["syslog (/dev/log)"] = read(logs / "syslog.txt")
        result["diagnostics"].update(ctx.daemons.outputs())
        result["diagnostics"]["exit codes"] = {d.name: d.exit_code for d in ctx.daemons.started}
    (scratch / "result.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
