"""`auditd-wizard test`: the step-7 live test on a sender, or `--expect NONCE` on the receiver."""
from __future__ import annotations

import json
import sys

from wizard.cli.common import open_session, resolve_root
from wizard.doctor.render import as_text
from wizard.errors import EXIT_OK, EXIT_PROBLEM


def _progress(index: int, total: int, name: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{'[%d/%d] ' % (index + 1, total) if total else ''}{name:<40}", end="",
              file=sys.stderr, flush=True)


def test(args) -> int:
    session = open_session(resolve_root(args.root))
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
