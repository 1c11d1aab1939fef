"""SELinux port labels and firewalld, on both ends (rows 10, 11)."""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from backends.changes import FirewallRules, SELinuxPort
from backends.rich_rule import RichRuleError, canonical_rich_rule, port_rule, rule_source_port
from wizard.doctor.model import OK, PROBLEM, WARNING, Finding
from wizard.probe import bind_is_checked, parse_semanage_ports, read_local_port_range

AUDIT_PORT = 60


def _ports(ctx) -> List[int]:
    if ctx.role == "sender" and ctx.method == "audisp-remote":
        ports = [ctx.remote_port()]
        local = ctx.remote_value("local_port")
        # name_bind is checked for every source port outside the ephemeral range
        if local and local.isdigit() and 0 < int(local) and \
                bind_is_checked(int(local), read_local_port_range(ctx.host)):
            ports.append(int(local))
        return ports
    if ctx.role == "receiver" and ctx.method == "audisp-remote" and ctx.listen_port():
        return [ctx.listen_port()]
    return []


def selinux_ports(ctx) -> Optional[Finding]:
    ports = sorted({p for p in _ports(ctx) if p != AUDIT_PORT})
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
    domain = ("audisp_remote_t may only connect to (and bind its source port to)"
              if ctx.role == "sender" else "auditd_t may only listen on")
    return Finding(
        "selinux-port", "SELinux lets audit use its port", PROBLEM,
        f"{domain} ports labelled audit_port_t (tcp/60 by default); "
        f"{', '.join(f'tcp/{p}' for p in missing)} is not. There is no auditd_network_connect "
        "boolean: the port is labelled with semanage.", evidence,
        [SELinuxPort(p, group="5") for p in missing],
        "semanage port -a (or -m) -t audit_port_t -p tcp " + " ".join(map(str, missing)),
        guide_row=10)


def _default_zone(ctx) -> str:
    ran = ctx.run(["firewall-cmd", "--get-default-zone"])
    return ran.stdout.strip() if ran and ran.exit_code == 0 and ran.stdout.strip() else "public"


def _items(ctx, zone: str) -> Dict[str, Set[Tuple[str, str]]]:
    """config -> {("port", "60/tcp"), ("rich-rule", canonical rule)} in that zone."""
    found: Dict[str, Set[Tuple[str, str]]] = {}
    for config, flag in (("permanent", ["--permanent"]), ("runtime", [])):
        ports = ctx.run(["firewall-cmd", *flag, f"--zone={zone}", "--list-ports"])
        rules = ctx.run(["firewall-cmd", *flag, f"--zone={zone}", "--list-rich-rules"])
        items = {("port", p) for p in (ports.stdout.split() if ports and ports.exit_code == 0 else [])}
        for rule in (rules.stdout.splitlines() if rules and rules.exit_code == 0 else []):
            try:
                items.add(("rich-rule", canonical_rich_rule(rule.strip())))
            except RichRuleError:
                items.add(("rich-rule", rule.strip()))
        found[config] = items
    return found


def _zone_of(ctx, port: int, configured: Optional[str]) -> str:
    """The configured zone; else the default zone, or another zone the port is opened in."""
    default = _default_zone(ctx)
    if configured:
        return configured
    zones = ctx.run(["firewall-cmd", "--get-zones"])
    for zone in [default] + (zones.stdout.split() if zones and zones.exit_code == 0 else []):
        if any(_admits(items, port) for items in _items(ctx, zone).values()):
            return zone
    return default


def _admits(items: Set[Tuple[str, str]], port: int) -> bool:
    return ("port", f"{port}/tcp") in items or any(
        option == "rich-rule" and (rule_source_port(value) or (None, None))[1] == port
        for option, value in items)


def firewall(ctx, answers=None) -> Optional[Finding]:
    state = ctx.run(["firewall-cmd", "--state"])
    if state is None or state.exit_code != 0 or ctx.role is None:
        return None
    if ctx.role == "sender":
        return _sender_firewall(ctx, answers)
    port = ctx.listen_port() if ctx.method == "audisp-remote" else (answers.rsyslog.port if answers else None)
    if port is None:
        return None
    senders = list(answers.receiver.allowed_senders) if answers else []
    zone = _zone_of(ctx, port, answers.firewall.zone if answers else None)
    items = _items(ctx, zone)
    spec = f"{port}/tcp"
    evidence = [f"zone {zone} ({config}): ports {' '.join(sorted(v for o, v in found if o == 'port')) or '(none)'}"
                for config, found in items.items()]
    evidence += [f"rich rule ({config}): {v}" for config, found in items.items()
                 for o, v in sorted(found) if o == "rich-rule"]
    wanted = [("rich-rule", port_rule(s, port)) for s in senders] or [("port", spec)]
    entries = [{"permanent": config == "permanent", "option": o, "value": v, "present": True}
               for o, v in wanted for config in items if (o, v) not in items[config]]
    if senders:   # only the listed senders: the port must not also be open to everyone
        entries += [{"permanent": config == "permanent", "option": "port", "value": spec, "present": False}
                    for config in items if ("port", spec) in items[config]]
    if not entries:
        who = f"{len(senders)} listed source(s) by rich rules" if senders else "every address"
        return Finding("firewall", "firewall lets senders in", OK,
                       f"Port {spec} is open to {who} in zone {zone}, in the runtime and the "
                       "permanent configuration.", evidence, guide_row=11)
    fix = FirewallRules(zone=zone, entries=entries, group="5")
    missing = sorted({"runtime" if not e["permanent"] else "permanent" for e in entries if e["present"]})
    if senders and any(not e["present"] for e in entries):
        text = (f"Port {spec} is open to every address in zone {zone}, although only "
                f"{', '.join(senders)} should reach it: the rich rules admit nothing the open "
                "port does not already let in.")
        status = PROBLEM
    elif missing == ["runtime"]:
        text = (f"Port {spec} is in the permanent configuration of zone {zone} but not in the "
                "running firewall (not reloaded, or removed at run time): senders cannot connect now.")
        status = PROBLEM
    else:
        text = (f"firewalld runs and port {spec} is closed ({' and '.join(missing)}) in zone {zone} "
                "for " + (", ".join(senders) if senders else "senders") + ": they cannot connect.")
        status = PROBLEM
    return Finding("firewall", "firewall lets senders in", status, text, evidence, [fix],
                   fix.describe(), guide_row=11)


def _sender_firewall(ctx, answers) -> Finding:
    zone = (answers.firewall.zone if answers else None) or _default_zone(ctx)
    port = ctx.remote_port() if ctx.method == "audisp-remote" else AUDIT_PORT
    spec = f"{port}/tcp"
    items = _items(ctx, zone)
    evidence = [f"zone {zone} ({config}): ports {' '.join(sorted(v for o, v in found if o == 'port')) or '(none)'}"
                for config, found in items.items()]
    open_in = [config for config in items if ("port", spec) in items[config]]
    if not open_in:
        return Finding("firewall", "firewall", OK, "Outgoing connections need no rule on "
                       "the sender.", evidence, guide_row=11)
    fix = FirewallRules(zone=zone, entries=[{"permanent": c == "permanent", "option": "port",
                                             "value": spec, "present": False} for c in open_in], group="5")
    return Finding("firewall", "firewall", WARNING,
                   f"Port {spec} is open for incoming connections on this sender. Nothing "
                   "connects to a sender: the receiver is the end that must accept the "
                   "connection; outgoing traffic is not blocked.", evidence, [fix],
                   f"close {spec} on this sender", guide_row=11)
