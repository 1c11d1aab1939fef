"""`auditd-wizard demo-root DIR`, and `--demo`: the wizard on a fresh sandbox."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from wizard.cli import tui
from wizard.errors import EXIT_OK, EXIT_USAGE, UserError
from wizard.sandbox import make_demo_root


def demo_root(args) -> int:
    path = Path(args.dir)
    try:
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UserError(f"{args.dir}: exists and is not an empty directory; give a new one",
                            EXIT_USAGE)
        make_demo_root(path, args.os, broken=args.broken)
    except OSError as error:
        raise UserError(f"{args.dir}: cannot make the sandbox there: {error.strerror or error}",
                        EXIT_USAGE) from error
    print(f"Created a sandbox root ({args.os}) in {path}. Try: auditd-wizard --root {path}")
    return EXIT_OK


def wizard(args) -> int:
    return tui.run(args, _new_root(args), args.start_at)


def encrypt(args) -> int:
    return tui.run(args, _new_root(args), "security")


def _new_root(args) -> str:
    if args.root:
        raise UserError("--demo makes a new sandbox and --root uses an existing one: give one "
                        "of them", EXIT_USAGE)
    tui.need_terminal()   # before a sandbox is made for nothing
    directory = tempfile.mkdtemp(prefix=f"auditd-wizard-demo-{args.os}-")
    make_demo_root(Path(directory), args.os)
    print(f"Demo sandbox: {directory}", file=sys.stderr)
    return directory
