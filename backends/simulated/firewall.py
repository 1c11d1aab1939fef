"""firewall-cmd against state["firewall"]: runtime and permanent configurations kept apart,
--reload copies permanent to runtime, like firewalld."""
from __future__ import annotations

import copy
import re
from typing import Optional, Sequence

from backends.rich_rule import RichRuleError, canonical_rich_rule
from backends.simulated.outcome import NotSimulated, Outcome, failed, ok

NOT_RUNNING = 252
INVALID_PORT = 102
INVALID_ZONE = 112
INVALID_RULE = 122
# firewalld's error codes (firewall/errors.py) for what rich-rule parsing refuses
_RULE_ERRORS = {"INVALID_PORT": INVALID_PORT, "INVALID_PROTOCOL": 103, "INVALID_RULE": INVALID_RULE,
                "MISSING_FAMILY": 207}
_PORT = re.compile(r"^(\d{1,5})(-(\d{1,5}))?/(tcp|udp|sctp|dccp)$")
_ACTIONS = ("--query-port", "--add-port", "--remove-port",
            "--query-rich-rule", "--add-rich-rule", "--remove-rich-rule")
_LISTS = {"--list-ports": "ports", "--list-services": "services", "--list-rich-rules": "rich_rules"}


def firewall_cmd(state: dict, argv: Sequence[str], root) -> Outcome:
    firewall = state["firewall"]
    args = list(argv[1:])
    if args == ["--state"]:
        if firewall.get("running"):
            return ok("running\n")
        return failed(NOT_RUNNING, "not running\n")
    if not firewall.get("running"):
        return failed(NOT_RUNNING, "FirewallD is not running\n")
    if args == ["--get-zones"]:
        return ok(" ".join(sorted(firewall["permanent"])) + "\n")
    if args == ["--get-default-zone"]:
        return ok(firewall.get("default_zone", "public") + "\n")
    if args == ["--reload"]:
        firewall["runtime"] = copy.deepcopy(firewall["permanent"])
        return ok("success\n")
    return _zone_command(firewall, args)


def _zone_command(firewall: dict, args: list) -> Outcome:
    permanent, zone, action, value = False, None, None, ""   # value: set with action
    for arg in args:
        name, _, argument = arg.partition("=")
        if arg == "--permanent":
            permanent = True
        elif name == "--zone" and argument:
            zone = argument
        elif action is None and (name in _ACTIONS and argument or arg in _LISTS):
            action, value = name, argument
        else:
            raise NotSimulated()
    if action is None:
        raise NotSimulated()
    zone = zone or firewall.get("default_zone", "public")
    config = firewall["permanent" if permanent else "runtime"]
    if zone not in config:
        return failed(INVALID_ZONE, f"Error: INVALID_ZONE: {zone}\n")
    entry = config[zone]
    for key in ("ports", "rich_rules", "services"):
        entry.setdefault(key, [])
    if action in _LISTS:
        return ok(" ".join(entry[_LISTS[action]]) + "\n" if action != "--list-rich-rules"
                  else "".join(rule + "\n" for rule in entry["rich_rules"]))
    if action.endswith("-port"):
        problem = _bad_port(value)
        if problem:
            return failed(INVALID_PORT, problem)
        return _change(entry["ports"], action, value, value.replace("/", ":"))
    try:   # stored and listed in the one form real firewalld prints, whatever was given
        rule = canonical_rich_rule(value)
    except RichRuleError as error:
        code = str(error).split(":", 1)[0]
        return failed(_RULE_ERRORS.get(code, INVALID_RULE), f"Error: {error}\n")
    # real firewalld warns with the rule as it was given, not in its canonical form
    return _change(entry["rich_rules"], action, rule, value)


def _bad_port(value: str) -> Optional[str]:
    match = _PORT.match(value)
    numbers = [int(n) for n in (match.group(1), match.group(3)) if n] if match else []
    if not match:
        return f"Error: INVALID_PORT: {value}\n"
    if any(not 1 <= n <= 65535 for n in numbers):   # real firewall-cmd names the port part only
        return f"Error: INVALID_PORT: {value.split('/')[0]}\n"
    return None


def _change(items: list, action: str, value: str, shown: str) -> Outcome:
    present = value in items
    if action.startswith("--query"):
        return Outcome(0 if present else 1, "yes\n" if present else "no\n", "")
    if action.startswith("--add"):
        if present:
            return ok("success\n", f"Warning: ALREADY_ENABLED: {shown}\n")
        items.append(value)
        return ok("success\n")
    if not present:
        return ok("success\n", f"Warning: NOT_ENABLED: {shown}\n")
    items.remove(value)
    return ok("success\n")
