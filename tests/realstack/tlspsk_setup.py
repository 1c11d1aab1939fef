"""Outside the namespace: the TLS-PSK pair (audit >= 4.2) for scenario_tls_psk.

The sets are what issue #10 item 5j makes the wizard write, until it does (the planner writes
only `transport = tls` today): on the sender, audisp-remote.conf with transport = tls,
tls_psk_file and tls_psk_identity (format = managed kept); on the receiver, auditd.conf with the
same three; the key (64 hex digits, root-owned, mode 0400) beside each. They are made from the
wizard's own AlmaLinux 10 sender and receiver sets, so every other line is the wizard's.
Test-only keys, in the copies only, as native_setup.py: local_events = no, the receiver's
log_file/plugin_dir/freq/tcp_listen_port/tcp_max_per_addr (several senders, one after the
other, from one address) and the path of its key (its /etc/audit is the machine's)."""
from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from typing import Any, Dict, Optional

from tests.realstack.harness import copy_etc_audit, require_no_local_events
from tests.realstack.keyvalue import set_keys
from tests.realstack.native_setup import INJECT_PORT, RECEIVER_PORT, SENDER_HOSTNAME
from tests.realstack.security_harness import run_security_scenario

STUB_SOURCE = Path(__file__).resolve().parent / "stub" / "auditstub.c"
SENDER_KEY = "/etc/audit/audisp-remote.psk"
RECEIVER_KEY = "audit.psk"        # beside the receiver's auditd.conf
IDENTITY = SENDER_HOSTNAME


def build_stub(workdir: Path) -> Path:
    """libauditstub.so from stub/auditstub.c (gcc)."""
    out = workdir / "libauditstub.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(out), str(STUB_SOURCE)],
                   check=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, timeout=120, close_fds=True)
    return out


def write_key(path: Path, key: Optional[str] = None) -> str:
    key = key or secrets.token_hex(32)
    if path.exists():
        path.unlink()
    path.write_text(key + "\n")
    os.chown(str(path), 0, 0)
    os.chmod(str(path), 0o400)     # audit refuses a key another user can read
    return key


def psk_sender(sender_set: Path, out: Path, key: str, identity: str) -> Path:
    sender = copy_etc_audit(sender_set, out, {
        "auditd.conf": {"local_events": "no", "tcp_listen_port": str(INJECT_PORT),
                        "distribute_network": "yes"},
        "audisp-remote.conf": {"remote_server": "127.0.0.1", "port": str(RECEIVER_PORT),
                               "transport": "tls", "tls_psk_file": SENDER_KEY,
                               "tls_psk_identity": identity, "format": "managed"}})
    write_key(out / Path(SENDER_KEY).name, key)
    require_no_local_events(sender)
    return sender


def run_tls_psk(sender_set: Path, receiver_set: Path, root: Path, scratch: Path) -> Dict[str, Any]:
    scratch.mkdir(parents=True, exist_ok=True)
    receiver = copy_etc_audit(receiver_set, scratch / "receiver-etc-audit")
    key = write_key(receiver / RECEIVER_KEY)
    log = scratch / "receiver-log" / "audit.log"
    set_keys(receiver / "auditd.conf", {
        "local_events": "no", "log_file": str(log), "plugin_dir": str(receiver / "plugins.d"),
        "freq": "1", "tcp_listen_port": str(RECEIVER_PORT), "tcp_max_per_addr": "4",
        "transport": "tls", "tls_psk_file": str(receiver / RECEIVER_KEY),
        "tls_psk_identity": IDENTITY})
    (receiver / "plugins.d").mkdir(mode=0o750, exist_ok=True)
    require_no_local_events(receiver)
    senders = [
        {"name": "right", "delivers": True,
         "etc_audit": str(psk_sender(sender_set, scratch / "right", key, IDENTITY))},
        {"name": "wrong-key", "delivers": False,
         "etc_audit": str(psk_sender(sender_set, scratch / "wrong-key", secrets.token_hex(32), IDENTITY))},
        {"name": "wrong-identity", "delivers": False,
         "etc_audit": str(psk_sender(sender_set, scratch / "wrong-identity", key, "someone-else"))},
    ]
    preload = scratch / "ld.so.preload"
    preload.write_text("%s\n" % build_stub(scratch))
    seen = run_security_scenario("tls-psk-chain", {
        "receiver": str(receiver), "receiver_log": str(log), "port": RECEIVER_PORT,
        "senders": senders, "hostname": SENDER_HOSTNAME, "inject_port": INJECT_PORT,
        "preload": str(preload), "roots": {"sender": str(root), "receiver": str(root)}},
        scratch / "run")
    seen["receiver_conf"] = (receiver / "auditd.conf").read_text()
    seen["sender_conf"] = (scratch / "right" / "audisp-remote.conf").read_text()
    return seen
