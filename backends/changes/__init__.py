"""Change kinds: small serialisable objects that know how to preview, apply and undo themselves
(the protocol is in base.py). Importing this package registers every kind, so a journal can be
read back (Change.from_dict) whatever was imported before."""
from backends.changes.base import ANY_EXIT, Change, ChangeError, CommandChange
from backends.changes.commands import RunCommand
from backends.changes.files import (
    DEFAULT_FILE_MODE,
    EditFile,
    FileAttributes,
    MoveFile,
    RemoveFile,
    WriteFile,
    WriteFiles,
    register_editor,
)
from backends.changes.firewall import FirewallPort, FirewallRules
from backends.changes.packages import InstallPackages
from backends.changes.selinux import SELinuxPort
from backends.changes.services import Restart, ServiceState

__all__ = ["ANY_EXIT", "Change", "ChangeError", "CommandChange", "DEFAULT_FILE_MODE",
           "EditFile", "FileAttributes", "FirewallPort", "FirewallRules", "InstallPackages",
           "MoveFile", "RemoveFile", "Restart", "RunCommand", "SELinuxPort", "ServiceState",
           "WriteFile", "WriteFiles", "register_editor"]
