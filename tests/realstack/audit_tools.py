"""ausearch on a receiver's log file, and the records the tests inject."""
from __future__ import annotations

import subprocess
from typing import Dict, List, Optional

from tests.realstack.ns import in_root

AUSEARCH_TIMEOUT = 20


def ausearch(log_file: str, *criteria: str, root: Optional[str] = None) -> Dict[str, object]:
    """`ausearch -if LOG CRITERIA...` (the one in `root`, a Debian root, when given): exit 0 =
    found, 1 = no matches."""
    argv = in_root(root, ["ausearch", "-if", log_file] + list(criteria))
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=AUSEARCH_TIMEOUT, close_fds=True)
    return {"argv": argv, "exit_code": done.returncode,
            "output": done.stdout.decode(errors="replace")}


def user_record(node: str, marker: str, serial: int) -> str:
    """A USER record in the plugin `string` format, tagged with a unique marker."""
    return ("node=%s type=USER msg=audit(1700000100.%03d:%d): pid=77 uid=0 auid=1000 ses=3 "
            "msg='op=%s exe=\"/usr/bin/bash\" hostname=? addr=? terminal=pts/0 res=success'"
            % (node, serial % 1000, 900 + serial, marker))


def user_records(node: str, markers: List[str]) -> List[str]:
    return [user_record(node, marker, n) for n, marker in enumerate(markers, start=1)]
