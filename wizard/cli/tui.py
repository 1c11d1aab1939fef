"""The wizard itself (no command, or `encrypt`, which opens at the Security step). The host is
read, then the Session opens, in the App's worker after the first frame is drawn; an error
while opening still ends here as a UserError with its exit code."""
from __future__ import annotations

import sys
from typing import Optional

from wizard.cli.common import open_first_look, open_session, resolve_root
from wizard.errors import EXIT_USAGE, UserError
from wizard.steps import step_from_name
from screens import app


def wizard(args) -> int:
    return run(args, args.root, args.start_at)


def encrypt(args) -> int:
    return run(args, args.root, "security")


def need_terminal() -> None:
    """The wizard draws on a terminal and reads keys from it; without one it could only spin."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("the wizard needs a terminal (standard input and output); without one, "
                        "use `auditd-wizard plan --answers FILE` and `apply --answers FILE --yes`",
                        EXIT_USAGE)


def run(args, root: Optional[str], start_at: Optional[str]) -> int:
    need_terminal()
    root = resolve_root(root)
    step = None
    if start_at:
        try:
            step = step_from_name(start_at).number
        except ValueError as error:
            raise UserError(f"--start-at: {error}", EXIT_USAGE) from error
    return app.run_app(lambda: open_first_look(root, args.answers),
                       lambda look: open_session(root, args.answers, look),
                       start_at=step, ascii_mode=args.ascii)
