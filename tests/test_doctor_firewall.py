"""The doctor's firewall check (issue #10 item 3): the configured zone (or the zone the port is in),
the runtime and the permanent configuration apart, and a fix that never opens the port to
everyone when senders are listed."""
from __future__ import annotations

from pathlib import Path

import pytest

from backends.host import Host
from tests.security_helpers import seed_admin_files
from wizard.cli.main import main
from wizard.sandbox import make_demo_root
from wizard.session import Session

RULE = 'rule family="ipv4" source address="192.0.2.0/24" port port="60" protocol="tcp" accept'


def applied(tmp_path: Path, answers: str) -> Path:
    root = make_demo_root(tmp_path / "root", "almalinux-9")
    seed_admin_files(root)
    path = tmp_path / "answers.toml"
    path.write_text(answers)
    assert main(["apply", "--answers", str(path), "--root", str(root), "--yes"]) == 0
    return root


def firewall_finding(root: Path):
    session = Session.open(str(root))
    found = [f for f in session.diagnose(role="receiver") if f.check == "firewall"]
    return session, found[0]


def firewall_cmd(root: Path, *args: str) -> None:
    Host.for_root(root).runner.run(["firewall-cmd", *args])


def zone(root: Path, config: str, name: str = "public") -> dict:
    return Host.for_root(root).runner.state()["firewall"][config][name]


def test_the_configured_zone_is_checked(tmp_path):
    root = applied(tmp_path, 'role = "receiver"\n[firewall]\nzone = "internal"\n')
    assert zone(root, "permanent", "internal")["ports"] == ["60/tcp"] and zone(root, "permanent")["ports"] == []
    _session, finding = firewall_finding(root)
    assert finding.status == "ok" and "zone internal" in finding.explanation


def test_the_zone_the_port_is_in_when_none_is_configured(tmp_path):
    root = applied(tmp_path, 'role = "receiver"\n[firewall]\nmanage = false\n')
    for flag in (["--permanent"], []):
        firewall_cmd(root, *flag, "--zone=work", "--add-port=60/tcp")
    _session, finding = firewall_finding(root)
    assert finding.status == "ok" and "zone work" in finding.explanation


def test_open_to_everyone_with_listed_senders_is_a_problem_and_the_fix_closes_it(tmp_path):
    root = applied(tmp_path, 'role = "receiver"\n[receiver]\nallowed_senders = ["192.0.2.0/24"]\n')
    for flag in (["--permanent"], []):
        firewall_cmd(root, *flag, "--zone=public", "--add-port=60/tcp")
    session, finding = firewall_finding(root)
    assert finding.status == "problem" and "open to every address" in finding.explanation
    assert session.apply_fixes([finding]).ok
    for config in ("permanent", "runtime"):
        assert zone(root, config)["ports"] == [] and zone(root, config)["rich_rules"] == [RULE]
    assert firewall_finding(root)[1].status == "ok"


def test_a_closed_port_with_listed_senders_is_fixed_with_rich_rules_only(tmp_path):
    root = applied(tmp_path, 'role = "receiver"\n[receiver]\nallowed_senders = ["192.0.2.0/24"]\n')
    for flag in (["--permanent"], []):
        firewall_cmd(root, *flag, "--zone=public", "--remove-rich-rule=" + RULE)
    session, finding = firewall_finding(root)
    assert finding.status == "problem"
    assert "--add-port" not in "".join(item.text for item in session.fix_preview([finding]))
    assert session.apply_fixes([finding]).ok
    for config in ("permanent", "runtime"):
        assert zone(root, config)["ports"] == [] and zone(root, config)["rich_rules"] == [RULE]


@pytest.mark.parametrize("answers, port", [('role = "receiver"\n', 60),
                                           ('role = "receiver"\nmethod = "rsyslog"\n', 6514)])
def test_a_port_missing_only_from_the_running_firewall_is_found_and_fixed(tmp_path, answers, port):
    root = applied(tmp_path, answers)
    firewall_cmd(root, "--zone=public", f"--remove-port={port}/tcp")
    session, finding = firewall_finding(root)
    assert finding.status == "problem" and "not in the running firewall" in finding.explanation
    preview = "".join(item.text for item in session.fix_preview([finding]))
    assert f"$ firewall-cmd --zone=public --add-port={port}/tcp" in preview and "--permanent" not in preview
    assert session.apply_fixes([finding]).ok
    assert zone(root, "runtime")["ports"] == [f"{port}/tcp"]
