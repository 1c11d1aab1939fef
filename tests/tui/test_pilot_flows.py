"""Pilot drives the real screens through whole setups on sandbox roots and presses Apply."""
import json

import pytest

from tests.tui.helpers import (apply_on_review, choose, conf, drive, host_files, new_root,
                               open_app, screen_text, state, to_review, to_step, type_into)

OSES = ["almalinux-8", "almalinux-9", "almalinux-10"]


async def walk_sender(pilot, server="logs.example.com"):
    await pilot.pause()
    await to_step(pilot, 4)                # sender is the default role
    await type_into(pilot, "#f-remote--server", server)
    await to_review(pilot)


@pytest.mark.parametrize("os_name", OSES)
def test_sender_setup_applies(tmp_path, os_name):
    root = new_root(tmp_path, os_name)
    app = open_app(root)
    seen = {}

    async def scenario(pilot):
        await walk_sender(pilot)
        seen["review"] = screen_text(pilot.app)
        await apply_on_review(pilot)
        seen["done"] = screen_text(pilot.app)

    drive(app, scenario)
    assert "Review & apply" in seen["review"]
    assert "Applied: transaction" in seen["done"]
    remote = conf(root, "etc/audit/audisp-remote.conf")
    assert remote["remote_server"] == "logs.example.com"
    assert remote["format"] == "managed"
    plugin = conf(root, "etc/audit/plugins.d/au-remote.conf")
    assert plugin["active"] == "yes" and plugin["type"] == "always"
    st = state(root)
    assert "audispd-plugins" in st["packages"]
    assert ["systemctl", "restart", "auditd"] not in st["log"]
    restarted = ["service", "auditd", "restart"] in st["log"] or \
        any(argv[:2] == ["auditctl", "--signal"] for argv in st["log"])
    assert restarted


@pytest.mark.parametrize("os_name", OSES)
def test_receiver_setup_applies(tmp_path, os_name):
    root = new_root(tmp_path, os_name)
    app = open_app(root)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        await choose(pilot, "#role", "receiver")
        await to_step(pilot, 5)
        await type_into(pilot, "#f-firewall--zone", "internal")     # not the default zone
        await type_into(pilot, "#f-receiver--allowed-senders", "192.0.2.0/24")
        await to_review(pilot)
        await apply_on_review(pilot)
        seen["done"] = screen_text(pilot.app)

    drive(app, scenario)
    assert "Applied: transaction" in seen["done"]
    auditd = conf(root, "etc/audit/auditd.conf")
    assert auditd["tcp_listen_port"] == "60"
    st = state(root)
    assert st["firewall"]["default_zone"] != "internal"
    for where in ("permanent", "runtime"):     # the zone typed on step 5, not the default
        rules = st["firewall"][where]["internal"]["rich_rules"]
        assert any('source address="192.0.2.0/24"' in r and 'port="60"' in r for r in rules)
        assert not st["firewall"][where][st["firewall"]["default_zone"]]["rich_rules"]


def test_failure_during_apply_restores_everything(tmp_path):
    root = new_root(tmp_path, "almalinux-9")
    before_files = host_files(root)
    path = root / ".sandbox" / "state.json"
    st = json.loads(path.read_text())
    # once: the apply's restart fails; the restart after the rollback works
    st["fail"] = [{"argv": ["service", "auditd", "restart"], "exit_code": 1, "times": 1,
                   "stderr": "Job for auditd.service failed (injected)"}]
    path.write_text(json.dumps(st))
    packages_before = dict(st["packages"])
    app = open_app(root)
    seen = {}

    async def scenario(pilot):
        await walk_sender(pilot)
        await apply_on_review(pilot)
        seen["done"] = screen_text(pilot.app)

    drive(app, scenario)
    assert "Failed:" in seen["done"]
    assert "Everything was restored" in seen["done"]
    assert "injected" in seen["done"]
    assert host_files(root) == before_files
    assert state(root)["packages"] == packages_before   # audispd-plugins removed again
