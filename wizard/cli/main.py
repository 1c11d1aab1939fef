"""Run one command line: parse it, load the chosen command's module, run its handler. This is
the one place where errors become exit codes: known errors (UserError) are one clear line each;
nothing ever shows a traceback (see README "Exit codes")."""
from __future__ import annotations

import importlib
import os
import sys
from typing import List, Optional

from wizard.cli.parser import build_parser
from wizard.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, UserError

__all__ = ["build_parser", "main", "run"]


def run(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, function_name = args.handler.split(":")
    module = importlib.import_module(f"wizard.cli.{module_name}")
    return getattr(module, function_name)(args)


def main(argv: Optional[List[str]] = None) -> int:
    try:
        return run(argv)
    except UserError as error:
        for line in error.lines:
            print(f"auditd-wizard: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("auditd-wizard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the promise: never a traceback
        if os.environ.get("AUDITD_WIZARD_DEBUG"):
            raise
        print(f"auditd-wizard: internal error: {type(error).__name__}: {error} "
              "(set AUDITD_WIZARD_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL
