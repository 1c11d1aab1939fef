"""One command sequence for the real tools and for the simulator (backends/simulated), so their
answers can be compared line by line: the probe's and the doctor's parsers were written against
the simulator, and the simulator against the same hands' idea of the real tools.

Each step: the argv and what must agree ("exit": the exit code; "stdout": exit code and standard
output; "diagnostic": exit code and the lines of standard error the wizard reads (ValueError,
Warning, Error, Failed); "lines:WORD": exit code and the output lines that contain WORD). The
sequence leaves the state as it found it (it adds and removes again). Versions are AlmaLinux
9.6's, which both the sandbox and the stand-in packages of the booted machine carry."""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Sequence, Tuple

QF = "%{VERSION}-%{RELEASE}\\n"
RULE_AS_TYPED = "rule port port=6060 protocol=tcp source address=192.0.2.0/24 family=ipv4 accept"
RULE_OTHER_SPELLING = ("rule family='ipv4' source address='192.0.2.0/24' port protocol='tcp' "
                       "port='6060' accept")
PERMANENT = ["firewall-cmd", "--permanent", "--zone=public"]
RUNTIME = ["firewall-cmd", "--zone=public"]

SEQUENCE: List[Tuple[List[str], str]] = [
    (["rpm", "-q", "--qf", QF, "audit", "audispd-plugins", "rsyslog", "rsyslog-gnutls",
      "rsyslog-openssl", "krb5-workstation"], "stdout"),
    (["rpm", "-q", "audit", "firewalld"], "stdout"),
    (["rpm", "-q", "nosuch-package"], "stdout"),
    (["systemctl", "is-active", "auditd"], "stdout"),
    (["systemctl", "is-enabled", "auditd"], "stdout"),
    (["systemctl", "is-active", "nosuch"], "stdout"),
    (["systemctl", "is-enabled", "nosuch"], "diagnostic"),
    (["firewall-cmd", "--state"], "stdout"),
    (["firewall-cmd", "--get-default-zone"], "stdout"),
    (PERMANENT + ["--list-ports"], "stdout"),
    (PERMANENT + ["--add-port=6060/tcp"], "stdout"),
    (PERMANENT + ["--add-port=6060/tcp"], "diagnostic"),
    (PERMANENT + ["--add-port=70000/tcp"], "diagnostic"),
    (PERMANENT + ["--add-rich-rule=" + RULE_AS_TYPED], "stdout"),
    (PERMANENT + ["--list-rich-rules"], "stdout"),
    (PERMANENT + ["--query-rich-rule=" + RULE_OTHER_SPELLING], "stdout"),
    (PERMANENT + ["--add-rich-rule=" + RULE_OTHER_SPELLING], "diagnostic"),
    (RUNTIME + ["--list-ports"], "stdout"),
    (["firewall-cmd", "--reload"], "stdout"),
    (RUNTIME + ["--list-ports"], "stdout"),
    (RUNTIME + ["--list-rich-rules"], "stdout"),
    (PERMANENT + ["--remove-rich-rule=" + RULE_OTHER_SPELLING], "stdout"),
    (PERMANENT + ["--remove-port=6060/tcp"], "stdout"),
    (PERMANENT + ["--remove-port=6060/tcp"], "diagnostic"),
    (["firewall-cmd", "--reload"], "stdout"),
    (RUNTIME + ["--list-ports"], "stdout"),
    (["semanage", "port", "-l", "-C"], "stdout"),
    (["semanage", "port", "-a", "-t", "audit_port_t", "-p", "tcp", "6060"], "exit"),
    (["semanage", "port", "-a", "-t", "audit_port_t", "-p", "tcp", "6060"], "diagnostic"),
    (["semanage", "port", "-l", "-C"], "stdout"),
    (["semanage", "port", "-l"], "lines:audit_port_t"),
    (["semanage", "port", "-d", "-p", "tcp", "60"], "diagnostic"),
    (["semanage", "port", "-d", "-p", "tcp", "6060"], "exit"),
    (["semanage", "port", "-l", "-C"], "stdout"),
]

_DIAGNOSTIC = re.compile(r"^(ValueError|Warning|Error|Failed)")


def comparable(result: Tuple[int, str, str], mode: str) -> Dict[str, object]:
    """What of (exit code, stdout, stderr) must agree under `mode`."""
    code, out, err = result
    seen: Dict[str, object] = {"exit": code}
    if mode == "stdout":
        seen["stdout"] = out
    elif mode == "diagnostic":
        seen["diagnostic"] = [l for l in err.splitlines() if _DIAGNOSTIC.match(l)]
    elif mode.startswith("lines:"):
        seen["lines"] = [l for l in out.splitlines() if mode[len("lines:"):] in l]
    return seen


def run_sequence(run: Callable[[Sequence[str]], Tuple[int, str, str]]) -> List[Dict[str, object]]:
    return [dict(comparable(run(argv), mode), argv=" ".join(argv)) for argv, mode in SEQUENCE]
