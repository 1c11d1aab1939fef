"""Read the parts of the system state the planner compares against (packages, services,
SELinux port labels, firewall rules), so a rerun plans only what really changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

from backends.changes.base import ANY_EXIT
from backends.host import FileStat
from backends.runner import CommandError

PACKAGES_OF_INTEREST = ("audit", "audispd-plugins", "rsyslog", "rsyslog-gnutls", "rsyslog-openssl",
                        "krb5-workstation")


@dataclass
class SystemState:
    installed: Dict[str, str] = field(default_factory=dict)      # name -> version-release
    enabled: Dict[str, bool] = field(default_factory=dict)       # unit -> enabled
    active: Dict[str, bool] = field(default_factory=dict)        # unit -> active
    port_types: Dict[Tuple[str, int], str] = field(default_factory=dict)  # ("tcp", 60) -> audit_port_t
    firewall_running: bool = False
    firewall_zone: str = "public"
    open_ports: Set[str] = field(default_factory=set)            # permanent "60/tcp" in the zone
    rich_rules: Set[str] = field(default_factory=set)            # permanent rich rules in the zone
    # mode/owner of the files step 8 checks (keytabs, TLS keys); absent = the file does not exist
    file_stats: Dict[str, FileStat] = field(default_factory=dict)

    def is_installed(self, name: str) -> bool:
        return name in self.installed


def _run(runner, argv: List[str], ok: Iterable[int] = (0,)):
    try:
        return runner.run(argv, ok_codes=tuple(ok), timeout=60)
    except CommandError:
        return None


def read_packages(runner, names: Iterable[str] = PACKAGES_OF_INTEREST) -> Dict[str, str]:
    names = list(names)
    # rpm exits with the number of the names that are not installed; each gets its own line.
    result = _run(runner, ["rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}\\n", *names], ok=ANY_EXIT)
    if result is None:
        return {}
    installed = {}
    for name, line in zip(names, result.stdout.splitlines()):
        if "not installed" not in line and line.strip():
            installed[name] = line.strip()
    return installed


def read_service(runner, unit: str) -> Tuple[bool, bool]:
    enabled = _run(runner, ["systemctl", "is-enabled", unit], ok=(0, 1))
    active = _run(runner, ["systemctl", "is-active", unit], ok=(0, 3))
    return (bool(enabled) and enabled.stdout.strip() == "enabled",
            bool(active) and active.stdout.strip() == "active")


def parse_semanage_ports(text: str) -> Dict[Tuple[str, int], str]:
    """Exact single-port definitions from `semanage port -l` (ranges are not exact labels:
    `semanage port -a` works for a port inside another type's range)."""
    types: Dict[Tuple[str, int], str] = {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[1] not in ("tcp", "udp", "sctp", "dccp"):
            continue
        for item in parts[2].split(","):
            item = item.strip()
            if item.isdigit():
                types.setdefault((parts[1], int(item)), parts[0])
    return types


def read_firewall(runner, zone: Optional[str]) -> Tuple[bool, str, Set[str], Set[str]]:
    state = _run(runner, ["firewall-cmd", "--state"], ok=(0, 252))
    if state is None or state.exit_code != 0:
        return False, zone or "public", set(), set()
    if not zone:
        default = _run(runner, ["firewall-cmd", "--get-default-zone"])
        zone = default.stdout.strip() if default else "public"
    ports = _run(runner, ["firewall-cmd", "--permanent", f"--zone={zone}", "--list-ports"])
    rules = _run(runner, ["firewall-cmd", "--permanent", f"--zone={zone}", "--list-rich-rules"])
    return (True, zone,
            set(ports.stdout.split()) if ports else set(),
            {r.strip() for r in rules.stdout.splitlines() if r.strip()} if rules else set())


def read_system_state(host, zone: Optional[str] = None, selinux_enabled: bool = True) -> SystemState:
    runner = host.runner
    state = SystemState(installed=read_packages(runner))
    for unit in ("auditd", "rsyslog"):
        state.enabled[unit], state.active[unit] = read_service(runner, unit)
    if selinux_enabled and runner.has_command("semanage"):
        # `-l` lists a port modified with `-m` under both types; the local change (-C) wins.
        for argv in (["semanage", "port", "-l"], ["semanage", "port", "-l", "-C"]):
            listing = _run(runner, argv)
            if listing is not None:
                state.port_types.update(parse_semanage_ports(listing.stdout))
    state.firewall_running, state.firewall_zone, state.open_ports, state.rich_rules = read_firewall(runner, zone)
    return state
