"""`auditd-wizard demo-root DIR`, and the fresh sandbox behind `--demo`."""
from __future__ import annotations

import tempfile
from pathlib import Path

from wizard.errors import EXIT_OK, EXIT_USAGE, UserError
from wizard.sandbox import make_demo_root


def new_demo_root(os_name: str) -> str:
    directory = tempfile.mkdtemp(prefix=f"auditd-wizard-demo-{os_name}-")
    make_demo_root(Path(directory), os_name)
    return directory


def demo_root(args) -> int:
    path = Path(args.dir)
    if path.exists() and any(path.iterdir()):
        raise UserError(f"{args.dir}: exists and is not empty; give a new directory", EXIT_USAGE)
    make_demo_root(path, args.os, broken=args.broken)
    print(f"Created a {args.os} sandbox root in {path}. Try: auditd-wizard --root {path}")
    return EXIT_OK
