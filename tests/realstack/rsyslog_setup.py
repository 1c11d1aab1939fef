"""Outside the namespace: fill in the rsyslog fixture configs and the sender's audit set."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

from tests.realstack.harness import copy_etc_audit, require_no_local_events, run_scenario
from tests.realstack.native_setup import INJECT_PORT, SENDER_HOSTNAME

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TLS_PORT = 6514


def render(template: Path, values: Dict[str, str], out: Path) -> Path:
    text = template.read_text()
    for name, value in values.items():
        text = text.replace("@@%s@@" % name, value)
    if "@@" in text:
        raise AssertionError("unfilled placeholder in %s" % template)
    out.write_text(text)
    return out


def rsyslog_configs(scratch: Path, pki: Path, devlog: Path) -> Dict[str, Path]:
    confs = {}
    for role in ("receiver", "sender"):
        work = scratch / ("%s-work" % role)
        work.mkdir(parents=True, exist_ok=True)
        confs[role] = render(FIXTURES / "rsyslog" / ("%s.conf" % role), {
            "WORK": str(work), "PKI": str(pki), "PORT": str(TLS_PORT), "RUN": str(scratch),
            "REMOTE": str(scratch / "remote"), "DEVLOG": str(devlog)},
            scratch / ("%s-rsyslog.conf" % role))
    return confs


def run_rsyslog_tls(sender_set: Path, pki: Path, scratch: Path) -> Dict[str, Any]:
    run = scratch / "run"
    run.mkdir(parents=True, exist_ok=True)
    confs = rsyslog_configs(run, pki, run / "devlog.sock")   # driver points /dev/log there
    sender = copy_etc_audit(sender_set, scratch / "sender-etc-audit", {
        "auditd.conf": {"local_events": "no", "tcp_listen_port": str(INJECT_PORT),
                        "distribute_network": "yes"}})
    require_no_local_events(sender)
    return run_scenario("rsyslog-tls", {
        "devlog_owner": "sender rsyslogd", "namespace_hostname": SENDER_HOSTNAME,
        "receiver_conf": str(confs["receiver"]), "sender_conf": str(confs["sender"]),
        "receiver_pid": str(run / "receiver-rsyslogd.pid"),
        "sender_pid": str(run / "sender-rsyslogd.pid"),
        "pki": str(pki), "port": TLS_PORT, "remote_dir": str(run / "remote"), "run": str(run),
        "sender": str(sender), "hostname": SENDER_HOSTNAME, "inject_port": INJECT_PORT}, run)
