"""Run one command line: parse it, load the chosen command's module, run its handler. This is
the one place where errors become exit codes: known errors (UserError) are one clear line each;
nothing ever shows a traceback (see README "Exit codes")."""
from __future__ import annotations

import importlib
import os
import sys
from typing import List, Optional

from wizard.cli.output import PipeGuard
from wizard.cli.parser import build_parser
from wizard.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, UserError

__all__ = ["build_parser", "main", "run"]


def run(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    handler = "version:version" if getattr(args, "version", False) else args.handler
    module_name, function_name = handler.split(":")
    module = importlib.import_module(f"wizard.cli.{module_name}")
    return getattr(module, function_name)(args)


def main(argv: Optional[List[str]] = None) -> int:
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PipeGuard(stdout), PipeGuard(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: Optional[List[str]]) -> int:
    try:
        return run(argv)
    except UserError as error:
        for line in error.lines:
            print(f"auditd-wizard: {_printable(line)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("\nauditd-wizard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the promise: never a traceback
        if os.environ.get("AUDITD_WIZARD_DEBUG"):
            raise
        print(f"auditd-wizard: internal error: {type(error).__name__}: {error} "
              "(set AUDITD_WIZARD_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _printable(line: str) -> str:
    """A message shows what the user typed; control characters in it (a newline, an escape
    sequence) are shown escaped so each problem stays one line and the terminal stays sane."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in line)
