"""getenforce, semanage port and restorecon against state["selinux"].

Ports are "proto/N" keys. `ports` is the loaded policy (read only, like the real policy
store); `local_ports` are the customisations `semanage port -a/-m` adds and `-d` removes."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from backends.simulated.outcome import NotSimulated, Outcome, failed, ok

_HEADER = "SELinux Port Type              Proto    Port Number\n\n"


def getenforce(state: dict, argv: Sequence[str], root) -> Outcome:
    if len(argv) != 1:
        raise NotSimulated()
    return ok(state["selinux"].get("mode", "Disabled") + "\n")


def restorecon(state: dict, argv: Sequence[str], root) -> Outcome:
    paths = [a for a in argv[1:] if not a.startswith("-")]
    if not paths or any(a not in ("-v", "-R", "-F") for a in argv[1:] if a.startswith("-")):
        raise NotSimulated()
    return ok()  # the sandbox has no labels to restore


def _local(selinux: dict) -> Dict[str, str]:
    return {entry["port"]: entry["type"] for entry in selinux.setdefault("local_ports", [])}


def _listing(selinux: dict, local_only: bool) -> str:
    """As real semanage prints it ("%-30s %-8s %s", ports joined by ", "): local entries first
    (`-l` lists a port modified with -m under both types); `-l -C` prints the header too, or
    nothing at all when there are no local entries."""
    by_type: Dict[tuple, List[str]] = {}
    sources = [_local(selinux)] if local_only else [_local(selinux), selinux.get("ports", {})]
    for source in sources:
        for key, port_type in source.items():
            proto, number = key.split("/", 1)
            by_type.setdefault((port_type, proto), [])
            if number not in by_type[(port_type, proto)]:
                by_type[(port_type, proto)].append(number)
    lines = [f"{t:<30} {p:<8} {', '.join(numbers)}\n" for (t, p), numbers in sorted(by_type.items())]
    return _HEADER + "".join(lines) if lines or not local_only else ""


def _parse_port_args(args: List[str]) -> Optional[dict]:
    parsed: Dict[str, Optional[str]] = {"action": None, "type": None, "proto": None, "port": None}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-a", "--add", "-m", "--modify", "-d", "--delete"):
            parsed["action"] = arg.lstrip("-")[0]
        elif arg in ("-t", "--type", "-p", "--proto") and i + 1 < len(args):
            parsed["type" if arg in ("-t", "--type") else "proto"] = args[i + 1]
            i += 1
        elif not arg.startswith("-") and parsed["port"] is None:
            parsed["port"] = arg
        else:
            return None
        i += 1
    return parsed


def semanage(state: dict, argv: Sequence[str], root) -> Outcome:
    args = list(argv[1:])
    if args[:1] != ["port"]:
        raise NotSimulated()
    selinux = state["selinux"]
    if selinux.get("mode", "Disabled") == "Disabled":
        return failed(1, "ValueError: SELinux policy is not managed or store cannot be accessed.\n")
    if args[1:] in (["-l"], ["--list"]):
        return ok(_listing(selinux, local_only=False))
    if args[1:] in (["-l", "-C"], ["-lC"], ["--list", "-C"]):
        return ok(_listing(selinux, local_only=True))
    parsed = _parse_port_args(args[1:])
    if parsed is None or parsed["action"] is None or parsed["port"] is None or parsed["proto"] is None:
        raise NotSimulated()
    return _change_port(selinux, parsed)


def _change_port(selinux: dict, parsed: dict) -> Outcome:
    proto, number, port_type = parsed["proto"], parsed["port"], parsed["type"]
    if proto not in ("tcp", "udp", "sctp", "dccp"):
        return failed(1, f"ValueError: Protocol {proto} is not valid\n")
    if not number.isdigit() or not 1 <= int(number) <= 65535:
        return failed(1, "ValueError: Invalid Port\n")
    key = f"{proto}/{int(number)}"
    policy, local = selinux.get("ports", {}), _local(selinux)
    if parsed["action"] in ("a", "m"):
        if not port_type:
            return failed(1, "ValueError: Type is required\n")
        if not port_type.endswith("_port_t"):
            return failed(1, f"ValueError: Type {port_type} is invalid, must be a port type\n")
    if parsed["action"] == "a":
        if key in policy or key in local:
            return failed(1, f"ValueError: Port {key} already defined\n")
        local[key] = port_type
    elif parsed["action"] == "m":
        if key not in policy and key not in local:
            return failed(1, f"ValueError: Port {key} is not defined\n")
        local[key] = port_type
    else:
        if key not in local:
            if key in policy:
                return failed(1, f"ValueError: Port {key} is defined in policy, cannot be deleted\n")
            return failed(1, f"ValueError: Port {key} is not defined\n")
        del local[key]
    selinux["local_ports"] = [{"port": k, "type": v} for k, v in sorted(local.items())]
    return ok()
