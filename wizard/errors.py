"""Errors meant for the user: each carries its lines and the exit code documented in the README."""
from __future__ import annotations

from typing import List, Sequence, Union

EXIT_OK = 0
EXIT_FAILED = 1        # apply failed and everything was restored, or a rollback failed
EXIT_USAGE = 2         # invalid answers or arguments; nothing was changed
EXIT_PROBLEM = 3       # doctor found a problem
EXIT_REFUSED = 4       # cannot act on this host (unsupported, not root, locked, not a sandbox)
EXIT_DECLINED = 5      # a confirmation prompt was answered no; nothing was changed
EXIT_INTERNAL = 70     # a bug: never a traceback (AUDITD_WIZARD_DEBUG=1 shows it)
EXIT_INTERRUPTED = 130  # Ctrl+C


class UserError(Exception):
    def __init__(self, lines: Union[str, Sequence[str]], exit_code: int = EXIT_USAGE):
        self.lines: List[str] = [lines] if isinstance(lines, str) else list(lines)
        self.exit_code = exit_code
        super().__init__("; ".join(self.lines))
