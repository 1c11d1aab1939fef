"""`auditd-wizard --man`: the manual page auditd-wizard(8), made from the command-line parser
by argparse-manpage, plus what a parser cannot say: the answers file (from the model), the exit
status (from wizard.errors), the files the wizard keeps, the environment."""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from typing import Any, Iterable, Tuple

from argparse_manpage.manpage import Manpage

from wizard.cli.parser import OS_CHOICES, build_parser
from wizard.cli.version import program_version
from wizard.errors import EXIT_MEANINGS, EXIT_OK
from wizard.model import field_info, field_names

SUMMARY = "set up forwarding of Linux audit records to a remote host"


def roff(text: str) -> str:
    """Plain text for a roff line: backslashes and dashes escaped, no line starting a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def _tagged(items: Iterable[Tuple[str, str]], font: str = "B") -> str:
    return "\n".join(f".TP\n.{font} {roff(tag)}\n{roff(text)}" for tag, text in items)


def _default(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def answers_section() -> str:
    intro = (roff(
        "A TOML file with the answers the wizard asks for, so that the same configuration applies "
        "headless (apply --answers FILE) and on many hosts. Sections and keys are below; "
        "`auditd-wizard answers --schema` prints its JSON schema, `auditd-wizard answers` the "
        "current settings of a host as such a file. Every value is checked: a bad one is "
        "refused with its key and what is allowed, and nothing changes. A file over 1 MiB is "
        "refused."))
    keys = []
    for name in field_names():
        info = field_info(name)
        default = _default(info.get_default(call_default_factory=True))
        keys.append((name, f"{info.description or ''} (default: {default})"))
    return intro + "\n" + _tagged(keys)


def exit_section() -> str:
    return _tagged((str(code), meaning) for code, meaning in sorted(EXIT_MEANINGS.items()))


FILES = [
    ("/var/lib/auditd-wizard/",
     "The wizard's own state, mode 0700 (never under /etc/audit/plugins.d, where auditd would "
     "load it). With --root DIR every path is under DIR."),
    ("/var/lib/auditd-wizard/lock",
     "Held (flock) while a transaction runs; a second instance is refused. The kernel releases "
     "it when the holder dies."),
    ("/var/lib/auditd-wizard/transactions/ID/",
     "The journal of transaction ID: manifest.json (each change, its state and what was there "
     "before) and backups/ (the files it replaced), written before each change. `history` "
     "lists them, `rollback ID` undoes one."),
    ("/var/lib/auditd-wizard/trials/ID.json",
     "A trial apply (apply --confirm-within) waiting for `confirm`, kept or rolled back."),
    ("/etc/audit/auditd.conf, /etc/audit/plugins.d/, /etc/audit/audisp-remote.conf",
     "What the audisp-remote method edits (only the lines that change)."),
    ("/etc/rsyslog.d/",
     "Where the rsyslog method writes its drop-in files."),
]

ENVIRONMENT = [
    ("TERM", "linux, vt100 and vt220 start the wizard in console mode (as --ascii)."),
    ("TMPDIR", "where --demo makes its sandbox (default /tmp); its path is printed at start."),
    ("AUDITD_WIZARD_DEBUG", "set to 1 to see the traceback of an internal error."),
]


def _date() -> str:
    """The build date (SOURCE_DATE_EPOCH for reproducible builds) as mandoc and groff read it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return f"{day:%B} {day.day}, {day.year}"


def build_page() -> Manpage:
    page = Manpage(build_parser())
    page.section = 8
    page.manual = "System Administration"
    page.source = f"auditd-wizard {program_version()}"
    page.date = _date()
    page.description = SUMMARY
    page.add_section("answers file", ">", answers_section())
    page.add_section("exit status", ">", exit_section())
    page.add_section("files", ">", _tagged(FILES, "I"))
    page.add_section("environment", ">", _tagged(ENVIRONMENT))
    page.add_section("notes", ">", roff(
        "Without --root, commands act on this host only on AlmaLinux/RHEL-family 8, 9 and 10 "
        "and as root. --demo and demo-root make a sandbox that looks like a stock install of one "
        f"of: {', '.join(OS_CHOICES)}. In the wizard, F10 is Next, F8 Back, F1 Help, F9 Quit."))
    page.add_section("see also", ">", ".BR auditd (8),\n.BR auditd.conf (5),\n"
                     ".BR audisp\\-remote (8),\n.BR audisp\\-remote.conf (5),\n"
                     ".BR ausearch (8),\n.BR rsyslogd (8)")
    return page


def manpage(args) -> int:
    # argparse wraps usage lines at the terminal's width; the page is wrapped by man instead.
    os.environ["COLUMNS"] = "200"
    sys.stdout.write(str(build_page()))
    return EXIT_OK
