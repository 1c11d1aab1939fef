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
from wizard.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_REFUSED, EXIT_USAGE, UserError

__all__ = ["build_parser", "main", "run"]


def run(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    before = _options_before_command(parser, argv)
    if args.command and before:
        # argparse would let the command's own defaults replace them: `--root DIR apply ...`
        # would act on this host instead of the sandbox.
        raise UserError(f"{', '.join(before)} before `{args.command}`: options before a command "
                        f"are the wizard's own; give them after it, like "
                        f"`auditd-wizard {args.command} {before[0]} ...`", EXIT_USAGE)
    module_name, function_name = args.handler.split(":")
    module = importlib.import_module(f"wizard.cli.{module_name}")
    return getattr(module, function_name)(args)


def _options_before_command(parser, argv: List[str]) -> List[str]:
    """The options written before the first positional word (the command)."""
    takes_value = {flag for action in parser._actions if action.option_strings and action.nargs != 0
                   for flag in action.option_strings}
    seen, index = [], 0
    while index < len(argv) and argv[index].startswith("-") and argv[index] not in ("-", "--"):
        seen.append(argv[index].split("=", 1)[0])
        index += 2 if argv[index] in takes_value else 1
    return seen if index < len(argv) else []


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
        code = _backend_refusal(error)
        if code is not None:
            return code
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


def _backend_refusal(error: Exception) -> Optional[int]:
    """A refusal from backends (an interrupted transaction, a path out of the root, no space,
    an unknown id): one line and exit 4 (2 for an unknown id), never an internal error.
    backends.errors is looked up, not imported: when it was never loaded, nothing raised one
    (and building the parser stays free of backends)."""
    errors = sys.modules.get("backends.errors")
    if errors is None or not isinstance(error, errors.BackendError):
        return None
    print(f"auditd-wizard: {_printable(str(error))}", file=sys.stderr)
    return EXIT_USAGE if isinstance(error, errors.UnknownTransaction) else EXIT_REFUSED
