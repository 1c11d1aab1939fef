"""Which senders a receiver's firewall admits, and in which zone (both methods' receivers).

The zone is the one the wizard's own firewall entries are in (the ledger says), else
firewalld's default zone; the senders are the sources of the rich rules that admit one address
to the port, in the permanent configuration. The port open to everyone means: any sender."""
from __future__ import annotations

from typing import List, Optional, Tuple

from backends.rich_rule import rule_source_port
from wizard.plan.ledger import read_ledger
from wizard.probe import read_firewall


def _wizard_entries(host) -> List[Tuple[str, str, str, str, dict]]:
    """(zone, config, option, value, what the wizard left) of its firewall entries."""
    found = []
    for artifact, item in read_ledger(host).items():
        if artifact.startswith("firewall:"):
            zone, config, option, value = artifact.split(":", 4)[1:]
            found.append((zone, config, option, value, item.get("set") or {}))
    return sorted(found, key=lambda e: e[:4])


def allowed_senders(host, port: int) -> Tuple[Optional[str], List[str]]:
    """(the zone when it is not firewalld's default, the admitted sources in listed order);
    no sources: any address may connect, or no firewall runs. What the wizard set (its
    ledger) counts even when the firewall was changed since, so the doctor compares with it."""
    entries = _wizard_entries(host)
    zone = entries[0][0] if entries else None
    running, default_zone, zones = read_firewall(host.runner, [zone])
    if not running:
        return None, []
    zone = zone or default_zone
    shown_zone = zone if zone != default_zone else None
    mine = [(option, value, left) for z, config, option, value, left in entries
            if z == zone and config == "permanent"]
    closed_by_wizard = any(o == "port" and v == f"{port}/tcp" and not left.get("present") for o, v, left in mine)
    rules = [v for o, v, left in mine if o == "rich-rule" and left.get("present")]
    items = zones.get(zone, set())
    if ("permanent", "port", f"{port}/tcp") in items and not rules and not closed_by_wizard:
        return shown_zone, []
    rules += [value for config, option, value in sorted(items) if config == "permanent" and option == "rich-rule"]
    found: List[str] = []
    for rule in rules:
        match = rule_source_port(rule)
        if match and match[1] == port and match[0] not in found:
            found.append(match[0])
    return shown_zone, found


def put_firewall(found, host, port) -> None:
    """The receiver's allowed senders (and a zone other than the default) into `found`."""
    if not isinstance(port, int):
        return
    zone, senders = allowed_senders(host, port)
    found.put("receiver.allowed_senders", senders or None, "firewalld rich rules")
    found.put("firewall.zone", zone, "firewalld zone of the wizard's rules")
