"""Outside the namespace: the rsyslog method as the wizard plans it. `auditd-wizard apply` on
demo roots (sender and receiver, TLS) gives the audit set and the /etc/rsyslog.d drop-ins;
the answers point the certificate paths at the test PKI and remote_dir at the run directory.
Only a minimal main rsyslog.conf is written here (workDirectory, /dev/log for the sender, a
file for rsyslog's own messages), standing in for /etc/rsyslog.conf, which includes the drop-in."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from tests.realstack.harness import copy_etc_audit, require_no_local_events
from tests.realstack.krb5_setup import wizard_set
from tests.realstack.native_setup import INJECT_PORT, SENDER_HOSTNAME
from tests.realstack.pki import CLIENT_NAME, SERVER_NAME
from tests.realstack.rsyslog_setup import TLS_PORT
from tests.realstack.security_harness import run_security_scenario

SENDER_ANSWERS = """role = "sender"
method = "rsyslog"
[remote]
server = "127.0.0.1"
[rsyslog]
port = {port}
[security]
encryption = "tls"
tls_driver = "{driver}"
peer_names = ["{server_name}"]
ca_file = "{pki}/ca.pem"
cert_file = "{pki}/client.pem"
key_file = "{pki}/client-key.pem"
"""
RECEIVER_ANSWERS = """role = "receiver"
method = "rsyslog"
[rsyslog]
port = {port}
remote_dir = "{remote}"
[security]
encryption = "tls"
tls_driver = "{driver}"
peer_names = ["{client_name}"]
ca_file = "{pki}/ca.pem"
cert_file = "{pki}/server.pem"
key_file = "{pki}/server-key.pem"
"""
RECEIVER_MAIN = """global(workDirectory="{work}" processInternalMessages="on")
include(file="{dropin}")
*.* action(type="omfile" file="{run}/receiver-internal.log")
"""
SENDER_MAIN = """global(workDirectory="{work}" processInternalMessages="on")
module(load="imuxsock" SysSock.Use="on" SysSock.Name="{devlog}" SysSock.RateLimit.Interval="0")
include(file="{dropin}")
*.* action(type="omfile" file="{run}/sender-local.log")
"""
FORWARD = "etc/rsyslog.d/auditd-wizard-forward.conf"
COLLECT = "etc/rsyslog.d/auditd-wizard-collect.conf"


def planned_roots(pki: Path, workdir: Path, remote: Path, os_name: str = "almalinux-9",
                  driver: str = "gtls") -> Dict[str, Path]:
    """Demo roots after `auditd-wizard apply`: {"sender": root, "receiver": root}."""
    values = {"port": TLS_PORT, "pki": pki, "remote": remote, "driver": driver,
              "server_name": SERVER_NAME, "client_name": CLIENT_NAME}
    sender = wizard_set(os_name, SENDER_ANSWERS.format(**values), workdir / "rs-sender").parent.parent
    receiver = wizard_set(os_name, RECEIVER_ANSWERS.format(**values), workdir / "rs-receiver").parent.parent
    return {"sender": sender, "receiver": receiver}


def run_planned_tls(pki: Path, scratch: Path, driver: str = "gtls", os_name: str = "almalinux-9",
                    daemon_root: Optional[Path] = None) -> Dict[str, Any]:
    """The planned chain; every daemon from the Debian `daemon_root` when given."""
    run = scratch / "run"
    run.mkdir(parents=True, exist_ok=True)
    remote = run / "remote"
    roots = planned_roots(pki, scratch, remote, os_name, driver)
    confs = {}
    for role, main, dropin in (("receiver", RECEIVER_MAIN, COLLECT), ("sender", SENDER_MAIN, FORWARD)):
        work = run / ("%s-work" % role)
        work.mkdir(exist_ok=True)
        confs[role] = run / ("%s-rsyslog.conf" % role)
        confs[role].write_text(main.format(work=work, run=run, devlog=run / "devlog.sock",
                                           dropin=roots[role] / dropin))
    sender = copy_etc_audit(roots["sender"] / "etc" / "audit", scratch / "sender-etc-audit", {
        "auditd.conf": {"local_events": "no", "tcp_listen_port": str(INJECT_PORT),
                        "distribute_network": "yes"}})
    require_no_local_events(sender)
    seen = run_security_scenario("rsyslog-planned-tls", {
        "devlog_owner": "sender rsyslogd", "namespace_hostname": SENDER_HOSTNAME,
        "receiver_conf": str(confs["receiver"]), "sender_conf": str(confs["sender"]),
        "receiver_pid": str(run / "receiver-rsyslogd.pid"),
        "sender_pid": str(run / "sender-rsyslogd.pid"),
        "pki": str(pki), "port": TLS_PORT, "remote_dir": str(remote), "run": str(run),
        "sender": str(sender), "hostname": SENDER_HOSTNAME, "inject_port": INJECT_PORT,
        "roots": {role: str(daemon_root) for role in ("sender", "receiver") if daemon_root}}, run)
    seen["dropins"] = {role: (roots[role] / d).read_text()
                       for role, d in (("sender", FORWARD), ("receiver", COLLECT))}
    seen["syslog_plugin"] = (roots["sender"] / "etc/audit/plugins.d/syslog.conf").read_text()
    return seen
