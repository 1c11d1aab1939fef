"""Failure injection: state["fail"] rules and the AUDITD_WIZARD_FAIL environment variable."""
from __future__ import annotations

import os
import shlex
from typing import List, Optional, Sequence

from backends.simulated.outcome import Outcome, failed

ENV_VAR = "AUDITD_WIZARD_FAIL"


def env_rules() -> List[dict]:
    """AUDITD_WIZARD_FAIL="dnf install" fails every command starting with ["dnf", "install"].
    Several prefixes are separated by ";" ("dnf install; semanage port")."""
    text = os.environ.get(ENV_VAR, "")
    rules = []
    for part in text.split(";"):
        prefix = shlex.split(part)
        if prefix:
            rules.append({"argv": prefix, "exit_code": 1,
                          "stderr": f"injected failure ({ENV_VAR}={text})"})
    return rules


def _matches(prefix: Sequence[str], argv: Sequence[str]) -> bool:
    return len(prefix) <= len(argv) and list(argv[:len(prefix)]) == list(prefix)


def take_failure(state: dict, argv: Sequence[str]) -> Optional[Outcome]:
    """The outcome of the first rule matching argv, or None. A state rule with `times`
    counts down and is dropped when it reaches zero; without `times` it always fires."""
    for rule in list(state.get("fail", [])):
        if not _matches(rule.get("argv", []), argv):
            continue
        if "times" in rule:
            rule["times"] = int(rule["times"]) - 1
            if rule["times"] <= 0:
                state["fail"].remove(rule)
        return _outcome(rule)
    for rule in env_rules():
        if _matches(rule["argv"], argv):
            return _outcome(rule)
    return None


def _outcome(rule: dict) -> Outcome:
    stderr = rule.get("stderr") or "injected failure"
    return failed(int(rule.get("exit_code", 1)), stderr if stderr.endswith("\n") else stderr + "\n",
                  rule.get("stdout", ""))
