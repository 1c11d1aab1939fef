"""The `auditd-wizard` command line.

parser.py   the whole command line (arguments only; each subcommand names its handler)
main.py     parse, run the handler, and turn every error into one line and an exit code
common.py   what the handlers share: the root, the session, the plan, progress lines
<family>.py the handlers of one family of subcommands; each imports what it needs at the top,
            and only the module of the command that runs is loaded (fast start, fast --help)
"""
from wizard.cli.main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
