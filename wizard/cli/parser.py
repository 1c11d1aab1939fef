"""The whole command line, arguments only. Each subcommand sets `handler` to
"module:function" in wizard.cli; wizard.cli.main loads only that module, so building the parser
(and --help) never loads the session, the planner or the doctor's checks. Every argument has
a help text (tests/test_cli.py checks it; the manual page is made from this parser)."""
from __future__ import annotations

import argparse

from wizard.cli import options

OS_CHOICES = ("almalinux-8", "almalinux-9", "almalinux-9.2", "almalinux-10")
OS_HELP = "which release the demo sandbox pretends to be: %(choices)s (default %(default)s)"


def add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", metavar="DIR",
                   help="act on a sandbox root made by `auditd-wizard demo-root` instead of this host")


def add_answers(p: argparse.ArgumentParser, required: bool, help: str) -> None:
    p.add_argument("--answers", metavar="FILE", required=required, help=help)


def _wizard(parser: argparse.ArgumentParser, sub) -> None:
    """The TUI: no command, or `encrypt`. --version, --man and --demo switch the handler (so
    the TUI's own path never loads the sandbox code before its first frame)."""
    only_one = parser.add_mutually_exclusive_group()
    only_one.add_argument("--version", action="store_const", dest="handler", const="version:version",
                          help="print the version of auditd-wizard, of Python and (on a host or "
                               "with --root) of the audit package, then exit")
    only_one.add_argument("--man", action="store_const", dest="handler", const="manpage:manpage",
                          help="print the manual page auditd-wizard(8) (read it with "
                               "`auditd-wizard --man | man -l -`), then exit")
    _tui_options(parser, "wizard", only_one)
    parser.add_argument("--start-at", metavar="STEP",
                        help="open at this step (its number 1-9 or its name, like 'security')")

    p = sub.add_parser("encrypt", help="start the wizard at the Security step (guided encryption)",
                       description="The wizard, opened at step 8 (Security): Kerberos for the "
                                   "audisp-remote method, TLS for the rsyslog method.")
    _tui_options(p, "encrypt", p)


def _tui_options(p: argparse.ArgumentParser, function: str, demo_in) -> None:
    p.set_defaults(handler=f"tui:{function}")
    demo_in.add_argument("--demo", action="store_const", dest="handler", const=f"demo:{function}",
                         help="run the wizard on a fresh demo sandbox in a new folder under "
                              "$TMPDIR (nothing on this machine changes); not with --root")
    p.add_argument("--os", choices=OS_CHOICES, default="almalinux-9", help=OS_HELP)
    add_root(p)
    add_answers(p, False, "pre-fill every field from this answers file")
    p.add_argument("--ascii", action="store_true",
                   help="console mode: ASCII borders, 16 colours (automatic on TERM=linux/vt100/vt220)")


def _plan_apply(sub) -> None:
    p = sub.add_parser("plan", help="print what apply would change (diffs and commands); change nothing")
    add_answers(p, True, "the answers file to plan (see `auditd-wizard answers --schema`)")
    add_root(p)
    p.set_defaults(handler="plan:plan")

    p = sub.add_parser("apply", help="apply an answers file as one transaction")
    add_answers(p, True, "the answers file to apply")
    add_root(p)
    p.add_argument("--yes", action="store_true",
                   help="do not show the plan and ask for confirmation (needed without a terminal)")
    p.add_argument("--force", action="store_true",
                   help="apply even when the preflight found blockers (a missing keytab, "
                        "certificate, realm, ...; `plan` lists them)")
    p.add_argument("--confirm-within", type=options.seconds(10, whole=True), metavar="SECONDS",
                   help="trial: roll back by itself unless `auditd-wizard confirm` runs within "
                        "SECONDS, 10 to 86400 (also if this session dies)")
    p.set_defaults(handler="apply:apply")


def _transactions(sub) -> None:
    p = sub.add_parser("rollback", help="undo a finished (or interrupted) transaction")
    p.add_argument("id", nargs="?", help="transaction id (see `history`)")
    p.add_argument("--last", action="store_true", help="the newest applied transaction")
    add_root(p)
    p.add_argument("--if-unconfirmed", action="store_true",
                   help="only when the trial apply was not confirmed (the timer uses this)")
    p.add_argument("--after", type=options.seconds(0, whole=True), metavar="SECONDS",
                   help="with --if-unconfirmed: wait SECONDS first (a sandbox's trial timer)")
    p.add_argument("--force", action="store_true",
                   help="also restore what was changed since the apply (see `status`); your "
                        "versions are kept in the journal and their place is printed")
    p.add_argument("--cascade", action="store_true",
                   help="first roll back the later transactions that changed the same things, "
                        "newest first, in the same operation")
    p.set_defaults(handler="transactions:rollback")

    p = sub.add_parser("confirm", help="keep the changes of a trial apply (apply --confirm-within)")
    p.add_argument("id", nargs="?", help="transaction id (default: the pending trial)")
    add_root(p)
    p.set_defaults(handler="transactions:confirm")

    p = sub.add_parser("history", help="list past transactions")
    add_root(p)
    p.set_defaults(handler="transactions:history")

    for name, what in (("status", "what the wizard set that was changed since, like `rpm -V` "
                                  "(with a diff for each file it wrote); exit 3 when something was"),
                       ("verify", "the same as `status`")):
        p = sub.add_parser(name, help=what)
        add_root(p)
        p.set_defaults(handler="status:status")


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
    add_answers(p, True, "the answers file to export")
    p.add_argument("-o", "--output", metavar="DIR", required=True,
                   help="directory for the playbook (created; must be empty if it exists)")
    p.set_defaults(handler="export:export")

    p = sub.add_parser("receiver-answers",
                       help="make the receiver's answers that match a sender's answers file")
    p.add_argument("--answers", metavar="SENDER.toml", required=True, help="the sender's answers")
    p.add_argument("--sender-address", metavar="ADDRESS",
                   help="the sender's IP address for the receiver's firewall (default: this "
                        "host's primary address, when run on the sender)")
    p.add_argument("--sender-name", metavar="NAME",
                   help="rsyslog TLS: the name on the sender's certificate, which the receiver "
                        "lets in (default: this host's FQDN, when run on the sender)")
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
    add_answers(p, False, "values the fixes may use (e.g. remote.server when it is empty)")
    p.add_argument("--fix", action="store_true",
                   help="apply the fixes of the problems and warnings found, as one transaction")
    p.add_argument("--yes", action="store_true", help="with --fix: do not ask")
    p.set_defaults(handler="doctor:doctor")


def _test(sub) -> None:
    p = sub.add_parser("test", help="test forwarding now: connection, a tagged test event and its "
                                    "arrival (exit 3 when a step fails)",
                       description="On a sender: auditd and the plugin running, a TCP connect to "
                                   "the receiver, a tagged test event and (with --receiver-ssh) "
                                   "its arrival. On the receiver: --expect TAG waits for it.")
    add_root(p)
    p.add_argument("--receiver-ssh", metavar="[USER@]HOST", type=options.ssh_target,
                   help="on a sender: search the receiver's log over ssh (key login, BatchMode)")
    p.add_argument("--timeout", type=options.seconds(0.5, 600), default=5.0, metavar="SECONDS",
                   help="on a sender: connection timeout, 0.5 to 600 (default 5)")
    p.add_argument("--expect", metavar="TAG", type=options.nonce,
                   help="on the receiver: wait for the sender's test event with this tag")
    p.add_argument("--node", metavar="NAME", type=options.node_name,
                   help="with --expect: only from this sender's node name")
    p.add_argument("--log", metavar="FILE", help="with --expect: the log to search "
                                                 "(default /var/log/audit/audit.log)")
    p.add_argument("--wait", type=options.seconds(0), metavar="SECONDS",
                   help="with --expect: keep searching this long, 0 to 86400 (default 10)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler="live_test:test")


def _compliance(sub) -> None:
    p = sub.add_parser("compliance", help="the STIG rules the auditors' scanner checks, met or not "
                                          "(exit 3 when a STIG rule is not met)",
                       description="ComplianceAsCode's rules about audit forwarding for this RHEL "
                                   "release, checked on the host as applying the answers would "
                                   "leave it (without --answers: as it is configured now): met, "
                                   "not met, not applicable or manual review, with why.")
    add_root(p)
    add_answers(p, False, "check the host as these answers would leave it (default: the "
                          "settings read from the host's files)")
    p.add_argument("--json", action="store_true", help="print the view as JSON")
    p.set_defaults(handler="compliance:compliance")


def _demo_root(sub) -> None:
    p = sub.add_parser("demo-root", help="create a sandbox root that looks like a stock install")
    p.add_argument("dir", metavar="DIR", help="the new sandbox folder (must not exist, or be empty)")
    p.add_argument("--os", choices=OS_CHOICES, default="almalinux-9", help=OS_HELP)
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
    _compliance(sub)
    _demo_root(sub)
    return parser
