"""`auditd-wizard answers`: the current settings as an answers file, or its JSON schema."""
from __future__ import annotations

import json
import sys

from wizard.answers import answers_schema
from wizard.cli.common import open_session, resolve_root, write_output
from wizard.errors import EXIT_OK


def answers(args) -> int:
    if args.schema:
        print(json.dumps(answers_schema(), indent=2))
        return EXIT_OK
    session = open_session(resolve_root(args.root))
    text = session.answers_toml()
    for item in session.unrepresented:
        print(f"auditd-wizard: note: {item}", file=sys.stderr)
    if args.output:
        write_output(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK
