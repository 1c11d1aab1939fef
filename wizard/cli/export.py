"""The fleet subcommands: `export ansible` and `receiver-answers`. They read answers files and
write files; they need no host, so they run anywhere (no --root, no root user)."""
from __future__ import annotations

import socket
import sys
from pathlib import Path

from wizard.answers import AnswersError, load_answers
from wizard.cli.common import answers_error, write_output
from wizard.errors import EXIT_OK, EXIT_USAGE, UserError
from wizard.export import ExportError, export_ansible
from wizard.plan.errors import PlanError
from wizard.receiver_answers import ReceiverAnswersError, primary_address, receiver_answers_text


def _load(path: str):
    try:
        return load_answers(path)
    except AnswersError as error:
        raise answers_error(path, error) from error


def export(args) -> int:
    answers = _load(args.answers)
    output = args.output
    directory = Path(output)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UserError(f"{output}: exists and is not an empty directory; give a new one", EXIT_USAGE)
    try:
        written = export_ansible(answers, directory)
    except (PlanError, ExportError) as error:
        raise UserError(str(error), EXIT_USAGE) from error
    except OSError as error:
        raise UserError(f"{output}: cannot write: {error.strerror or error}", EXIT_USAGE) from error
    print(f"Wrote an Ansible playbook ({len(written)} files) to {directory}. Try:\n"
          f"  cd {directory} && cp inventory.example.ini inventory.ini && "
          f"ansible-playbook -i inventory.ini site.yml --check --diff")
    return EXIT_OK


def receiver_answers(args) -> int:
    sender = _load(args.answers)
    existing = _load(args.merge) if args.merge else None
    sender_address = args.sender_address
    if not sender_address:
        sender_address = primary_address()
        if not sender_address:
            raise UserError("cannot tell this host's address; give the sender's address with "
                            "--sender-address (the receiver's firewall needs an address)", EXIT_USAGE)
        print(f"auditd-wizard: note: allowing this host's primary address {sender_address}; "
              "give --sender-address to choose another", file=sys.stderr)
    sender_name = args.sender_name
    if not sender_name and sender.method == "rsyslog" and sender.security.encryption == "tls":
        sender_name = socket.getfqdn()
        print(f"auditd-wizard: note: letting in this host's certificate name {sender_name}; "
              "give --sender-name to choose another", file=sys.stderr)
    try:
        text = receiver_answers_text(sender, sender_address, existing, sender_name)
    except ReceiverAnswersError as error:
        raise UserError(str(error), EXIT_USAGE) from error
    if args.output:
        write_output(args.output, text)
        print(f"Wrote {args.output}. On the receiver: auditd-wizard apply --answers {args.output}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
