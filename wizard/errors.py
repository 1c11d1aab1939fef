"""Errors meant for the user: each carries its lines and the exit code documented in the README."""
from __future__ import annotations

from typing import List, Sequence, Union

EXIT_OK = 0
EXIT_FAILED = 1        # apply failed and everything was restored, or a rollback failed
EXIT_USAGE = 2         # invalid answers or arguments; nothing was changed
EXIT_PROBLEM = 3       # doctor found a problem
EXIT_REFUSED = 4       # cannot act on this host (unsupported, not root, locked, not a sandbox)
EXIT_DECLINED = 5      # a confirmation prompt was answered no; nothing was changed
EXIT_ROLLBACK_INCOMPLETE = 6  # a rollback (or the undo of a failed apply) could not restore everything
EXIT_INTERNAL = 70     # a bug: never a traceback (AUDITD_WIZARD_DEBUG=1 shows it)
EXIT_INTERRUPTED = 130  # Ctrl+C

# What each code means, for the manual page (README "Exit codes" lists the same codes; a test
# keeps them together).
EXIT_MEANINGS = {
    EXIT_OK: "done, or nothing to change",
    EXIT_FAILED: "an apply failed and what it changed was rolled back; or a rollback failed",
    EXIT_USAGE: "invalid answers or arguments, one line per problem naming the field or option; "
                "nothing was changed",
    EXIT_PROBLEM: "doctor or test found a problem; compliance found a STIG rule not met; status "
                  "found changes since the wizard's apply",
    EXIT_REFUSED: "refused, nothing was changed: not an EL host, not root, EL7, not a sandbox, "
                  "another instance is applying, an interrupted transaction must be rolled back "
                  "first, a path leads out of the root, too little free space, an existing key; "
                  "a rollback that would overwrite changes made since or undo a later transaction",
    EXIT_DECLINED: "the confirmation prompt was answered no; nothing was changed",
    EXIT_ROLLBACK_INCOMPLETE: "rollback incomplete: a rollback (or the undo of a failed apply) "
                              "could not restore everything; what was not restored is listed",
    EXIT_INTERNAL: "internal error, a bug (never a traceback; AUDITD_WIZARD_DEBUG=1 shows it)",
    EXIT_INTERRUPTED: "interrupted (Ctrl+C)",
}


class UserError(Exception):
    def __init__(self, lines: Union[str, Sequence[str]], exit_code: int = EXIT_USAGE):
        self.lines: List[str] = [lines] if isinstance(lines, str) else list(lines)
        self.exit_code = exit_code
        super().__init__("; ".join(self.lines))
