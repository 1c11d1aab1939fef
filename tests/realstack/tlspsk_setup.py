"""Outside the namespace: the TLS-PSK pair (audit >= 4.2) for scenario_tls_psk.

The sets are the wizard's own (issue #10 item 5j), planned and applied on AlmaLinux 10 demo
roots whose audit is 4.2.1: the receiver's apply makes the key (`openssl rand -hex 32`, the real
openssl through the sandbox, then root 0400); the key is put into the sender's root before its
apply, as the plan's note tells an admin to (an existing key is kept, never overwritten). So
transport, tls_psk_file, tls_psk_identity and format on both ends, and the key, are the
wizard's. Test-only keys, in the copies only, as native_setup.py: local_events = no, the
sender's remote_server/port, the receiver's log_file/plugin_dir/freq/tcp_listen_port/
tcp_max_per_addr (several senders, one after the other, from one address) and the path of its
key (its /etc/audit is the machine's); the refused senders change one thing each (the key, the
identity)."""
from __future__ import annotations

import contextlib
import io
import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from backends.simulated import load_state, save_state
from tests.realstack.configsets import ANSWERS
from tests.realstack.harness import copy_etc_audit, require_no_local_events
from tests.realstack.keyvalue import set_keys
from tests.realstack.native_setup import INJECT_PORT, RECEIVER_PORT, SENDER_HOSTNAME
from tests.realstack.security_harness import run_security_scenario
from wizard.cli import main as wizard_main
from wizard.sandbox import make_demo_root

STUB_SOURCE = Path(__file__).resolve().parent / "stub" / "auditstub.c"
AUDIT_42 = "4.2.1-1.el10"
KEY = "audit.psk"                  # the wizard's default: /etc/audit/audit.psk
IDENTITY = "auditd-sender"         # the wizard's default tls_psk_identity


def wizard_psk_pair(workdir: Path) -> Tuple[Path, Path]:
    """(sender etc/audit, receiver etc/audit) as the wizard leaves them."""
    receiver = _apply("receiver", workdir / "receiver", None)
    sender = _apply("sender", workdir / "sender", receiver / KEY)
    return sender, receiver


def _apply(role: str, root: Path, key_from: Optional[Path]) -> Path:
    make_demo_root(root, "almalinux-10")
    state = load_state(root)
    for name in ("audit", "audit-libs", "audit-rules"):
        state["packages"][name] = AUDIT_42
    save_state(root, state)
    if key_from is not None:       # install -m 0400 -o root -g root (the plan's note)
        shutil.copyfile(str(key_from), str(root / "etc" / "audit" / KEY))
        os.chmod(str(root / "etc" / "audit" / KEY), 0o400)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = wizard_main(["apply", "--answers", str(ANSWERS / ("%s-tls-psk.toml" % role)),
                            "--root", str(root), "--yes"])
    if code != 0:
        raise AssertionError("auditd-wizard apply for the TLS-PSK %s failed (exit %d):\n%s"
                             % (role, code, out.getvalue()))
    return root / "etc" / "audit"


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


def psk_sender(sender_set: Path, out: Path, key: Optional[str] = None,
               identity: Optional[str] = None) -> Path:
    overrides = {"remote_server": "127.0.0.1", "port": str(RECEIVER_PORT)}
    if identity is not None:
        overrides["tls_psk_identity"] = identity
    sender = copy_etc_audit(sender_set, out, {
        "auditd.conf": {"local_events": "no", "tcp_listen_port": str(INJECT_PORT),
                        "distribute_network": "yes"},
        "audisp-remote.conf": overrides})
    os.chmod(str(out / KEY), 0o400)          # the copy made it 0640, which audit refuses
    if key is not None:
        write_key(out / KEY, key)
    require_no_local_events(sender)
    return sender


def run_tls_psk(sender_set: Path, receiver_set: Path, root: Path, scratch: Path) -> Dict[str, Any]:
    scratch.mkdir(parents=True, exist_ok=True)
    receiver = copy_etc_audit(receiver_set, scratch / "receiver-etc-audit")
    os.chmod(str(receiver / KEY), 0o400)
    log = scratch / "receiver-log" / "audit.log"
    set_keys(receiver / "auditd.conf", {
        "local_events": "no", "log_file": str(log), "plugin_dir": str(receiver / "plugins.d"),
        "freq": "1", "tcp_listen_port": str(RECEIVER_PORT), "tcp_max_per_addr": "4",
        "tls_psk_file": str(receiver / KEY)})
    (receiver / "plugins.d").mkdir(mode=0o750, exist_ok=True)
    require_no_local_events(receiver)
    senders = [
        {"name": "right", "delivers": True,
         "etc_audit": str(psk_sender(sender_set, scratch / "right"))},
        {"name": "wrong-key", "delivers": False,
         "etc_audit": str(psk_sender(sender_set, scratch / "wrong-key", key=secrets.token_hex(32)))},
        {"name": "wrong-identity", "delivers": False,
         "etc_audit": str(psk_sender(sender_set, scratch / "wrong-identity", identity="someone-else"))},
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
