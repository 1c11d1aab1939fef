"""SELinux port labels and firewalld, on both ends (rows 10, 11)."""
from __future__ import annotations

from typing import List, Optional

from backends.changes import FirewallPort, RunCommand, SELinuxPort
from wizard.doctor.model import OK, PROBLEM, WARNING, Finding
from wizard.probe import parse_semanage_ports

AUDIT_PORT = 60


def _ports(ctx) -> List[int]:
    if ctx.role == "sender" and ctx.method == "audisp-remote":
        ports = [ctx.remote_port()]
        local = ctx.remote_value("local_port")
        if local and local.isdigit() and 0 < int(local) < 1024:
            ports.append(int(local))
        return ports
    if ctx.role == "receiver" and ctx.method == "audisp-remote" and ctx.listen_port():
        return [ctx.listen_port()]
    return []


def selinux_ports(ctx) -> Optional[Finding]:
    ports = [p for p in _ports(ctx) if p != AUDIT_PORT]
    if not ports or ctx.facts.selinux_mode.lower() == "disabled":
        return None
    ran = ctx.run(["semanage", "port", "-l"])
    if ran is None:
        return None
    types = parse_semanage_ports(ran.stdout)
    evidence = [f"tcp/{p}: {types.get(('tcp', p), 'no type')}" for p in ports]
    missing = [p for p in ports if types.get(("tcp", p)) != "audit_port_t"]
    if not missing:
        return Finding("selinux-port", "SELinux lets audit use its port", OK,
                       "The port is labelled audit_port_t.", evidence, guide_row=10)
    domain = "audisp_remote_t may only connect to" if ctx.role == "sender" else "auditd_t may only listen on"
    return Finding(
        "selinux-port", "SELinux lets audit use its port", PROBLEM,
        f"{domain} ports labelled audit_port_t (tcp/60 by default); "
        f"{', '.join(f'tcp/{p}' for p in missing)} is not. There is no auditd_network_connect "
        "boolean: the port is labelled with semanage.", evidence,
        [SELinuxPort(p, group="5") for p in missing],
        "semanage port -a (or -m) -t audit_port_t -p tcp " + " ".join(map(str, missing)),
        guide_row=10)


def _zone(ctx) -> str:
    ran = ctx.run(["firewall-cmd", "--get-default-zone"])
    return ran.stdout.strip() if ran and ran.exit_code == 0 and ran.stdout.strip() else "public"


def firewall(ctx) -> Optional[Finding]:
    state = ctx.run(["firewall-cmd", "--state"])
    if state is None or state.exit_code != 0 or ctx.role is None:
        return None
    zone = _zone(ctx)
    ports = ctx.run(["firewall-cmd", "--permanent", f"--zone={zone}", "--list-ports"])
    rules = ctx.run(["firewall-cmd", "--permanent", f"--zone={zone}", "--list-rich-rules"])
    open_ports = set(ports.stdout.split()) if ports else set()
    rich = [r.strip() for r in (rules.stdout if rules else "").splitlines() if r.strip()]
    evidence = [f"zone {zone}: ports {' '.join(sorted(open_ports)) or '(none)'}"] + \
        [f"rich rule: {r}" for r in rich]
    if ctx.role == "sender":
        port = ctx.remote_port() if ctx.method == "audisp-remote" else AUDIT_PORT
        spec = f"{port}/tcp"
        if spec not in open_ports:
            return Finding("firewall", "firewall", OK, "Outgoing connections need no rule on "
                           "the sender.", evidence, guide_row=11)
        fixes = [RunCommand(["firewall-cmd", *flag, f"--zone={zone}", f"--remove-port={spec}"],
                            undo_argv=["firewall-cmd", *flag, f"--zone={zone}", f"--add-port={spec}"],
                            description=f"Close {spec} {'permanently' if flag else 'now'} on this sender",
                            group="5") for flag in (["--permanent"], [])]
        return Finding("firewall", "firewall", WARNING,
                       f"Port {spec} is open for incoming connections on this sender. Nothing "
                       "connects to a sender: the receiver is the end that must accept the "
                       "connection; outgoing traffic is not blocked.", evidence, fixes,
                       f"close {spec} on this sender", guide_row=11)
    port = ctx.listen_port()
    if port is None:
        return None
    spec = f"{port}/tcp"
    allowed = [r for r in rich if f'port="{port}"' in r and "accept" in r]
    if spec in open_ports:
        return Finding("firewall", "firewall lets senders in", OK,
                       f"Port {spec} is open to every address in zone {zone}.", evidence, guide_row=11)
    if allowed:
        return Finding("firewall", "firewall lets senders in", OK,
                       f"Port {spec} is open to {len(allowed)} listed source(s) by rich rules; "
                       "a sender not listed is refused.", evidence, guide_row=11)
    return Finding("firewall", "firewall lets senders in", PROBLEM,
                   f"firewalld runs and port {spec} is closed in zone {zone}: senders cannot "
                   "connect. Open it (for every address, or only the senders with rich rules).",
                   evidence, [FirewallPort(port, zone=zone, group="5")],
                   f"firewall-cmd --permanent --add-port={spec} (and now)", guide_row=11)
