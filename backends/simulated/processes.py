"""pgrep, ss, journalctl and ausearch, answered from what the pretend auditd loaded at its
last start (backends.simulated.daemon) and from the audit messages sent with `auditctl -m`."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence

from backends.simulated import daemon
from backends.simulated.outcome import NotSimulated, Outcome, failed, ok

LOCAL_LOG = "/var/log/audit/audit.log"
_NO_MATCHES = "<no matches>\n"


def _auditd_active(state: dict) -> bool:
    return bool(state["services"].get("auditd", {}).get("active"))


def pgrep(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    """`pgrep -x NAME`: one pid per running process of that name."""
    if len(argv) != 3 or argv[1] != "-x":
        raise NotSimulated()
    running = daemon.loaded(root, state)["processes"] if _auditd_active(state) else []
    if argv[2] == "auditd" and _auditd_active(state):
        running = ["auditd"]
    pids = [str(800 + i) for i, name in enumerate(running) if name == argv[2]]
    return Outcome(0 if pids else 1, "".join(p + "\n" for p in pids), "")


def ss(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    """`ss -H -l -t -n`: listening TCP sockets (sshd, and auditd when it listens)."""
    if list(argv[1:]) != ["-H", "-l", "-t", "-n"]:
        raise NotSimulated()
    lines = ["LISTEN 0      128          0.0.0.0:22        0.0.0.0:*"]
    port = daemon.loaded(root, state)["listen_port"] if _auditd_active(state) else None
    if port:
        lines.append(f"LISTEN 0      5            0.0.0.0:{port:<9} 0.0.0.0:*")
    return ok("".join(line + "\n" for line in lines))


def journalctl(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    """`journalctl --no-pager --quiet --output=short-iso --priority=warning
    _SYSTEMD_INVOCATION_ID=ID`: what auditd and its plugins logged since that start."""
    args = list(argv[1:])
    matches = [a for a in args if a.startswith("_SYSTEMD_INVOCATION_ID=")]
    known = {"--no-pager", "--quiet", "--output=short-iso", "--priority=warning"}
    if len(matches) != 1 or set(args) - known - set(matches):
        raise NotSimulated()
    loaded = daemon.loaded(root, state)
    if matches[0].split("=", 1)[1] != daemon.invocation_id(state):
        return ok()
    host = state.get("hostname", "localhost").split(".")[0]
    lines = [f"2025-01-01T00:00:{i:02d}+0000 {host} {e['identifier']}[{700 + i}]: {e['message']}"
             for i, e in enumerate(loaded["journal"]) if e["priority"] <= 4]
    return ok("".join(line + "\n" for line in lines))


def _options(args: List[str]) -> Optional[Dict[str, str]]:
    names = {"-m": "type", "--message": "type", "-ts": "start", "--start": "start",
             "-if": "input", "--input": "input", "--node": "node", "-n": "node"}
    parsed: Dict[str, str] = {}
    i = 0
    while i < len(args):
        if args[i] in names and i + 1 < len(args):
            parsed[names[args[i]]] = args[i + 1]
            i += 2
        elif args[i] in ("-i", "--interpret"):
            i += 1
        else:
            return None
    return parsed


def _local_records(root: Path, state: dict) -> List[str]:
    values, _ = daemon.parse(daemon._read(root, daemon.AUDITD_CONF) or "")
    fmt = values.get("name_format", "none").lower()
    name = {"hostname": state.get("hostname", "localhost"),
            "fqd": state.get("fqdn", state.get("hostname", "localhost")),
            "user": values.get("name", "")}.get(fmt)
    prefix = f"node={name} " if name else ""
    return [f"{prefix}type=USER msg=audit(1735689600.{i:03d}:{900 + i}): pid={1200 + i} uid=0 "
            f"auid=1000 ses=3 msg='text={text} exe=\"/usr/sbin/auditctl\" hostname=? addr=? "
            "terminal=pts/0 res=success'"
            for i, text in enumerate(state.get("audit_messages", []))]


def ausearch(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    """`ausearch -m AVC|USER [-ts recent|today] [-if FILE] [--node NAME] [-i]`; the AVC
    records are those met since auditd's last start."""
    options = _options(list(argv[1:]))
    if options is None or options.get("type") not in ("AVC", "USER"):
        raise NotSimulated()
    source = options.get("input", LOCAL_LOG)
    if source != LOCAL_LOG:
        path = root / source.lstrip("/")
        if not path.is_file():
            return failed(1, f"Error opening {source} (No such file or directory)\n")
        records = [line for line in path.read_text(errors="replace").splitlines() if line]
    elif options["type"] == "AVC":
        records = list(daemon.loaded(root, state)["avc"])
    else:
        records = _local_records(root, state)
    records = [r for r in records if f"type={options['type']} " in r]
    if "node" in options:
        records = [r for r in records if r.startswith(f"node={options['node']} ")]
    if not records:
        return failed(1, _NO_MATCHES)
    return ok("".join(f"----\n{r}\n" for r in records))
