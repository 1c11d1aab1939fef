"""Issue #7: the receiver answers generated from a sender's agree with it by construction.
Both are applied to their own sandbox roots by the wizard, and the real daemons then deliver
the sender's events to the receiver (tests/realstack/native_setup.py runs them)."""
import pytest

from tests.answer_pair import write_answer_pair
from tests.realstack.conftest import realstack  # noqa: F401 (fixture)
from tests.realstack.native_setup import RECEIVER_PORT, SENDER_HOSTNAME, run_native
from wizard.conf import KeyValueFile
from wizard.sandbox import make_demo_root
from wizard.session import Session

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack")]

SENDER = f"""
role = "sender"
[remote]
server = "127.0.0.1"
port = {RECEIVER_PORT}
"""


def apply_to_new_root(root, os_name, answers_path):
    make_demo_root(root, os_name)
    result = Session.open(str(root), str(answers_path)).apply()
    assert result.ok, result.error
    return root / "etc" / "audit"


@pytest.mark.parametrize("sender_os, receiver_os", [("almalinux-9", "almalinux-10"),
                                                     ("almalinux-10", "almalinux-8")])
def test_generated_receiver_answers_receive_the_senders_events(tmp_path, sender_os, receiver_os):
    sender_toml, receiver_toml = write_answer_pair(tmp_path / "answers", SENDER, "127.0.0.1")
    sender_etc = apply_to_new_root(tmp_path / "sender", sender_os, sender_toml)
    receiver_etc = apply_to_new_root(tmp_path / "receiver", receiver_os, receiver_toml)
    auditd = KeyValueFile.parse((receiver_etc / "auditd.conf").read_text())
    assert auditd.get("tcp_listen_port") == str(RECEIVER_PORT)   # agreed by construction
    seen = run_native("native-chain", sender_etc, receiver_etc, tmp_path / "run")
    assert seen["searches"]["daemon_start"]["exit_code"] == 0
    assert "node=%s type=DAEMON_START" % SENDER_HOSTNAME in seen["searches"]["daemon_start"]["output"]
    assert seen["searches"]["user"]["exit_code"] == 0 and seen["marker"] in seen["searches"]["user"]["output"]
