"""Outside the namespace: the wizard's Kerberos sender and receiver sets (auditd-wizard apply
on demo roots with encryption = "kerberos"), runnable COPIES of them, and the realm's files.

Test-only keys, in the copies only (as native_setup.py): local_events = no, the receiver's
log_file/plugin_dir/freq/tcp_listen_port and its krb5_key_file (its /etc/audit is the
host's), the sender's test injection listener and remote port. remote_server stays the
receiver's name, receiver.e2e.test, because the sender asks the KDC for auditd/<remote_server>."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any, Dict, Tuple

from tests.realstack.harness import copy_etc_audit, require_no_local_events
from tests.realstack.native_setup import INJECT_PORT, RECEIVER_PORT
from tests.realstack.scenario_kerberos import KDC_PORT, REALM

SENDER_ANSWERS = """role = "sender"
[remote]
server = "receiver.e2e.test"
[security]
encryption = "kerberos"
"""
RECEIVER_ANSWERS = """role = "receiver"
[security]
encryption = "kerberos"
"""
KRB5_CONF = """[libdefaults]
    default_realm = {realm}
    dns_lookup_realm = false
    dns_lookup_kdc = false
    dns_canonicalize_hostname = false
    rdns = false
[realms]
    {realm} = {{
        kdc = 127.0.0.1:{port}
    }}
[domain_realm]
    .e2e.test = {realm}
"""
KDC_CONF = """[kdcdefaults]
    kdc_ports = {port}
    kdc_tcp_ports = {port}
[realms]
    {realm} = {{
        database_name = {db}/principal
        key_stash_file = {db}/stash
        acl_file = {db}/kadm5.acl
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }}
"""


def wizard_set(os_name: str, answers: str, root: Path) -> Path:
    """auditd-wizard apply on a fresh demo root; returns its etc/audit."""
    from wizard.cli import main
    from wizard.sandbox import make_demo_root
    make_demo_root(root, os_name)
    answers_file = root.parent / ("%s.toml" % root.name)
    answers_file.write_text(answers)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["apply", "--answers", str(answers_file), "--root", str(root), "--yes", "--force"])
    if code != 0:
        raise AssertionError("auditd-wizard apply failed (exit %d):\n%s" % (code, out.getvalue()))
    return root / "etc" / "audit"


def kerberos_sets(os_name: str, workdir: Path) -> Tuple[Path, Path]:
    return (wizard_set(os_name, SENDER_ANSWERS, workdir / ("%s-krb-sender" % os_name)),
            wizard_set(os_name, RECEIVER_ANSWERS, workdir / ("%s-krb-receiver" % os_name)))


def kerberos_args(sender_set: Path, receiver_set: Path, scratch: Path) -> Dict[str, Any]:
    run = scratch / "run"
    db = scratch / "kdc"
    db.mkdir(parents=True, exist_ok=True)
    (db / "kadm5.acl").write_text("")
    (scratch / "krb5.conf").write_text(KRB5_CONF.format(realm=REALM, port=KDC_PORT))
    (scratch / "kdc.conf").write_text(KDC_CONF.format(realm=REALM, port=KDC_PORT, db=db))
    (scratch / "hosts").write_text("127.0.0.1 localhost receiver.e2e.test\n")
    receiver = copy_etc_audit(receiver_set, scratch / "receiver-etc-audit")
    receiver_log = scratch / "receiver-log" / "audit.log"
    copy_etc_audit(receiver_set, receiver, {"auditd.conf": {
        "local_events": "no", "log_file": str(receiver_log), "plugin_dir": str(receiver / "plugins.d"),
        "freq": "1", "tcp_listen_port": str(RECEIVER_PORT),
        "krb5_key_file": str(receiver / "audit.key")}})
    (receiver / "plugins.d").mkdir(mode=0o750, exist_ok=True)
    senders = {}
    for name in ("sender", "stale-sender"):
        senders[name] = copy_etc_audit(sender_set, scratch / ("%s-etc-audit" % name), {
            "auditd.conf": {"local_events": "no", "tcp_listen_port": str(INJECT_PORT),
                            "distribute_network": "yes"},
            "audisp-remote.conf": {"port": str(RECEIVER_PORT)}})
        require_no_local_events(senders[name])
    require_no_local_events(receiver)
    return {"krb5_conf": str(scratch / "krb5.conf"), "kdc_conf": str(scratch / "kdc.conf"),
            "hosts": str(scratch / "hosts"), "receiver": str(receiver),
            "receiver_log": str(receiver_log), "port": RECEIVER_PORT,
            "receiver_keytab": str(receiver / "audit.key"),
            "sender": str(senders["sender"]),
            "sender_keytab": str(senders["sender"] / "audisp-remote.key"),
            "stale_sender": str(senders["stale-sender"]),
            "stale_keytab": str(senders["stale-sender"] / "audisp-remote.key"),
            "inject_port": INJECT_PORT, "run": str(run)}
