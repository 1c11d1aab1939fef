"""The errors backends raise for things a user can cause. Each str() is one line for the user;
callers (the CLI, the screens) catch BackendError and turn it into a message and an exit code,
never a traceback."""
from __future__ import annotations

from typing import List, Sequence


class BackendError(Exception):
    """Base of every error below; str() is one line for the user."""


class ChangeError(BackendError):
    """A change that cannot be made, with a message a person can act on."""


class UnsafePath(ChangeError, ValueError):
    """A path that leads out of the root through a symbolic link, or that is not what is
    expected there (a directory where a file is expected)."""


class HostFileError(BackendError):
    """A file of the host that cannot be read (permission denied, an I/O error)."""


class TransactionError(BackendError):
    """A transaction request that cannot be carried out."""


class UnknownTransaction(TransactionError):
    """No transaction with this id on the host."""


class Refused(TransactionError):
    """Checked before anything changed, and refused: nothing was changed. `problems` has one
    line per reason (a path outside the root, an existing key, too little free space)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: List[str] = list(problems)
        super().__init__("; ".join(self.problems) + "; nothing was changed")


class NotEnoughSpace(Refused):
    """Too little free space on a filesystem the transaction writes to."""


class UnfinishedTransaction(TransactionError):
    """A transaction was interrupted (kill -9, power loss) and must be rolled back first."""

    def __init__(self, tx_id: str, status: str) -> None:
        self.tx_id = tx_id
        self.status = status
        what = "an apply" if status == "applying" else "a rollback"
        super().__init__(f"transaction {tx_id} was interrupted during {what} and may have left "
                         f"changes half made; roll it back first: auditd-wizard rollback {tx_id}")
