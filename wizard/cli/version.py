"""`auditd-wizard --version`: this program, the Python running it, and the audit package of the
host (or of the sandbox given with --root), asked from rpm the way the wizard itself asks."""
from __future__ import annotations

import platform
import sys
from importlib import metadata

from backends.host import Host
from backends.runner import CommandError
from wizard.cli.common import is_el_host, resolve_root
from wizard.errors import EXIT_OK
from wizard.facts import package_version

DISTRIBUTION = "auditd-wizard"


def program_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "(not installed: running from a source folder)"


def audit_line(root_option) -> str:
    if root_option is None and not is_el_host():
        return ("audit: not asked (this machine is not an AlmaLinux/RHEL-family host; "
                "--root DIR asks a sandbox)")
    root = resolve_root(root_option) if root_option is not None else "/"
    where = "this host" if root == "/" else f"sandbox {root}"
    runner = Host.for_root(root).runner
    if not runner.has_command("rpm"):
        return f"audit: not detected (no rpm on {where}; --root DIR asks a sandbox)"
    try:
        version = package_version(runner, "audit")
    except CommandError as error:
        return f"audit: cannot ask rpm ({error})"
    return f"audit {version} ({where})" if version else f"audit: not installed ({where})"


def version(args) -> int:
    print(f"auditd-wizard {program_version()}")
    print(f"Python {platform.python_version()} ({sys.executable or 'embedded'}, "
          f"{platform.machine()})")
    print(audit_line(args.root))
    return EXIT_OK
