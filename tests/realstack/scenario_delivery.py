"""Inside the namespace: a burst of records at a steady rate through the real chain, with one
fault, and what arrived.

    injector (paced, managed wire) -> sender auditd (test-only listener, distribute_network)
      -> au-remote -> audisp-remote -> TCP -> receiver auditd -> its log

Faults: "none"; "receiver-down" (SIGTERM the receiver at `at` s, start it again `for` s
later); "stale" (a silent TCP connection from the sender's address to the receiver before
the sender starts, as a sender that crashed without closing leaves it); "sender-restart"
(receiver down, records queued, the sender's auditd stopped `hold` s after it and started
again with the same /var/spool/audit, then the receiver comes back).

With `roots` (a Debian root for both roles, opened by the driver), every daemon runs from it
(`chroot`), so another audit version runs the same files. Each record carries a marker `dlv-<run>-<n>`; the result counts which
arrived, how often, and what the daemons said in syslog."""
from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

from tests.realstack.audit_tools import user_record
from tests.realstack.managed_wire import exchange
from tests.realstack.netutil import listening
from tests.realstack.ns import nested_argv, require_visible
from tests.realstack.procs import read, wait_for

START_TIMEOUT = 8
SETTLE = 2.0            # no new arrival for this long = delivery is over
DROPPED = "queue is full - dropping event"
AUDITD_DROPPED = "queue to plugins is full"


# ------------------------------------------------------------------ daemons
def _receiver(ctx, args: Dict[str, Any], name: str):
    Path(args["receiver_log"]).parent.mkdir(parents=True, exist_ok=True)
    require_visible(ctx.root("receiver"), args["receiver"] + "/auditd.conf")
    argv = ctx.argv("receiver", ["auditd", "-n", "-c", args["receiver"]])
    daemon = ctx.daemons.start(name, argv)
    if not wait_for(lambda: listening(args["port"]) or not daemon.running(), START_TIMEOUT):
        raise RuntimeError("receiver auditd is not listening on %d" % args["port"])
    if not daemon.running():
        raise RuntimeError("receiver auditd exited %s:\n%s" % (daemon.process.poll(), daemon.output()))
    return daemon


def _sender(ctx, args: Dict[str, Any], name: str):
    argv = nested_argv(ctx.python, ["auditd", "-n"], args["hostname"], Path(args["sender"]),
                       root=ctx.root("sender"), spool=args.get("spool"))
    daemon = ctx.daemons.start(name, argv)
    if not wait_for(lambda: listening(args["inject_port"]) or not daemon.running(), START_TIMEOUT):
        raise RuntimeError("sender auditd's test listener %d never came up:\n%s"
                           % (args["inject_port"], daemon.output()))
    return daemon


def _stop(daemon) -> float:
    started = time.monotonic()
    daemon.stop(timeout=10)
    return round(time.monotonic() - started, 3)


# ------------------------------------------------------------------ the burst
class Injector(threading.Thread):
    """Sends records `first`..`first+count-1` at `rate` a second into the sender auditd's
    listener, each acknowledged before the next (the managed protocol), on a fixed schedule:
    record n is due at start + n/rate, so a slow moment is caught up, not stretched."""

    def __init__(self, port: int, node: str, run: str, first: int, count: int, rate: float):
        super().__init__(daemon=True)
        self.port, self.node, self.run_id = port, node, run
        self.first, self.count, self.rate = first, count, rate
        self.sent: List[float] = []          # monotonic time each record was acknowledged
        self.error: Optional[str] = None
        self.started_at = 0.0

    def run(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.started_at = time.monotonic()
        try:
            for i in range(self.count):
                due = self.started_at + i / self.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                n = self.first + i
                problem = exchange(sock, n + 1, user_record(self.node, "%s-%d" % (self.run_id, n), n))
                if problem:
                    raise RuntimeError("record %d: %s" % (n, problem))
                self.sent.append(time.monotonic())
        except (OSError, RuntimeError, EOFError) as error:   # EOFError: auditd closed it
            self.error = "%s: %s" % (error.__class__.__name__, error)
        finally:
            sock.close()


class LogWatcher(threading.Thread):
    """Follows the receiver's log (across a rotation): when the first record of the run
    arrived, and how many had arrived at each moment (for rates)."""

    def __init__(self, log: Path, run: str, interval: float = 0.1):
        super().__init__(daemon=True)
        self.log, self.interval = log, interval
        self.pattern = re.compile(r"op=%s-(\d+) " % re.escape(run))
        self.first: Optional[float] = None
        self.samples: List[List[float]] = []
        self._done = threading.Event()
        self._inode, self._offset, self._count, self._tail = None, 0, 0, ""

    def _poll(self) -> None:
        try:
            st = self.log.stat()
        except FileNotFoundError:
            return
        if st.st_ino != self._inode or st.st_size < self._offset:
            self._inode, self._offset, self._tail = st.st_ino, 0, ""
        with open(str(self.log), "rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        self._offset += len(chunk)
        text = self._tail + chunk.decode(errors="replace")
        complete, _, self._tail = text.rpartition("\n")
        self._count += len(self.pattern.findall(complete))

    def run(self) -> None:
        while not self._done.is_set():
            self._poll()
            now = time.monotonic()
            if self._count and self.first is None:
                self.first = now
            self.samples.append([round(now, 3), self._count])
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)

    def done_at(self) -> Optional[float]:
        """When the count last grew."""
        final = self.samples[-1][1] if self.samples else 0
        return next((t for t, n in self.samples if n == final), None) if final else None

    def peak_rate(self, window: float = 1.0) -> float:
        """The most records that arrived within any `window` seconds, per second."""
        best, j = 0.0, 0
        for i, (t, n) in enumerate(self.samples):
            while self.samples[j][0] < t - window:
                j += 1
            best = max(best, (n - self.samples[j][1]) / window)
        return round(best, 1)


def all_logs(log: Path) -> str:
    """The receiver's log with its rotated files (audit.log.N ... audit.log), oldest first."""
    rotated = sorted(log.parent.glob(log.name + ".*"),
                     key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0)
    return "".join(read(p) for p in rotated + [log])


def joined_lines(log_text: str):
    """The log's lines, with a record that arrived split in two (audit >= 4.1.3 cuts a record
    that straddles the end of audisp-remote's 16 KiB input buffer, upstream issue #529) put
    back together: a line that does not start a record continues the one before.
    Returns (lines, how many were split)."""
    lines: List[str] = []
    split = 0
    for line in log_text.split("\n"):   # not splitlines(): ENRICHED records hold \x1d
        if not line:
            continue
        if lines and not line.startswith(("node=", "type=")):
            lines[-1] += line
            split += 1
        else:
            lines.append(line)
    return lines, split


def arrivals(log_text: str, run: str) -> Counter:
    """How many times each record number of this run is in the receiver's log."""
    pattern = re.compile(r"op=%s-(\d+) " % re.escape(run))
    lines, _split = joined_lines(log_text)
    # every record in a line: a cut inside a record's first word ("no" + "de=...", seen with
    # 4.2.1, the "no" lost) leaves the second half joined to the record before
    return Counter(int(m.group(1)) for line in lines for m in pattern.finditer(line))


def _settle(watcher: LogWatcher, expected: int, timeout: float) -> None:
    """Wait until as many records arrived as were sent, or nothing new arrived for SETTLE
    seconds, or timeout."""
    end = time.monotonic() + timeout
    last, last_change = -1, time.monotonic()
    while True:
        total = watcher._count
        now = time.monotonic()
        if total >= expected:
            return
        if total != last:
            last, last_change = total, now
        elif now - last_change >= SETTLE or now >= end:
            return
        time.sleep(0.1)


def _sent_between(injector: Injector, start: float, end: float) -> int:
    return sum(1 for t in injector.sent if start <= t < end)


def burst(ctx, args: Dict[str, Any]) -> Dict[str, Any]:
    """args (besides the pair's): rate, count, fault {"kind", "at", "for"}, run."""
    log = Path(args["receiver_log"])
    fault = args.get("fault") or {"kind": "none"}
    kind = fault["kind"]
    run, rate, count = args["run"], float(args["rate"]), int(args["count"])
    observed: Dict[str, Any] = {"fault": fault, "rate": rate, "count": count}
    receiver = _receiver(ctx, args, "receiver-auditd")
    stale = []
    for _n in range(fault.get("connections", 1) if kind == "stale" else 0):
        # a sender that crashed: its connection stays open on the receiver, silent
        stale.append(socket.create_connection(("127.0.0.1", args["port"]), timeout=5))
    if stale:
        wait_for(lambda: read(log).count("DAEMON_ACCEPT") >= len(stale), 2)
    started = time.monotonic()
    watcher = LogWatcher(log, run)
    watcher.start()
    sender = _sender(ctx, args, "sender-auditd")
    injector = Injector(args["inject_port"], args["hostname"], run, 0, count, rate)
    injector.start()
    down_at = up_at = None
    if kind in ("receiver-down", "sender-restart"):
        time.sleep(max(0.0, injector.started_at + fault["at"] - time.monotonic()) if injector.started_at
                   else fault["at"])
        down_at = time.monotonic()
        observed["receiver_stop_seconds"] = _stop(receiver)
        if kind == "sender-restart":
            injector.join()      # the burst ends while the receiver is down: all of it queued
            # audisp-remote may be in its retry loop (a send cut by the receiver's stop) for a
            # few seconds; records still in auditd's own queue when auditd stops are not the
            # forward queue's, so stop the sender once audisp-remote has taken them all.
            time.sleep(max(0.0, down_at + fault["hold"] - time.monotonic()))
            observed["sender_stop_seconds"] = _stop(sender)
            observed["queue_file_after_stop"] = _queue_file(args)
            sender = _sender(ctx, args, "sender-auditd-again")
        time.sleep(max(0.0, down_at + fault["for"] - time.monotonic()))
        receiver = _receiver(ctx, args, "receiver-auditd-again")
        up_at = time.monotonic()      # listening again
        if kind == "sender-restart":
            # audisp-remote reconnects when the next record comes in
            trigger = Injector(args["inject_port"], args["hostname"], run, count, 5, rate)
            trigger.start()
            trigger.join()
            count += 5
    injector.join()
    _settle(watcher, count, timeout=60)
    watcher.stop()
    text = all_logs(log)
    seen = arrivals(text, run)
    first_arrival = round(watcher.first - started, 3) if watcher.first else None
    done_at = watcher.done_at()
    syslog = ctx.syslog()
    queue_sizes = [int(n) for n in re.findall(r"(?:started with|on stop request,) queue_size: (\d+)", syslog)]
    observed.update({
        "audisp_remote_queue_sizes": queue_sizes,
        "sent": len(injector.sent) + (5 if kind == "sender-restart" else 0),
        "injector_error": injector.error,
        "burst_seconds": round(injector.sent[-1] - injector.started_at, 3) if injector.sent else None,
        "arrived": len(seen), "duplicates": sum(c - 1 for c in seen.values() if c > 1),
        "split": joined_lines(text)[1],
        "missing": _ranges(sorted(set(range(count)) - set(seen))),
        "dropped_logged": syslog.count(DROPPED),
        "auditd_dropped_logged": syslog.count(AUDITD_DROPPED),
        "first_arrival_seconds": first_arrival,
        "last_arrival_after_burst": round(done_at - injector.sent[-1], 3)
        if done_at and injector.sent else None,
        "peak_arrival_rate": watcher.peak_rate(),
        "dup_refusals": syslog.count("Too many connections"),
        "idle_closes": syslog.count("idle too long"),
    })
    if down_at is not None:
        observed["outage_seconds"] = round(up_at - down_at, 3)
        observed["sent_during_outage"] = _sent_between(injector, down_at, up_at)
    for connection in stale:
        connection.close()
    return observed


def _queue_file(args: Dict[str, Any]) -> Dict[str, Any]:
    path = Path(args["spool"]) / "remote.log" if args.get("spool") else None
    if path is None or not path.exists():
        return {"exists": False}
    st = path.stat()
    return {"exists": True, "size": st.st_size, "allocated": st.st_blocks * 512}


def _ranges(numbers: List[int]) -> List[List[int]]:
    out: List[List[int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out
