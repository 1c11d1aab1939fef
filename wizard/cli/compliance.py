"""`auditd-wizard compliance`: the compliance view (wizard.compliance) without the TUI."""
from __future__ import annotations

import json
import sys

from wizard.cli.common import open_session, resolve_root
from wizard.compliance.render import as_text
from wizard.errors import EXIT_OK, EXIT_PROBLEM


def compliance(args) -> int:
    session = open_session(resolve_root(args.root), args.answers)
    view = session.compliance_view(planned=args.answers is not None)
    if args.json:
        sys.stdout.write(json.dumps(view.as_dict(), indent=1) + "\n")
    else:
        sys.stdout.write(as_text(view))
    return EXIT_OK if view.all_met else EXIT_PROBLEM
