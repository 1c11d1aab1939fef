"""The real-host story, run once per test module on two booted machines (elhost.ElLab): a
receiver and a sender on one private network, each AlmaLinux-dressed and with the wizard
installed offline. `run_story(lab)` applies, checks, tests, reapplies and rolls back, taking a
snapshot of the real state after each stage; the tests read the result.

What stands in for what (everything else is the real program):
- getenforce says Enforcing (seams/getenforce): SELinux is disabled in this kernel; semanage
  and restorecon then run for real against the container's policy store.
- `auditctl -m` cannot write to the kernel's audit from the container (CAP_AUDIT_WRITE is
  dropped): the tagged USER record it would make is fed to the sender's own audisp-remote (the
  binary dnf installed, reading the wizard's audisp-remote.conf) on a pipe instead.
- EL's legacy `service auditd restart` action stops auditd by its pid file, not with
  `auditctl --signal stop` (rootfiles/hosttools/el/legacy-actions)."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from types import SimpleNamespace
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional

from tests.realstack.elhost import ElLab, MachineRunner, Ran
from wizard.probe import read_system_state

NETWORK = {"receiver": "10.88.0.1", "sender": "10.88.0.2", "stranger": "10.88.0.3"}
HOSTNAMES = {"receiver": "receiver.lab.test", "sender": "sender01.lab.test"}
MACHINES = ("receiver", "sender")
PORT = 6060
RECEIVER_ANSWERS = """role = "receiver"
[receiver]
listen_port = {port}
allowed_senders = ["{sender}"]
# the container may not register with the kernel's audit: aggregate only
local_events = false
# the sender's auditd and the test's tagged record come from the same address
max_per_addr = 2
""".format(port=PORT, sender=NETWORK["sender"])
SENDER_ANSWERS = """role = "sender"
[remote]
server = "{receiver}"
port = {port}
""".format(receiver=HOSTNAMES["receiver"], port=PORT)
AUDIT_FILES = ("/etc/audit/auditd.conf", "/etc/audit/audisp-remote.conf",
               "/etc/audit/plugins.d/au-remote.conf", "/etc/audit/plugins.d/syslog.conf",
               "/etc/audit/plugins.d/af_unix.conf")
PACKAGES = ("audit", "audispd-plugins", "rsyslog", "rsyslog-gnutls", "rsyslog-openssl",
            "krb5-workstation")
QF = "%{NAME} %{VERSION}-%{RELEASE}\\n"
ARRIVAL_TIMEOUT = 20


def machine_specs(seams_dir) -> List[dict]:
    binds = [[str(seams_dir / "getenforce"), "/usr/sbin/getenforce"],
             [str(seams_dir.parent / "fixtures" / "lab-hosts"), "/etc/hosts"]]
    return [
        {"name": "receiver", "hostname": HOSTNAMES["receiver"],
         "addresses": ["%s/24" % NETWORK["receiver"]], "binds_ro": binds},
        {"name": "sender", "hostname": HOSTNAMES["sender"],
         "addresses": ["%s/24" % NETWORK["sender"], "%s/24" % NETWORK["stranger"]],
         "binds_ro": binds},
    ]


def snapshot(lab: ElLab, machine: str) -> Dict[str, Any]:
    """The real state the tests compare: files (hash, mode), rpm, services, firewall (runtime
    and permanent), local SELinux port labels, auditd's pid."""
    files = {}
    for path in AUDIT_FILES:
        real = lab.path(machine, path)
        if real.exists():
            files[path] = {"sha256": hashlib.sha256(real.read_bytes()).hexdigest(),
                           "mode": "%04o" % (real.stat().st_mode & 0o7777),
                           "text": real.read_text(errors="replace")}
        else:
            files[path] = None
    rpm = lab.run(machine, ["rpm", "-q", "--qf", QF] + list(PACKAGES))
    services = {unit: {"active": lab.run(machine, ["systemctl", "is-active", unit]).stdout.strip(),
                       "enabled": lab.run(machine, ["systemctl", "is-enabled", unit]).stdout.strip()}
                for unit in ("auditd", "firewalld")}
    firewall = {config: parse_list_all(lab.run(machine, ["firewall-cmd"] + flag + [
        "--zone=public", "--list-all"]).stdout)
        for config, flag in (("runtime", []), ("permanent", ["--permanent"]))}
    semanage = lab.run(machine, ["semanage", "port", "-l", "-C"])
    return {"files": files, "rpm": {"exit_code": rpm.exit_code, "stdout": rpm.stdout},
            "services": services, "firewall": firewall,
            "selinux_local": {"exit_code": semanage.exit_code, "stdout": semanage.stdout},
            "auditd_pid": lab.run(machine, ["systemctl", "show", "-P", "MainPID", "auditd"]).stdout.strip(),
            "audisp_remote": lab.run(machine, ["pgrep", "-x", "audisp-remote"]).exit_code == 0}


def parse_list_all(text: str) -> Dict[str, List[str]]:
    """ports and rich rules from `firewall-cmd --list-all` (rules are the tab-indented lines after
    `rich rules:`); sorted, since firewalld's order is not fixed."""
    ports: List[str] = []
    rules: List[str] = []
    in_rules = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("ports:"):
            ports = stripped[len("ports:"):].split()
        elif stripped.startswith("rich rules:"):
            in_rules = True
        elif in_rules and line.startswith("\t") and stripped:
            rules.append(stripped)
        elif ":" in stripped:
            in_rules = False
    return {"ports": sorted(ports), "rich_rules": sorted(rules)}


def _wizard(lab: ElLab, machine: str, *args: str, **kwargs) -> Ran:
    return lab.run(machine, ["auditd-wizard"] + list(args), **kwargs)


def _journals(lab: ElLab, machine: str) -> List[dict]:
    """The wizard's transaction journals on the machine (its own record of what it ran)."""
    out = []
    base = lab.path(machine, "/var/lib/auditd-wizard")
    for manifest in sorted(base.rglob("manifest.json")):
        out.append(json.loads(manifest.read_text()))
    return out


def _wait_for(lab: ElLab, machine: str, path: str, needle: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in (lab.read(machine, path) or ""):
            return True
        time.sleep(0.2)
    return False


def _connect(lab: ElLab, source: str) -> Ran:
    """A TCP connect to the receiver's port from one of the sender machine's addresses."""
    script = ("import socket,sys\ns=socket.socket()\ns.bind((sys.argv[1],0))\ns.settimeout(3)\n"
              "try:\n    s.connect((sys.argv[2],int(sys.argv[3])))\n    print('connected')\n"
              "except OSError as e:\n    print(type(e).__name__, e.errno)\n    sys.exit(1)\n")
    return lab.run("sender", ["python3", "-c", script, source, NETWORK["receiver"], str(PORT)])


def tagged_record(node: str, nonce: str) -> str:
    """The USER record `auditctl -m "auditd-wizard test NONCE"` makes on the sender, as auditd
    hands it to the plugin (string format, node= from name_format = hostname)."""
    return ("node=%s type=USER msg=audit(%d.123:4242): pid=4242 uid=0 auid=0 ses=1 "
            "msg='auditd-wizard test %s exe=\"/usr/sbin/auditctl\" hostname=? addr=? "
            "terminal=pts/0 res=success'\n" % (node, int(time.time()), nonce))


def _both(function: Callable[[str], Any]) -> Dict[str, Any]:
    """function(machine) on both machines at once (they are independent here)."""
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(MACHINES, pool.map(function, MACHINES)))


def _probe_host(lab: ElLab, machine: str) -> SimpleNamespace:
    """What the probe uses of a Host: its runner, and files read inside the machine."""
    def read_text(path: str) -> Optional[str]:
        ran = lab.run(machine, ["cat", path])
        return ran.stdout if ran.exit_code == 0 else None
    return SimpleNamespace(runner=MachineRunner(lab, machine), read_text=read_text)


def run_story(lab: ElLab) -> Dict[str, Any]:
    seen: Dict[str, Any] = {"before": _both(lambda m: snapshot(lab, m))}
    for machine, answers in (("receiver", RECEIVER_ANSWERS), ("sender", SENDER_ANSWERS)):
        (lab.share(machine) / "answers.toml").write_text(answers)
    log = "/var/log/audit/audit.log"
    apply = ["apply", "--answers", "/srv/lab/answers.toml", "--yes"]

    # the receiver first: the sender's restart connects to it at once
    seen["receiver_apply"] = _wizard(lab, "receiver", *apply)
    seen["receiver_applied"] = snapshot(lab, "receiver")
    seen["sender_apply"] = _wizard(lab, "sender", *apply)
    seen["sender_applied"] = snapshot(lab, "sender")
    # the probe's parsers on what the real tools print (the only thing they use is the runner)
    seen["probed"] = _both(lambda m: read_system_state(_probe_host(lab, m)))
    seen["sender_start_arrived"] = _wait_for(
        lab, "receiver", log, "node=%s type=DAEMON_START" % HOSTNAMES["sender"], ARRIVAL_TIMEOUT)

    seen["doctor"] = _both(lambda m: _wizard(lab, m, "doctor", "--json"))
    seen["sender_test"] = _wizard(lab, "sender", "test", "--json", timeout=120)

    nonce = secrets.token_hex(6)        # the form `auditd-wizard test` tags its events with
    seen["nonce"] = nonce
    # auditctl -m needs CAP_AUDIT_WRITE, which the machine lacks: a second audisp-remote carries
    # the tagged record. The running one (forward mode, the default) holds the queue file, so this
    # one reads the applied file in immediate mode, bound over it in a mount namespace of its own.
    applied = lab.read("sender", "/etc/audit/audisp-remote.conf") or ""
    (lab.share("sender") / "feed-remote.conf").write_text(
        re.sub(r"(?m)^mode = .*$", "mode = immediate", applied))
    seen["fed"] = lab.run("sender", ["unshare", "--mount", "--", "sh", "-c",
                                     'mount --bind "$1" /etc/audit/audisp-remote.conf && '
                                     'exec /usr/sbin/audisp-remote', "sh", "/srv/lab/feed-remote.conf"],
                          input=tagged_record(HOSTNAMES["sender"], nonce), timeout=60)
    seen["expect"] = _wizard(lab, "receiver", "test", "--expect", nonce, "--node",
                             HOSTNAMES["sender"], "--wait", "15")
    seen["expect_other_node"] = _wizard(lab, "receiver", "test", "--expect", nonce, "--node",
                                        "nosuch.lab.test", "--wait", "0")
    seen["connect_allowed"] = _connect(lab, NETWORK["sender"])
    seen["connect_stranger"] = _connect(lab, NETWORK["stranger"])

    seen["reapply"] = _both(lambda m: _wizard(lab, m, *apply))
    seen["journals_applied"] = {m: _journals(lab, m) for m in MACHINES}
    seen["receiver_log"] = lab.read("receiver", log) or ""

    rollbacks = _both(lambda m: _wizard(lab, m, "rollback", "--last"))
    seen["receiver_rollback"], seen["sender_rollback"] = rollbacks["receiver"], rollbacks["sender"]
    seen["after"] = _both(lambda m: snapshot(lab, m))
    seen["journals_after"] = {m: _journals(lab, m) for m in MACHINES}
    # the drop-in is really there: the refusal a wizard that ran it would have met
    seen["systemctl_restart"] = lab.run("sender", ["systemctl", "restart", "auditd"])
    return seen
