"""The fleet subcommands: `export ansible` and `receiver-answers`. They read answers files and
write files; they need no host, so they run anywhere (no --root, no root user)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wizard.errors import EXIT_OK, EXIT_USAGE, UserError

COMMANDS = ("export", "receiver-answers")


def add_parsers(sub) -> None:
    p = sub.add_parser("export", help="write the configuration for another tool (an Ansible playbook)")
    p.add_argument("format", choices=("ansible",), help="what to write: ansible")
    p.add_argument("--answers", metavar="FILE", required=True, help="the answers file to export")
    p.add_argument("-o", "--output", metavar="DIR", required=True,
                   help="directory for the playbook (created; must be empty if it exists)")

    p = sub.add_parser("receiver-answers",
                       help="make the receiver's answers that match a sender's answers file")
    p.add_argument("--answers", metavar="SENDER.toml", required=True, help="the sender's answers")
    p.add_argument("--sender-address", metavar="ADDRESS",
                   help="the sender's IP address for the receiver's firewall (default: this "
                        "host's primary address, when run on the sender)")
    p.add_argument("--merge", metavar="RECEIVER.toml",
                   help="add this sender to an existing receiver answers file")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def _load(path: str):
    from wizard.answers import AnswersError, load_answers
    try:
        return load_answers(path)
    except AnswersError as error:
        raise UserError([f"{path}: {m}" if not m.startswith(path) else m for m in error.messages], EXIT_USAGE)


def export(answers_path: str, output: str) -> int:
    from wizard.export import ExportError, export_ansible
    from wizard.security_plan import PlanError
    answers = _load(answers_path)
    directory = Path(output)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UserError(f"{output}: exists and is not an empty directory; give a new one", EXIT_USAGE)
    try:
        written = export_ansible(answers, directory)
    except (PlanError, ExportError) as error:
        raise UserError(str(error), EXIT_USAGE)
    except OSError as error:
        raise UserError(f"{output}: cannot write: {error.strerror or error}", EXIT_USAGE)
    print(f"Wrote an Ansible playbook ({len(written)} files) to {directory}. Try:\n"
          f"  cd {directory} && cp inventory.example.ini inventory.ini && "
          f"ansible-playbook -i inventory.ini site.yml --check --diff")
    return EXIT_OK


def receiver_answers(answers_path: str, sender_address, merge, output) -> int:
    from wizard.receiver_answers import ReceiverAnswersError, primary_address, receiver_answers_text
    sender = _load(answers_path)
    existing = _load(merge) if merge else None
    if not sender_address:
        sender_address = primary_address()
        if not sender_address:
            raise UserError("cannot tell this host's address; give the sender's address with "
                            "--sender-address (the receiver's firewall needs an address)", EXIT_USAGE)
        print(f"auditd-wizard: note: allowing this host's primary address {sender_address}; "
              "give --sender-address to choose another", file=sys.stderr)
    try:
        text = receiver_answers_text(sender, sender_address, existing)
    except ReceiverAnswersError as error:
        raise UserError(str(error), EXIT_USAGE)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"Wrote {output}. On the receiver: auditd-wizard apply --answers {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.command == "export":
        return export(args.answers, args.output)
    return receiver_answers(args.answers, args.sender_address, args.merge, args.output)
