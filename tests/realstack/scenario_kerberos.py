"""Inside the namespace: native forwarding with Kerberos, all real components.

    MIT KDC (krb5kdc, realm E2E.TEST made here with kdb5_util + kadmin.local)
    sender auditd (hostname sender01.e2e.test, /etc/audit = the wizard's sender set,
      audisp-remote transport = KRB5, keytab auditd/sender01.e2e.test@E2E.TEST)
      -> GSSAPI -> receiver auditd (transport = KRB5, keytab auditd/receiver.e2e.test)

Then a sender whose keytab holds a key the KDC has since replaced (sender02) must deliver
nothing, and a plaintext managed-protocol client must be refused by the KRB5 receiver."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List

from tests.realstack.managed_wire import send_records
from tests.realstack.audit_tools import ausearch, user_records
from tests.realstack.netutil import listening
from tests.realstack.ns import bind, nested_argv
from tests.realstack.scenario_native import start_receiver
from tests.realstack.procs import file_contains, read, wait_for

REALM = "E2E.TEST"
KDC_PORT = 88
START_TIMEOUT = 30   # an upper bound: waits end when the daemon listens (or exits)
ARRIVAL_TIMEOUT = 10
REFUSAL_WAIT = 3


def _admin(env: Dict[str, str], argv: List[str]) -> str:
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=30, close_fds=True)
    output = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (" ".join(argv), done.returncode, output))
    return output


def _kadmin(env: Dict[str, str], query: str) -> str:
    output = _admin(env, ["kadmin.local", "-r", REALM, "-q", query])
    if "error" in output.lower() or "not found" in output.lower():
        raise RuntimeError("kadmin.local -q %r: %s" % (query, output))
    return output


def _keytab(env: Dict[str, str], principal: str, path: str) -> None:
    _kadmin(env, "addprinc -randkey %s" % principal)
    _kadmin(env, "ktadd -k %s %s" % (path, principal))
    os.chown(path, 0, 0)
    os.chmod(path, 0o400)      # exactly what auditd and audisp-remote insist on


def make_realm(args: Dict[str, Any]) -> Dict[str, str]:
    env = dict(os.environ, KRB5_CONFIG="/etc/krb5.conf", KRB5_KDC_PROFILE=args["kdc_conf"])
    _admin(env, ["kdb5_util", "create", "-s", "-r", REALM, "-P", "e2e-master-%d" % time.time_ns()])
    _keytab(env, "auditd/receiver.e2e.test@%s" % REALM, args["receiver_keytab"])
    _keytab(env, "auditd/sender01.e2e.test@%s" % REALM, args["sender_keytab"])
    _keytab(env, "auditd/sender02.e2e.test@%s" % REALM, args["stale_keytab"])
    # sender02's keytab now holds a key the KDC no longer has: no valid key.
    _kadmin(env, "cpw -randkey auditd/sender02.e2e.test@%s" % REALM)
    return env


def _start_sender(ctx, name: str, hostname: str, etc_audit: str, inject_port: int):
    daemon = ctx.daemons.start(name, nested_argv(ctx.python, ["auditd", "-n"], hostname,
                                                 Path(etc_audit), root=ctx.root("sender")))
    if not wait_for(lambda: listening(inject_port) or not daemon.running(), START_TIMEOUT):
        raise RuntimeError("%s: test listener %d never came up" % (name, inject_port))
    return daemon


def kerberos_chain(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    # audisp-remote reads the default realm in /etc/krb5.conf; receiver.e2e.test -> 127.0.0.1
    for prefix in sorted({""} | {ctx.root(r) or "" for r in ("sender", "receiver")}):
        for source, target in ((args["krb5_conf"], "/etc/krb5.conf"), (args["hosts"], "/etc/hosts")):
            if prefix:     # an overlay of a Debian root: a missing target may be made
                Path(prefix + target).touch()
            bind(source, prefix + target)
    env = make_realm(args)
    kdc = ctx.daemons.start("krb5kdc", ["env", "KRB5_KDC_PROFILE=%s" % env["KRB5_KDC_PROFILE"],
                                        "krb5kdc", "-n", "-r", REALM])
    if not wait_for(lambda: listening(KDC_PORT) or not kdc.running(), START_TIMEOUT):
        raise RuntimeError("krb5kdc is not listening on %d" % KDC_PORT)
    log = Path(args["receiver_log"])
    start_receiver(ctx, args)

    started = time.monotonic()
    good = _start_sender(ctx, "sender01-auditd", "sender01.e2e.test", args["sender"],
                         args["inject_port"])
    wait_for(file_contains(log, "node=sender01.e2e.test type=DAEMON_START"), ARRIVAL_TIMEOUT)
    start_seconds = time.monotonic() - started
    stamp = time.time_ns()
    marker = "e2e-krb5-%d" % stamp
    acks = send_records("127.0.0.1", args["inject_port"], user_records("sender01.e2e.test", [marker]))
    arrived = wait_for(file_contains(log, marker), ARRIVAL_TIMEOUT)
    good.stop()

    stale_marker = "e2e-krb5-stale-%d" % stamp
    _start_sender(ctx, "sender02-auditd", "sender02.e2e.test", args["stale_sender"],
                  args["inject_port"])
    stale_acks = send_records("127.0.0.1", args["inject_port"],
                              user_records("sender02.e2e.test", [stale_marker]))
    stale_arrived = wait_for(file_contains(log, stale_marker), REFUSAL_WAIT)

    plain_marker = "e2e-krb5-plain-%d" % stamp
    plain_acks = send_records("127.0.0.1", args["port"],
                              user_records("plain.e2e.test", [plain_marker]))
    plain_arrived = wait_for(file_contains(log, plain_marker), 1.0)
    return {"marker": marker, "acks": acks, "arrived": arrived,
            "daemon_start_seconds": round(start_seconds, 3),
            "stale_marker": stale_marker, "stale_acks": stale_acks, "stale_arrived": stale_arrived,
            "plain_marker": plain_marker, "plain_acks": plain_acks, "plain_arrived": plain_arrived,
            "search": ausearch(str(log), "--node", "sender01.e2e.test", "-m", "USER",
                               root=ctx.root("receiver")),
            "stale_search": ausearch(str(log), "--node", "sender02.e2e.test",
                                     root=ctx.root("receiver")),
            "receiver_log": read(log), "syslog": ctx.syslog()}
