"""Step 7 and `auditd-wizard test`: is the forwarding working right now?

On a sender: auditd active, audisp-remote running, the receiver's port reachable (the wizard's
own TCP connect, no telnet), then a harmless tagged event (`auditctl -m "auditd-wizard test
NONCE"`, never a write to /etc/passwd) and its arrival, searched on the receiver with
`auditd-wizard test --expect NONCE` (run there, or by this host over ssh). Every step says what
it ran and what it saw."""
from __future__ import annotations

import secrets
import shlex
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

from wizard.doctor import checks_remote, checks_service
from wizard.doctor.context import CheckContext
from wizard.doctor.model import OK, PROBLEM, SKIPPED, WARNING, Finding
from wizard.validators import ssh_target

TAG = "auditd-wizard test"
RECEIVED_LOG = "/var/log/audit/audit.log"
Progress = Optional[Callable[[int, int, str], None]]


@dataclass
class TestReport:
    nonce: str
    node: Optional[str]
    steps: List[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(s.status == PROBLEM for s in self.steps)

    def to_dict(self) -> dict:
        return {"nonce": self.nonce, "node": self.node, "ok": self.ok,
                "steps": [s.to_dict() for s in self.steps]}


def new_nonce() -> str:
    return secrets.token_hex(6)


def node_name(ctx) -> Optional[str]:
    """The node= label auditd puts on this host's events, or None (name_format = none)."""
    fmt = (ctx.auditd_value("name_format", "none") or "none").lower()
    if fmt == "hostname":
        return ctx.facts.hostname
    if fmt == "fqd":
        return ctx.facts.fqdn
    if fmt == "user":
        return ctx.auditd_value("name")
    if fmt == "numeric":
        return None   # an address; the search runs without --node
    return None


# auditctl's words without CAP_AUDIT_WRITE, even to root (seen: audit 3.0.9 in a
# systemd-nspawn machine that drops it, exit 4; tests/test_realhost_nspawn.py)
NOT_ROOT = "You must be root"


def _send_event(ctx, nonce: str) -> Finding:
    text = f"{TAG} {nonce}"
    sent = ctx.run(["auditctl", "-m", text])
    evidence = sent.lines() if sent else ["auditctl: not available"]
    if sent is None or sent.exit_code != 0:
        why = "auditctl -m failed, so no test event was made."
        if sent is not None and NOT_ROOT in sent.stdout + sent.stderr:
            why += (" auditctl says \"You must be root\" also to root when the process lacks "
                    "CAP_AUDIT_WRITE: run the test as root, on the host itself (a container that "
                    "drops the capability cannot make audit records).")
        return Finding("test-event", "tagged test event recorded", PROBLEM, why, evidence,
                       guide_row=14)
    local = ctx.run(["ausearch", "-m", "USER", "-ts", "recent"])
    evidence += local.lines(limit=4) if local else []
    if local is not None and nonce in local.stdout:
        return Finding("test-event", "tagged test event recorded", OK,
                       f"The event \"{text}\" is in this host's audit log; nothing else was "
                       "touched (the guide's write to /etc/passwd corrupts the account database).",
                       evidence, guide_row=14)
    return Finding("test-event", "tagged test event recorded", WARNING,
                   "The test event was sent but not found in this host's log yet.", evidence,
                   guide_row=14)


def ssh_argv(target: str, remote: List[str], timeout: float) -> List[str]:
    """ssh to `[user@]host` (validated: nothing ssh could take as an option), `--` before it,
    and each remote argument quoted for the remote shell, which ssh joins them into."""
    problem = ssh_target(target)
    if problem:
        raise ValueError(f"receiver over ssh: {problem}")
    return (["ssh", "-o", "BatchMode=yes", "-o", f"ConnectTimeout={int(timeout)}", "--", target]
            + [shlex.quote(arg) for arg in remote])


def _ssh_search(ctx, target: str, nonce: str, node: Optional[str], timeout: float) -> Finding:
    remote = ["auditd-wizard", "test", "--expect", nonce, "--wait", str(int(timeout))]
    if node:
        remote += ["--node", node]
    argv = ssh_argv(target, remote, timeout)
    if ctx.sandbox:
        return Finding("arrival", "test event arrived on the receiver", SKIPPED,
                       "sandbox: no network, so no event can reach a receiver; on a real host "
                       f"the wizard runs: {' '.join(argv)}", [f"would run: {' '.join(argv)}"])
    ran = ctx.run(argv, timeout=timeout * 2 + 30)
    evidence = ran.lines() if ran else ["ssh: not installed"]
    if ran is not None and ran.exit_code == 0:
        return Finding("arrival", "test event arrived on the receiver", OK,
                       f"The receiver {target} has the event tagged {nonce}.", evidence)
    if ran is not None and ran.exit_code == 3:
        return Finding("arrival", "test event arrived on the receiver", PROBLEM,
                       f"The receiver {target} searched its log and did not find the event: it "
                       "was not delivered. Run `auditd-wizard doctor` on both ends.", evidence)
    return Finding("arrival", "test event arrived on the receiver", WARNING,
                   f"Could not search on {target} over ssh (needs key login, BatchMode) or "
                   "auditd-wizard is not installed there. Run the search there by hand.", evidence)


def test_sender(host, facts, connect, receiver_ssh: Optional[str] = None, nonce: Optional[str] = None,
                timeout: float = 5.0, on_progress: Progress = None) -> TestReport:
    if receiver_ssh and ssh_target(receiver_ssh):   # refused before any event is sent
        raise ValueError(f"receiver over ssh: {ssh_target(receiver_ssh)}")
    ctx = CheckContext(host, facts, role="sender", connect=connect, timeout=timeout)
    nonce = nonce or new_nonce()
    report = TestReport(nonce, node_name(ctx))
    steps = [("auditd", checks_service.auditd_service), ("plugin", checks_service.plugin_running),
             ("connect", checks_remote.remote_reachable),
             ("event", lambda c: _send_event(c, nonce))]
    total = len(steps) + 1
    for index, (name, step) in enumerate(steps):
        if on_progress:
            on_progress(index, total, name)
        found = step(ctx)
        if found is not None:
            report.steps.append(found)
    if on_progress:
        on_progress(len(steps), total, "arrival")
    if receiver_ssh:
        report.steps.append(_ssh_search(ctx, receiver_ssh, nonce, report.node, max(timeout, 10)))
    else:
        node = f" --node {report.node}" if report.node else ""
        report.steps.append(Finding(
            "arrival", "test event arrived on the receiver", SKIPPED,
            f"On the receiver run: auditd-wizard test --expect {nonce}{node} (or give "
            "--receiver-ssh USER@HOST and the wizard runs it over ssh).", []))
    return report


def expect(host, facts, nonce: str, node: Optional[str] = None, log: str = RECEIVED_LOG,
           wait: float = 10.0, on_progress: Progress = None) -> TestReport:
    """On the receiver: search the received log for the tagged event until `wait` runs out."""
    ctx = CheckContext(host, facts, role="receiver")
    argv = ["ausearch", "-if", log, "-m", "USER"] + (["--node", node] if node else [])
    deadline = time.monotonic() + wait
    attempt = 0
    while True:
        if on_progress:
            on_progress(attempt, 0, f"searching {log}")
        ran = ctx.run(argv)
        if ran is not None and f"{TAG} {nonce}" in ran.stdout:
            lines = [line for line in ran.stdout.splitlines() if nonce in line]
            return TestReport(nonce, node, [Finding(
                "arrival", "test event arrived", OK, f"Found the event tagged {nonce}"
                + (f" from node {node}" if node else "") + ".", [ran.lines(0)[0]] + lines[:3])])
        if time.monotonic() >= deadline:
            break
        attempt += 1
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    evidence = ran.lines() if ran else ["ausearch: not available"]
    why = ("sandbox: no sender can reach a sandbox receiver, so nothing arrives here. "
           if ctx.sandbox else "")
    return TestReport(nonce, node, [Finding(
        "arrival", "test event arrived", PROBLEM,
        why + f"No event tagged {nonce}" + (f" from node {node}" if node else "")
        + f" in {log} after {wait:g} s. On the sender run `auditd-wizard doctor`; here check "
        "that auditd listens (tcp_listen_port) and the firewall lets the sender in.", evidence)])
