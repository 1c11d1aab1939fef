"""firewalld rich rules in the one form `firewall-cmd --list-rich-rules` prints.

Real firewalld parses a rule and prints it back with its elements in a fixed order and every
attribute double-quoted (`rule family="ipv4" source address="10.0.0.0/24" port port="60"
protocol="tcp" accept`), whatever order and quoting it was given; it does not rewrite
addresses (`10.0.5.5/32` stays as written). Rules are compared in this form, and the
simulator stores them in it. Covers the elements a port rule can use; anything else is
refused like firewalld refuses it (INVALID_RULE, MISSING_FAMILY, INVALID_PROTOCOL).
"""
from __future__ import annotations

import shlex
from typing import Dict, List, Optional, Tuple

PROTOCOLS = ("tcp", "udp", "sctp", "dccp")
# element -> the attributes it takes, in the order firewalld prints them
_ELEMENTS: Dict[str, Tuple[str, ...]] = {
    "source": ("address", "mac", "ipset"), "destination": ("address", "ipset"),
    "service": ("name",), "port": ("port", "protocol"), "source-port": ("port", "protocol"),
    "protocol": ("value",), "log": ("prefix", "level"), "audit": (),
    "accept": (), "drop": (), "reject": ("type",), "limit": ("value",),
}
_SLOTS = {"source": "source", "destination": "destination", "service": "element",
          "port": "element", "source-port": "element", "protocol": "element", "log": "log",
          "audit": "audit", "accept": "action", "drop": "action", "reject": "action"}
_ORDER = ("source", "destination", "element", "log", "audit", "action")


class RichRuleError(ValueError):
    """str() starts with firewalld's error code, e.g. "INVALID_RULE: unknown element ACCEPT"."""


def _tokens(text: str) -> List[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError as error:
        raise RichRuleError(f"INVALID_RULE: {error}") from None


class _Part:
    def __init__(self, name: str):
        self.name, self.invert = name, False
        self.attrs: Dict[str, str] = {}
        self.limit: Optional[str] = None

    def __str__(self) -> str:
        words = [self.name + (" NOT" if self.invert else "")]
        words += ['%s="%s"' % (key, self.attrs[key]) for key in _ELEMENTS[self.name] if key in self.attrs]
        if self.limit:
            words.append('limit value="%s"' % self.limit)
        return " ".join(words)


def canonical_rich_rule(text: str) -> str:
    """The rule as firewalld lists it; RichRuleError for what firewalld refuses."""
    tokens = _tokens(text)
    if not tokens or tokens[0] != "rule":
        raise RichRuleError(f"INVALID_RULE: '{text}' does not start with 'rule'")
    rule: Dict[str, str] = {}
    slots: Dict[str, _Part] = {}
    current: Optional[_Part] = None
    in_limit = False
    for token in tokens[1:]:
        name, eq, value = token.partition("=")
        if eq:
            if in_limit and current is not None and name == "value":
                current.limit, in_limit = value, False
            elif current is not None and name in _ELEMENTS[current.name]:
                current.attrs[name] = value
            elif name in ("family", "priority"):   # a rule attribute ends the element before it
                current, rule[name] = None, value
            else:
                raise RichRuleError(f"INVALID_RULE: bad attribute '{name}'")
        elif token in ("not", "NOT") and current is not None and current.name in ("source", "destination"):
            current.invert = True
        elif token == "limit" and current is not None:
            in_limit = True
        elif token in _ELEMENTS:
            slot = _SLOTS[token]
            if slot in slots:
                raise RichRuleError(f"INVALID_RULE: more than one '{slot}' element")
            current = slots[slot] = _Part(token)
        else:
            raise RichRuleError(f"INVALID_RULE: unknown element {token}")
    _check(rule, slots)
    words = ["rule"]
    if rule.get("priority") not in (None, "0"):
        words.append('priority="%s"' % rule["priority"])
    if "family" in rule:
        words.append('family="%s"' % rule["family"])
    words += [str(slots[slot]) for slot in _ORDER if slot in slots]
    return " ".join(words)


def _check(rule: Dict[str, str], slots: Dict[str, _Part]) -> None:
    family = rule.get("family")
    if family is not None and family not in ("ipv4", "ipv6"):
        raise RichRuleError(f"INVALID_RULE: 'family' attribute cannot have '{family}' value")
    addressed = any(slot in slots and "address" in slots[slot].attrs for slot in ("source", "destination"))
    if addressed and family is None:
        raise RichRuleError("MISSING_FAMILY")
    element = slots.get("element")
    if element is not None and element.name in ("port", "source-port"):
        if element.attrs.get("protocol") not in PROTOCOLS:
            raise RichRuleError(f"INVALID_PROTOCOL: {element.attrs.get('protocol')}")
        if not element.attrs.get("port", "").replace("-", "").isdigit():
            raise RichRuleError(f"INVALID_PORT: {element.attrs.get('port')}")
    if "action" not in slots and "log" not in slots and "audit" not in slots:
        raise RichRuleError("INVALID_RULE: no action, no log, no audit")


def port_rule(source: str, port: int, proto: str = "tcp") -> str:
    """The rule that admits `source` to `port` (what the wizard adds for an allowed sender)."""
    family = "ipv6" if ":" in source else "ipv4"
    return (f'rule family="{family}" source address="{source}" '
            f'port port="{port}" protocol="{proto}" accept')


def rule_source_port(text: str) -> Optional[Tuple[str, int]]:
    """(source address, port) when `text` is exactly a rule port_rule() makes, else None."""
    try:
        canonical = canonical_rich_rule(text)
    except RichRuleError:
        return None
    words = dict(w.split("=", 1) for w in shlex.split(canonical) if "=" in w)
    address, port = words.get("address"), words.get("port", "")
    if address is None or not port.isdigit() or canonical != port_rule(address, int(port)):
        return None
    return address, int(port)
