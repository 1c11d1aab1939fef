"""Inside the namespace: the rsyslog path with the real components.

    sender auditd (own uts+mount namespace) -> plugins.d/syslog.conf -> audisp-syslog
      (LOG_INFO LOG_LOCAL6) -> /dev/log -> sender rsyslogd (imuxsock) -> omfwd TCP+TLS
      -> receiver rsyslogd (imtcp, gtls, x509/name, PermittedPeer) -> one file per host

then a plaintext client and a CA-signed but unlisted peer (rogue cert) must be refused,
with a permitted gnutls-cli client as the positive control sent after them."""
from __future__ import annotations

import glob
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Dict

from tests.realstack.audit_tools import user_records
from tests.realstack.managed_wire import send_records
from tests.realstack.netutil import listening
from tests.realstack.ns import nested_argv
from tests.realstack.procs import read, wait_for

START_TIMEOUT = 30   # an upper bound: waits end when the daemon listens (or exits)
ARRIVAL_TIMEOUT = 10
CLIENT_TIMEOUT = 5
ABSENCE_GRACE = 0.5
CLAIMED_HOST = "db01"


def _remote_text(remote: Path) -> str:
    return "".join(read(Path(p)) for p in sorted(glob.glob(str(remote / "*.log"))))


def _plaintext_client(port: int, line: str) -> str:
    """Speak plain TCP syslog to the TLS port; say what the server did."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as sock:
            sock.sendall(line.encode() + b"\n")
            reply = sock.recv(200)
            return "closed by server" if reply == b"" else "server sent %r" % reply[:40]
    except OSError as error:
        return error.__class__.__name__


def _gnutls_client(pki: Path, port: int, role: str, line: str) -> Dict[str, Any]:
    argv = ["timeout", str(CLIENT_TIMEOUT), "gnutls-cli", "--x509cafile", str(pki / "ca.pem"),
            "--x509certfile", str(pki / ("%s.pem" % role)),
            "--x509keyfile", str(pki / ("%s-key.pem" % role)), "-p", str(port), "127.0.0.1"]
    # Keep stdin open a moment after the line so the server has time to read it.
    script = "printf '%s\\n' \"$1\"; sleep 0.3"
    done = subprocess.run(["sh", "-c", script, "sh", line], stdout=subprocess.PIPE,
                          close_fds=True, timeout=CLIENT_TIMEOUT + 2)
    client = subprocess.run(argv, input=done.stdout, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, close_fds=True, timeout=CLIENT_TIMEOUT + 2)
    return {"exit_code": client.returncode, "output": client.stdout.decode(errors="replace")}


def tls_chain(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    pki, port, remote = Path(args["pki"]), args["port"], Path(args["remote_dir"])
    remote.mkdir(parents=True, exist_ok=True)
    receiver = ctx.daemons.start("receiver-rsyslogd", ctx.argv("receiver", [
        "rsyslogd", "-n", "-f", args["receiver_conf"], "-i", args["receiver_pid"]]))
    if not wait_for(lambda: listening(port) or not receiver.running(), START_TIMEOUT):
        raise RuntimeError("receiver rsyslogd is not listening on %d" % port)
    sender = ctx.daemons.start("sender-rsyslogd", ctx.argv("sender", [
        "rsyslogd", "-n", "-f", args["sender_conf"], "-i", args["sender_pid"]]))
    if not wait_for(lambda: ctx.devlog.exists() or not sender.running(), START_TIMEOUT):
        raise RuntimeError("sender rsyslogd did not create %s" % ctx.devlog)
    started = time.monotonic()
    argv = nested_argv(ctx.python, ["auditd", "-n"], args["hostname"], Path(args["sender"]),
                       root=ctx.root("sender"))
    ctx.daemons.start("sender-auditd", argv)
    start_line = "node=%s type=DAEMON_START" % args["hostname"]
    wait_for(lambda: start_line in _remote_text(remote), ARRIVAL_TIMEOUT)
    start_seconds = time.monotonic() - started
    wait_for(lambda: listening(args["inject_port"]), START_TIMEOUT)
    stamp = time.time_ns()
    marker = "e2e-tls-%d" % stamp
    acks = send_records("127.0.0.1", args["inject_port"], user_records(args["hostname"], [marker]))
    wait_for(lambda: marker in _remote_text(remote), ARRIVAL_TIMEOUT)

    plaintext_marker = "PLAINTEXT-%d" % stamp
    rogue_marker = "ROGUE-%d" % stamp
    control_marker = "GOODCERT-%d" % stamp
    plaintext = _plaintext_client(port, "<182>Nov 24 15:00:00 h plain: %s" % plaintext_marker)
    rogue = _gnutls_client(pki, port, "rogue", "<182>Nov 24 15:00:00 h rogue: %s" % rogue_marker)
    # A permitted client that claims another host's name (HOSTNAME db01) in its message.
    control = _gnutls_client(pki, port, "client",
                             "<182>Nov 24 15:00:00 %s goodcli: %s" % (CLAIMED_HOST, control_marker))
    control_arrived = wait_for(lambda: control_marker in _remote_text(remote), ARRIVAL_TIMEOUT)
    time.sleep(ABSENCE_GRACE)
    return {
        "files": sorted(os.path.basename(p) for p in glob.glob(str(remote / "*.log"))),
        "daemon_start_seconds": round(start_seconds, 3), "marker": marker, "acks": acks,
        "plaintext": plaintext, "plaintext_marker": plaintext_marker,
        "rogue": rogue, "rogue_marker": rogue_marker,
        "control": control, "control_marker": control_marker, "control_claims": CLAIMED_HOST,
        "control_arrived": control_arrived,
        "remote_text": _remote_text(remote),
        "receiver_internal": read(Path(args["run"]) / "receiver-internal.log"),
    }
