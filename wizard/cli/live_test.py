"""`auditd-wizard test`: the step-7 live test on a sender, or `--expect NONCE` on the receiver."""
from __future__ import annotations

import json
import sys

from wizard.cli.common import open_session, resolve_root
from wizard.doctor.render import as_text
from wizard.errors import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, UserError

DEFAULT_WAIT = 10.0


def _progress(index: int, total: int, name: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{'[%d/%d] ' % (index + 1, total) if total else ''}{name:<40}", end="",
              file=sys.stderr, flush=True)


def _check_options(args) -> None:
    if args.expect:
        if args.receiver_ssh:
            raise UserError("--receiver-ssh is for the sender's test; with --expect this host is "
                            "the receiver", EXIT_USAGE)
        return
    alone = [f"--{name}" for name in ("node", "log", "wait") if getattr(args, name) is not None]
    if alone:
        raise UserError(f"{', '.join(alone)}: only with --expect TAG (on the receiver)", EXIT_USAGE)


def test(args) -> int:
    _check_options(args)
    session = open_session(resolve_root(args.root))
    if args.expect:
        wait = DEFAULT_WAIT if args.wait is None else args.wait
        report = session.expect_test_event(args.expect, args.node, wait, args.log,
                                           None if args.json else _progress)
    elif session.diagnostic_role() == "receiver":
        raise UserError(["this host is set up as a receiver: the test starts on the sender.",
                         "On the sender run `auditd-wizard test`; it prints a tag. Then here: "
                         "`auditd-wizard test --expect TAG` (or give the sender --receiver-ssh "
                         "and it searches here by itself). Nothing was sent."], EXIT_USAGE)
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
