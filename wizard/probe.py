"""Read the parts of the system state the planner compares against (packages, services,
SELinux port labels, firewall rules), so a rerun plans only what really changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

from backends.host import FileStat
from backends.rich_rule import RichRuleError, canonical_rich_rule
from backends.runner import ANY_EXIT, CommandError

PACKAGES_OF_INTEREST = ("audit", "audispd-plugins", "rsyslog", "rsyslog-gnutls", "rsyslog-openssl",
                        "krb5-workstation")


FirewallItem = Tuple[str, str, str]     # ("permanent" | "runtime", "port" | "rich-rule", value)


@dataclass
class SystemState:
    installed: Dict[str, str] = field(default_factory=dict)      # name -> version-release
    enabled: Dict[str, bool] = field(default_factory=dict)       # unit -> enabled
    active: Dict[str, bool] = field(default_factory=dict)        # unit -> active
    port_types: Dict[Tuple[str, int], str] = field(default_factory=dict)  # ("tcp", 60) -> audit_port_t (in effect)
    local_port_types: Dict[Tuple[str, int], str] = field(default_factory=dict)   # semanage port -l -C
    policy_port_types: Dict[Tuple[str, int], str] = field(default_factory=dict)  # the policy's own
    firewall_running: bool = False
    firewall_zone: str = "public"                                # the zone the answers use
    # zone -> what is in it, the runtime and the permanent configuration apart; rich rules in
    # firewalld's canonical form
    firewall: Dict[str, Set[FirewallItem]] = field(default_factory=dict)
    # mode/owner of the files step 8 checks (keytabs, TLS keys); absent = the file does not exist
    file_stats: Dict[str, FileStat] = field(default_factory=dict)
    # the kernel's ephemeral ports: SELinux checks name_bind only for ports outside it
    local_port_range: Tuple[int, int] = (32768, 60999)

    def bind_is_checked(self, port: int) -> bool:
        return bind_is_checked(port, self.local_port_range)

    def is_installed(self, name: str) -> bool:
        return name in self.installed

    def in_firewall(self, config: str, option: str, value: str, zone: Optional[str] = None) -> bool:
        return (config, option, value) in self.firewall.get(zone or self.firewall_zone, set())


def bind_is_checked(port: int, local_port_range: Tuple[int, int]) -> bool:
    """True when SELinux checks name_bind for `port` (security/selinux/hooks.c
    selinux_socket_bind: every port below 1024 or outside ip_local_port_range)."""
    low, high = local_port_range
    return port < 1024 or not low <= port <= high


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
    """Exact single-port definitions from `semanage port -l`, the first type that names each
    port (ranges are not exact labels: `semanage port -a` works for a port inside another
    type's range)."""
    return {key: types[0] for key, types in semanage_port_types(text).items()}


def semanage_port_types(text: str) -> Dict[Tuple[str, int], List[str]]:
    """Every type that names a port exactly, in listed order (`-l` lists a local entry first)."""
    types: Dict[Tuple[str, int], List[str]] = {}
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[1] not in ("tcp", "udp", "sctp", "dccp"):
            continue
        for item in parts[2].split(","):
            item = item.strip()
            if item.isdigit() and parts[0] not in types.setdefault((parts[1], int(item)), []):
                types[(parts[1], int(item))].append(parts[0])
    return types


def read_port_types(runner, state: SystemState) -> None:
    """The local labels (`-l -C`), the policy's (what `-l` lists besides the local one) and the
    one in effect (local over policy)."""
    listing = _run(runner, ["semanage", "port", "-l"])
    local = _run(runner, ["semanage", "port", "-l", "-C"])
    every = semanage_port_types(listing.stdout) if listing else {}
    state.local_port_types = parse_semanage_ports(local.stdout) if local else {}
    for key, types in every.items():
        rest = list(types)
        if state.local_port_types.get(key) in rest:
            rest.remove(state.local_port_types[key])
        if rest:
            state.policy_port_types[key] = rest[0]
    state.port_types = dict(state.policy_port_types)
    state.port_types.update(state.local_port_types)


def _zone_items(runner, zone: str) -> Set[FirewallItem]:
    items: Set[FirewallItem] = set()
    for config, flag in (("permanent", ["--permanent"]), ("runtime", [])):
        ports = _run(runner, ["firewall-cmd", *flag, f"--zone={zone}", "--list-ports"])
        rules = _run(runner, ["firewall-cmd", *flag, f"--zone={zone}", "--list-rich-rules"])
        items.update((config, "port", p) for p in (ports.stdout.split() if ports else []))
        for rule in (rules.stdout.splitlines() if rules else []):
            if rule.strip():
                try:
                    items.add((config, "rich-rule", canonical_rich_rule(rule.strip())))
                except RichRuleError:
                    items.add((config, "rich-rule", rule.strip()))
    return items


def read_firewall(runner, zones: Iterable[Optional[str]] = (None,)) -> Tuple[bool, str, Dict[str, Set[FirewallItem]]]:
    """(running, default zone, zone -> items) for each zone asked (None: the default zone)."""
    state = _run(runner, ["firewall-cmd", "--state"], ok=(0, 252))
    if state is None or state.exit_code != 0:
        return False, "public", {}
    default = _run(runner, ["firewall-cmd", "--get-default-zone"])
    default_zone = default.stdout.strip() if default and default.stdout.strip() else "public"
    wanted = {zone or default_zone for zone in zones}
    return True, default_zone, {zone: _zone_items(runner, zone) for zone in sorted(wanted)}


LOCAL_PORT_RANGE = "/proc/sys/net/ipv4/ip_local_port_range"


def read_local_port_range(host) -> Tuple[int, int]:
    """The kernel's ephemeral port range (the default 32768-60999 when it cannot be read, as in
    a sandbox)."""
    words = (host.read_text(LOCAL_PORT_RANGE) or "").split()
    if len(words) == 2 and all(w.isdigit() for w in words):
        return int(words[0]), int(words[1])
    return SystemState().local_port_range


def read_system_state(host, zone: Optional[str] = None, selinux_enabled: bool = True,
                      other_zones: Iterable[str] = ()) -> SystemState:
    """`zone`: the answers' zone (None: firewalld's default); `other_zones`: zones the ledger
    says the wizard changed before."""
    runner = host.runner
    state = SystemState(installed=read_packages(runner), local_port_range=read_local_port_range(host))
    for unit in ("auditd", "rsyslog"):
        state.enabled[unit], state.active[unit] = read_service(runner, unit)
    if selinux_enabled and runner.has_command("semanage"):
        read_port_types(runner, state)
    state.firewall_running, default_zone, state.firewall = read_firewall(runner, [zone, *other_zones])
    state.firewall_zone = zone or default_zone
    return state
