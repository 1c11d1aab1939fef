"""`auditd-wizard status` (or `verify`): what the wizard set, compared with what is there now,
like `rpm -V` — one line per artifact changed since (rpm's letters for files), then the diff of
each edit of a file the wizard wrote. Exit 3 when something changed, as doctor does."""
from __future__ import annotations

from backends.drift import artifact_name
from backends.filestate import printable
from wizard.cli.common import open_session, resolve_root, root_option
from wizard.errors import EXIT_OK, EXIT_PROBLEM


def status(args) -> int:
    root = resolve_root(args.root)
    report = open_session(root).verify()
    for tx_id in report.unfinished:
        print(f"interrupted: transaction {tx_id} may have left changes half made; roll it back: "
              f"auditd-wizard rollback {tx_id}{root_option(root)}")
    if not report.transactions:
        print("The wizard has changed nothing on this host that is still applied.")
        return EXIT_PROBLEM if report.unfinished else EXIT_OK
    for drift in report.drift:
        flags = drift.flags or "changed  "
        print(printable(f"{flags}  {artifact_name(drift.artifact)}  ({', '.join(drift.what)}; "
                        f"set by {drift.tx_id})"))
    for drift in report.drift:
        if drift.diff:
            print(printable(drift.diff.rstrip("\n")))
    if report.drift:
        print(f"{len(report.drift)} of {report.checked} things the wizard set were changed since. "
              "A rollback refuses until they are looked at; `rollback --force` keeps your "
              "versions in the journal.")
    else:
        which = "transaction" + ("s" if len(report.transactions) > 1 else "")
        print(f"All {report.checked} things the wizard set ({which} "
              f"{', '.join(report.transactions)}) are as it left them.")
    return EXIT_PROBLEM if report.drift or report.unfinished else EXIT_OK
