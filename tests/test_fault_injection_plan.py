"""Fault injection with the planner's own full plans (issue #2): for a plan of N changes, change i
fails for every i, and the process is killed (SIGKILL) at every change boundary; afterwards every
file under the root is byte-identical with the same mode and owner, and the simulated system
state is as before."""
from pathlib import Path

import pytest

from tests.fault_harness import assert_fault_tolerant
from wizard.sandbox import make_demo_root
from wizard.session import Session

FULL_SENDER = """
role = "sender"
[remote]
server = "logs.example.com"
port = 6060
local_port = 61
mode = "forward"
"""

FULL_RECEIVER = """
role = "receiver"
[receiver]
listen_port = 6060
allowed_senders = ["192.0.2.0/24", "198.51.100.7"]
client_ports = "1-1023"
"""


def full_plan(tmp_path: Path, os_name: str, answers: str):
    root = tmp_path / "planned"
    make_demo_root(root, os_name)
    (tmp_path / "answers.toml").write_text(answers)
    return Session.open(str(root), str(tmp_path / "answers.toml")).plan().transaction()


@pytest.mark.parametrize("os_name", ["almalinux-9", "almalinux-10"])
@pytest.mark.parametrize("answers, expected_n", [(FULL_SENDER, 8), (FULL_RECEIVER, 5)],
                         ids=["sender", "receiver"])
def test_full_plan_survives_every_failure_and_kill(tmp_path, os_name, answers, expected_n):
    changes = full_plan(tmp_path, os_name, answers)
    assert len(changes) == expected_n, [c.describe() for c in changes]
    n, cases = assert_fault_tolerant(lambda d: make_demo_root(d, os_name), changes)
    commands = sum(1 for c in changes if c.kind not in ("write-file", "edit-file", "write-files"))
    assert (n, cases) == (expected_n, 1 + n + commands + (2 * n + 2) + n)
    print(f"{os_name}: N={n} changes, {cases} fault cases")
