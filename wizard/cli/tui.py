"""The wizard itself (no command, or `encrypt`, which opens at the Security step). The Session
opens in the App's worker after the first frame is drawn; an error while opening still ends
here as a UserError with its exit code."""
from __future__ import annotations

import sys
from typing import Optional

from wizard import app
from wizard.cli.common import open_session, resolve_root
from wizard.cli.demo import new_demo_root
from wizard.errors import EXIT_USAGE, UserError
from wizard.steps import step_from_name


def wizard(args) -> int:
    return _run(args, args.start_at)


def encrypt(args) -> int:
    return _run(args, "security")


def _run(args, start_at: Optional[str]) -> int:
    root = args.root
    if args.demo:
        root = new_demo_root(args.os)
        print(f"Demo sandbox: {root}", file=sys.stderr)
    root = resolve_root(root)
    step = None
    if start_at:
        try:
            step = step_from_name(start_at).number
        except ValueError as error:
            raise UserError(f"--start-at: {error}", EXIT_USAGE)
    return app.run_app(lambda: open_session(root, args.answers), start_at=step, ascii_mode=args.ascii)
