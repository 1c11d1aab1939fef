"""Converging what is not a file: SELinux port labels, firewalld ports and rich rules (runtime
and permanent apart), services. The steps say what the answers want (PlanContext.want_*);
here that is compared with the base (the current state with everything the ledger says the
wizard set put back) and with the current state, giving the changes and the new ledger entries.
What the answers do not want goes back to the base; what an admin changed since the wizard set
it is left alone."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from backends.changes import Change, FirewallRules, SELinuxPort, ServiceState
from wizard.plan import ledger as L

FIREWALL_CONFIGS = ("permanent", "runtime")


def _owned(ctx, prefix: str) -> Dict[str, dict]:
    return {a: e for a, e in ctx.ledger.items() if a.startswith(prefix)}


def _base(ctx, item: dict, current, label: str):
    """The value before the wizard set it, or the current one when it was changed since."""
    if current == item["set"]:
        return item["before"]
    ctx.note(item.get("step", 9), "%s was changed since auditd-wizard set it; it is left as it "
                                  "is and no longer counted as the wizard's." % label)
    return current


# ---------------------------------------------------------------- SELinux
def selinux(ctx) -> Tuple[List[Change], L.Ledger]:
    owned = _owned(ctx, "selinux-port:")
    if not ctx.manages_selinux:
        return [], owned
    state, entries = ctx.state, {}
    changes: List[Change] = []
    ports = {(p, n): None for (p, n) in ctx.wanted_selinux}
    for artifact in owned:
        proto, number = artifact.split(":", 1)[1].split("/")
        ports.setdefault((proto, int(number)), None)
    for key in sorted(ports):
        proto, port = key
        artifact = L.selinux_artifact(proto, port)
        current = {"local": state.local_port_types.get(key)}
        base = current
        if artifact in owned:
            base = _base(ctx, owned[artifact], current, "The SELinux label of %s/%d" % key)
        effective = base["local"] or state.policy_port_types.get(key)
        wanted = ctx.wanted_selinux.get(key)
        step = wanted[2] if wanted else owned[artifact].get("step", 5)
        desired = base
        if wanted is not None and effective not in wanted[0]:
            desired = {"local": wanted[1]}
        if desired != current:
            changes.append(SELinuxPort(port, type=desired["local"], proto=proto, group=str(step)))
        if desired != base:
            entries[artifact] = L.entry(artifact, step, base, desired)
    return changes, entries


# ---------------------------------------------------------------- firewalld
def firewall(ctx) -> Tuple[List[Change], L.Ledger]:
    owned = _owned(ctx, "firewall:")
    if not ctx.manages_firewall:
        if ctx.wanted_firewall or owned:
            if ctx.answers.firewall.manage:
                ctx.note(5, "firewalld is not running: no firewall change is planned.")
        return [], owned
    items: Dict[Tuple[str, str, str, str], Tuple[Optional[dict], int]] = {}   # None: not wanted
    for zone, wanted in ctx.wanted_firewall.items():
        for (config, option, value), (present, step) in wanted.items():
            items[(zone, config, option, value)] = ({"present": present}, step)
    for artifact, item in owned.items():
        zone, config, option, value = artifact.split(":", 4)[1:]
        items.setdefault((zone, config, option, value), (None, item.get("step", 5)))
    by_zone: Dict[str, List[dict]] = {}
    entries: L.Ledger = {}
    for (zone, config, option, value), (wanted, step) in sorted(items.items()):
        artifact = L.firewall_artifact(zone, config, option, value)
        present = (config, option, value) in ctx.state.firewall.get(zone, set())
        current = {"present": present}
        base = current
        if artifact in owned:
            base = _base(ctx, owned[artifact], current, "The firewall's %s %s (%s, zone %s)"
                         % (option, value, config, zone))
        desired = wanted or base
        if desired != current:
            by_zone.setdefault(zone, []).append({"permanent": config == "permanent", "option": option,
                                                 "value": value, "present": desired["present"],
                                                 "step": step})
        if desired != base:
            entries[artifact] = L.entry(artifact, step, base, desired)
    changes: List[Change] = []
    for zone, wanted_entries in sorted(by_zone.items()):
        # Admit the listed senders before the port closes to everyone else.
        wanted_entries.sort(key=lambda e: (not e["present"], not e["permanent"]))
        step = min(e.pop("step") for e in wanted_entries)
        changes.append(FirewallRules(zone=zone, entries=wanted_entries, group=str(step)))
    return changes, entries


# ---------------------------------------------------------------- services
def services(ctx) -> Tuple[List[Change], L.Ledger]:
    owned = _owned(ctx, "service:")
    entries: L.Ledger = {}
    changes: List[Change] = []
    units = list(ctx.wanted_services) + [a.split(":", 1)[1] for a in owned
                                         if a.split(":", 1)[1] not in ctx.wanted_services]
    for unit in units:
        artifact = L.service_artifact(unit)
        current = {"enabled": bool(ctx.state.enabled.get(unit)), "active": bool(ctx.state.active.get(unit))}
        base = current
        if artifact in owned:
            base = _base(ctx, owned[artifact], current, "The service %s" % unit)
        wanted = ctx.wanted_services.get(unit)
        step = wanted[1] if wanted else owned[artifact].get("step", 1)
        desired = wanted[0] if wanted else base
        ctx.desired_services[unit] = desired
        if desired != current:
            changes.append(ServiceState(
                unit, enabled=desired["enabled"] if desired["enabled"] != current["enabled"] else None,
                active=desired["active"] if desired["active"] != current["active"] else None,
                group=str(step)))
        if desired != base:
            entries[artifact] = L.entry(artifact, step, base, desired)
    return changes, entries
