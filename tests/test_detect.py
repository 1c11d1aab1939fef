"""detect round trip: for every answers fixture, apply to a fresh root, detect, and get the
same answers back; what the model cannot hold is reported, not dropped."""
from pathlib import Path

import pytest

from wizard.answers import load_answers
from wizard.sandbox import make_demo_root
from wizard.session import Session

REPO = Path(__file__).resolve().parent.parent
EXTRA = {
    "sender-minimal": 'role = "sender"\n[remote]\nserver = "192.0.2.10"\n',
    "sender-tuned": 'role = "sender"\n[auditd]\nname_format = "user"\nname = "web01"\n'
                    'log_format = "RAW"\noverflow_action = "single"\n'
                    '[remote]\nserver = "logs.example.com"\nport = 6000\nmode = "forward"\n'
                    'queue_depth = 500\nnetwork_failure_action = "single"\nlocal_port = 61\n'
                    'heartbeat_timeout = 30\n',
    "sender-kerberos": 'role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                       '[security]\nencryption = "kerberos"\n',
    "receiver-open": 'role = "receiver"\n[receiver]\nlisten_port = 6000\nmax_per_addr = 4\n'
                     'local_events = false\nclient_ports = "1-1023"\nclient_max_idle = 600\n'
                     'listen_queue = 64\n',
    "receiver-kerberos": 'role = "receiver"\n[security]\nencryption = "kerberos"\n'
                         '[receiver]\nallowed_senders = ["192.0.2.7", "198.51.100.0/24"]\n',
}
FIXTURES = {p.stem: p.read_text() for p in sorted((REPO / "examples").glob("*.toml"))}
FIXTURES.update(EXTRA)


@pytest.mark.parametrize("os_name", ["almalinux-8", "almalinux-9", "almalinux-10"])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_apply_detect_round_trip(tmp_path, name, os_name):
    path = tmp_path / "answers.toml"
    path.write_text(FIXTURES[name])
    wanted = load_answers(str(path))
    root = make_demo_root(tmp_path / "root", os_name)
    assert Session.open(str(root), str(path)).apply().ok
    again = Session.open(str(root))
    assert again.previous_config_found
    assert again.answers.model_dump() == wanted.model_dump()
    assert again.unrepresented == []
    assert again.plan().empty   # rerunning with what was detected changes nothing


def test_unrepresentable_settings_are_reported(tmp_path):
    root = make_demo_root(tmp_path / "root", broken=True)
    session = Session.open(str(root))
    assert session.answers.role == "sender"
    assert any("format = encrypted" in item for item in session.unrepresented)


def test_a_stock_host_is_not_configured(tmp_path):
    session = Session.open(str(make_demo_root(tmp_path / "root")))
    assert not session.previous_config_found
