"""Delivery through the real daemons with the wizard's files (issue #16): records per second,
and the outage the plan says a sender survives against the one measured. A script, not a
test; run as root (it uses the real-stack harness: private namespaces, nothing on the host).

  1. The wizard's DEFAULT sender and receiver files (answers: only remote.server set):
     - throughput: 20,000 records pushed as fast as the injector can, no fault; records/s
       that arrived (best second and overall);
     - drain: the receiver stopped while 6,000 records queue up, then started; records/s
       audisp-remote sends a backlog at (the plan assumes 1,000/s for a LAN).
  2. A sender sized by the wizard for --rate records/s and --outage (tests' answers by
     default: 500/s, 5 s), the receiver made from it: an outage of twice the promise at that
     rate; the records kept show the outage really survived (kept / rate) against the plan's
     promise and its queue (queue_depth / rate).

Usage: python bench/delivery_bench.py [--os almalinux-9] [--root DEBIAN_ROOT] [--rate 500]
       [--outage 5s] [--json]
(--root runs the daemons of a Debian root, e.g. /var/cache/auditd-wizard-tests/trixie-*,
built by `python -m tests.realstack.roots`.)
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.realstack import delivery_setup  # noqa: E402
from tests.realstack.prereqs import missing_prerequisites  # noqa: E402
from wizard.answers import dump_answers, parse_answers  # noqa: E402
from wizard.facts import gather_facts  # noqa: E402
from backends.host import Host  # noqa: E402
from wizard.plan.queues import duration_words, native_queues  # noqa: E402
from wizard.receiver_answers import receiver_answers_for  # noqa: E402

DEFAULT_SENDER = 'role = "sender"\n[remote]\nserver = "127.0.0.1"\n'


def pair_for(sender_text: str, os_name: str, work: Path):
    sender = parse_answers(sender_text)
    root = work / "sender"
    sender_set = delivery_setup._apply(root, os_name, sender_text)
    receiver_set = delivery_setup._apply(work / "receiver", os_name,
                                         dump_answers(receiver_answers_for(sender, "127.0.0.1")))
    queues = native_queues(sender, gather_facts(Host.for_root(root)).event_rate)
    return sender_set, receiver_set, queues, None


def quiet(function, *args, **kwargs):
    """The harness prints every daemon's output; keep it for a failure only."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            return function(*args, **kwargs)
    except Exception:
        sys.stderr.write(out.getvalue()[-20000:])
        raise


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--os", default="almalinux-9", help="AlmaLinux layout of the files")
    parser.add_argument("--root", help="run the daemons of this Debian root (another audit version)")
    parser.add_argument("--rate", type=int, default=500, help="records/s the sized sender is planned for")
    parser.add_argument("--outage", default="5s", help="outage the sized sender rides out")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    missing = missing_prerequisites()
    if missing:
        print("cannot run the real daemons here: " + "; ".join(missing), file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="delivery-bench-"))
    figures = {"os": args.os, "root": args.root}
    try:
        default = pair_for(DEFAULT_SENDER, args.os, work / "default")
        seen = quiet(delivery_setup.burst, default, work / "throughput", 20000, rate=100000,
                     root=args.root)
        overall = seen["arrived"] / max(0.001, seen["burst_seconds"] + seen["last_arrival_after_burst"])
        figures["throughput"] = {"sent": seen["sent"], "arrived": seen["arrived"],
                                 "injected_per_s": round(seen["sent"] / seen["burst_seconds"]),
                                 "arrived_per_s_overall": round(overall),
                                 "arrived_per_s_best_second": seen["peak_arrival_rate"],
                                 "dropped_by_sender_auditd_logged": seen["auditd_dropped_logged"]}
        seen = quiet(delivery_setup.burst, default, work / "drain", 8000, rate=2000,
                     fault={"kind": "receiver-down", "at": 1, "for": 3}, root=args.root)
        figures["drain"] = {"queued": seen["sent_during_outage"], "arrived": seen["arrived"],
                            "sent_per_s_best_second": seen["peak_arrival_rate"]}

        sized_text = ('role = "sender"\n[remote]\nserver = "127.0.0.1"\noutage = "%s"\n'
                      'peak_rate = %d\nheartbeat_timeout = 1\n' % (args.outage, args.rate))
        sized = pair_for(sized_text, args.os, work / "sized")
        queues = sized[2]
        outage = 2 * queues.promise
        count = queues.rate * (2 + outage + 2)
        seen = quiet(delivery_setup.burst, sized, work / "survival", count,
                     fault={"kind": "receiver-down", "at": 2, "for": outage}, root=args.root)
        rate = seen["sent_during_outage"] / seen["outage_seconds"]
        lost = count - seen["arrived"]
        kept = seen["sent_during_outage"] - lost
        figures["survival"] = {
            "rate_planned": queues.rate, "rate_sent": round(rate, 1),
            "queue_depth": queues.queue_depth, "q_depth": queues.q_depth,
            "promised_s": queues.promise, "queue_holds_s": round(queues.queue_depth / queues.rate, 2),
            "outage_s": seen["outage_seconds"], "sent_during_outage": seen["sent_during_outage"],
            "lost": lost, "predicted_loss": queues.loss(seen["outage_seconds"], rate),
            "dropped_logged": seen["dropped_logged"],
            "survived_s_measured": round(kept / rate, 2)}
    finally:
        shutil.rmtree(str(work), ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    t, d, s = figures["throughput"], figures["drain"], figures["survival"]
    print("files: %s%s" % (args.os, " with the daemons of " + args.root if args.root else " with this machine's daemons"))
    print("throughput (default files, no fault): %d of %d arrived; injected %d/s, arrived %d/s "
          "overall, %s/s in the best second; sender auditd overflowed %d time(s)"
          % (t["arrived"], t["sent"], t["injected_per_s"], t["arrived_per_s_overall"],
             t["arrived_per_s_best_second"], t["dropped_by_sender_auditd_logged"]))
    print("drain after an outage (default files): %d queued, %d of all arrived; backlog sent at "
          "%s/s in the best second" % (d["queued"], d["arrived"], d["sent_per_s_best_second"]))
    print("survival (sized for %d/s, %s): promised %s, queue holds %.2f s; outage of %.2f s at "
          "%.0f/s: lost %d (predicted %d, %d logged) -> survived %.2f s measured"
          % (s["rate_planned"], args.outage, duration_words(s["promised_s"]), s["queue_holds_s"],
             s["outage_s"], s["rate_sent"], s["lost"], s["predicted_loss"], s["dropped_logged"],
             s["survived_s_measured"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
