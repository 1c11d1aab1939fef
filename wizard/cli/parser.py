"""The whole command line, arguments only. Each subcommand sets `handler` to
"module:function" in wizard.cli; wizard.cli.main loads only that module, so building the parser
(and --help) never loads the session, the planner or the doctor's checks."""
from __future__ import annotations

import argparse

OS_CHOICES = ("almalinux-8", "almalinux-9", "almalinux-9.2", "almalinux-10")


def add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", metavar="DIR",
                   help="act on a sandbox root made by `auditd-wizard demo-root` instead of this host")


def _wizard(parser: argparse.ArgumentParser, sub) -> None:
    """The TUI: no command, or `encrypt`."""
    parser.add_argument("--demo", action="store_true",
                        help="run the wizard on a fresh demo sandbox (nothing on this machine changes)")
    parser.add_argument("--os", choices=OS_CHOICES, default="almalinux-9",
                        help="which release the demo sandbox pretends to be (default almalinux-9)")
    add_root(parser)
    parser.add_argument("--answers", metavar="FILE", help="pre-fill every field from this answers file")
    parser.add_argument("--start-at", metavar="STEP", help="open at this step (number or name)")
    parser.add_argument("--ascii", action="store_true",
                        help="console mode: ASCII borders, 16 colours (automatic on TERM=linux/vt100/vt220)")
    parser.set_defaults(handler="tui:wizard")

    p = sub.add_parser("encrypt", help="start the wizard at the Security step (guided encryption)")
    add_root(p)
    p.add_argument("--demo", action="store_true", help="on a fresh demo sandbox")
    p.add_argument("--os", choices=OS_CHOICES, default="almalinux-9")
    p.add_argument("--answers", metavar="FILE")
    p.add_argument("--ascii", action="store_true")
    p.set_defaults(handler="tui:encrypt")


def _plan_apply(sub) -> None:
    p = sub.add_parser("plan", help="print what apply would change (diffs and commands); change nothing")
    p.add_argument("--answers", metavar="FILE", required=True)
    add_root(p)
    p.set_defaults(handler="plan:plan")

    p = sub.add_parser("apply", help="apply an answers file as one transaction")
    p.add_argument("--answers", metavar="FILE", required=True)
    add_root(p)
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--confirm-within", type=int, metavar="SECONDS",
                   help="trial: roll back by itself unless `auditd-wizard confirm` "
                        "runs within SECONDS (also if this session dies)")
    p.set_defaults(handler="apply:apply")


def _transactions(sub) -> None:
    p = sub.add_parser("rollback", help="undo a finished (or interrupted) transaction")
    p.add_argument("id", nargs="?", help="transaction id (see `history`)")
    p.add_argument("--last", action="store_true", help="the newest applied transaction")
    add_root(p)
    p.add_argument("--if-unconfirmed", action="store_true",
                   help="only when the trial apply was not confirmed (the timer uses this)")
    p.set_defaults(handler="transactions:rollback")

    p = sub.add_parser("confirm", help="keep the changes of a trial apply (apply --confirm-within)")
    p.add_argument("id", nargs="?", help="transaction id (default: the pending trial)")
    add_root(p)
    p.set_defaults(handler="transactions:confirm")

    p = sub.add_parser("history", help="list past transactions")
    add_root(p)
    p.set_defaults(handler="transactions:history")


def _answers(sub) -> None:
    p = sub.add_parser("answers", help="print the current settings as an answers file")
    add_root(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--schema", action="store_true", help="print the JSON schema of the answers file")
    p.set_defaults(handler="answers:answers")


def _export(sub) -> None:
    """Fleet commands: they read answers files and write files; no host, no --root."""
    p = sub.add_parser("export", help="write the configuration for another tool (an Ansible playbook)")
    p.add_argument("format", choices=("ansible",), help="what to write: ansible")
    p.add_argument("--answers", metavar="FILE", required=True, help="the answers file to export")
    p.add_argument("-o", "--output", metavar="DIR", required=True,
                   help="directory for the playbook (created; must be empty if it exists)")
    p.set_defaults(handler="export:export")

    p = sub.add_parser("receiver-answers",
                       help="make the receiver's answers that match a sender's answers file")
    p.add_argument("--answers", metavar="SENDER.toml", required=True, help="the sender's answers")
    p.add_argument("--sender-address", metavar="ADDRESS",
                   help="the sender's IP address for the receiver's firewall (default: this "
                        "host's primary address, when run on the sender)")
    p.add_argument("--merge", metavar="RECEIVER.toml",
                   help="add this sender to an existing receiver answers file")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(handler="export:receiver_answers")


def _doctor(sub) -> None:
    p = sub.add_parser("doctor", help="check forwarding end to end and explain what is wrong "
                                      "(exit 3 when a problem is found)")
    add_root(p)
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--role", choices=("sender", "receiver"),
                   help="check this end (default: what the files say this host is)")
    p.add_argument("--answers", metavar="FILE",
                   help="values the fixes may use (e.g. remote.server when it is empty)")
    p.add_argument("--fix", action="store_true",
                   help="apply the fixes of the problems and warnings found, as one transaction")
    p.add_argument("--yes", action="store_true", help="with --fix: do not ask")
    p.set_defaults(handler="doctor:doctor")


def _test(sub) -> None:
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
    p.set_defaults(handler="live_test:test")


def _demo_root(sub) -> None:
    p = sub.add_parser("demo-root", help="create a sandbox root that looks like a stock install")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--os", choices=OS_CHOICES, default="almalinux-9")
    p.add_argument("--broken", action="store_true", help="seed it with the popular guide's mistakes")
    p.set_defaults(handler="demo:demo_root")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditd-wizard",
        description="Set up forwarding of Linux audit records to a remote host "
                    "(AlmaLinux/RHEL 8, 9, 10). Without a command, starts the wizard.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _wizard(parser, sub)
    _plan_apply(sub)
    _transactions(sub)
    _answers(sub)
    _export(sub)
    _doctor(sub)
    _test(sub)
    _demo_root(sub)
    return parser
