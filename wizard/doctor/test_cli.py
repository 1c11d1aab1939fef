"""`auditd-wizard test`: the step-7 live test on a sender, or `--expect NONCE` on the receiver."""
from __future__ import annotations

import json
import sys

from wizard.doctor.render import as_text
from wizard.errors import EXIT_OK, EXIT_PROBLEM


def add_parser(sub, add_root) -> None:
    p = sub.add_parser("test", help="test forwarding now: connection, a tagged test event and its "
                                    "arrival (exit 3 when a step fails)")
    add_root(p)
    p.add_argument("--receiver-ssh", metavar="USER@HOST",
                   help="search the receiver's log over ssh (key login, BatchMode)")
    p.add_argument("--expect", metavar="NONCE", help="on the receiver: look for the sender's test event")
    p.add_argument("--node", metavar="NAME", help="with --expect: the sender's node name")
    p.add_argument("--log", metavar="FILE", help="with --expect: the log to search "
                                                 "(default /var/log/audit/audit.log)")
    p.add_argument("--wait", type=float, default=10.0, metavar="SECONDS",
                   help="with --expect: keep searching this long (default 10)")
    p.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                   help="connection timeout (default 5)")
    p.add_argument("--json", action="store_true")


def _progress(index: int, total: int, name: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{'[%d/%d] ' % (index + 1, total) if total else ''}{name:<40}", end="",
              file=sys.stderr, flush=True)


def run(root: str, args) -> int:
    from wizard.commands import open_session
    session = open_session(root)
    if args.expect:
        report = session.expect_test_event(args.expect, args.node, args.wait, args.log,
                                           None if args.json else _progress)
    else:
        report = session.run_test(None if args.json else _progress, args.receiver_ssh,
                                  timeout=args.timeout)
    if sys.stderr.isatty() and not args.json:
        print("\r" + " " * 50 + "\r", end="", file=sys.stderr)
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        print(f"Test event tag: auditd-wizard test {report.nonce}")
        sys.stdout.write(as_text(report.steps, verbose=True))
        for step in report.steps:   # each step says what it ran, even when it went well
            if step.status == "ok" and step.evidence:
                print(f"  {step.check}: " + "; ".join(e.strip() for e in step.evidence[:2]))
    return EXIT_OK if report.ok else EXIT_PROBLEM
