"""The change kinds convergence needs: removing a file the wizard wrote, firewall entries made
present or absent in the runtime and the permanent configuration apart, rich rules compared in
the canonical form real firewalld prints (reference/real-tools.md), and the simulator doing
the same."""
import os
import stat

import pytest

from backends.changes import FirewallRules, RemoveFile
from backends.host import Host
from backends.rich_rule import RichRuleError, canonical_rich_rule, port_rule, rule_source_port
from backends.runner import CommandError
from wizard.sandbox import make_demo_root

CANONICAL = 'rule family="ipv4" source address="10.0.0.0/24" port port="60" protocol="tcp" accept'


@pytest.mark.parametrize("spelling", [
    CANONICAL,
    "rule family=ipv4 source address=10.0.0.0/24 port port=60 protocol=tcp accept",
    "rule port protocol='tcp' port='60' source address='10.0.0.0/24' family='ipv4' accept",
    "rule   family=\"ipv4\"  source address=10.0.0.0/24 port protocol=tcp port=60  accept",
])
def test_every_spelling_of_a_rule_has_the_one_canonical_form(spelling):
    assert canonical_rich_rule(spelling) == CANONICAL
    assert rule_source_port(spelling) == ("10.0.0.0/24", 60)


def test_addresses_are_not_rewritten_and_other_rules_are_kept_whole():
    assert canonical_rich_rule(port_rule("10.0.5.5/32", 60)) == port_rule("10.0.5.5/32", 60)
    assert rule_source_port(port_rule("10.0.5.5/32", 60)) == ("10.0.5.5/32", 60)
    other = "rule family=ipv4 source NOT address=192.0.2.1 service name=ssh reject"
    assert canonical_rich_rule(other) == 'rule family="ipv4" source NOT address="192.0.2.1" service name="ssh" reject'
    assert rule_source_port(other) is None


@pytest.mark.parametrize("rule, code", [
    ("rule source address=10.0.0.0/24 port port=60 protocol=tcp accept", "MISSING_FAMILY"),
    ("rule family=ipv4 source address=10.0.0.0/24 port port=60 protocol=TCP accept", "INVALID_PROTOCOL"),
    ("rule family=ipv4 source address=10.0.0.0/24 port port=60 protocol=tcp ACCEPT", "INVALID_RULE"),
    # `limit` then a rule attribute: the value= that follows belongs to no element
    ("rule service name=ssh limit family=ipv4 value=1/m accept", "INVALID_RULE"),
])
def test_what_firewalld_refuses_is_refused_with_its_code(rule, code):
    with pytest.raises(RichRuleError, match="^" + code):
        canonical_rich_rule(rule)


@pytest.fixture
def sandbox(tmp_path):
    root = make_demo_root(tmp_path / "root")
    return Host.for_root(root)


def _zone(host, config):
    return host.runner.state()["firewall"][config]["public"]


def test_the_simulator_stores_and_matches_rules_in_canonical_form(sandbox):
    run = sandbox.runner.run
    run(["firewall-cmd", "--zone=public",
         "--add-rich-rule=rule port protocol='tcp' port='60' source address='10.0.0.0/24' family='ipv4' accept"])
    assert _zone(sandbox, "runtime")["rich_rules"] == [CANONICAL]
    again = run(["firewall-cmd", "--zone=public", "--add-rich-rule=" + CANONICAL.replace('"', "")])
    assert "ALREADY_ENABLED" in again.stderr
    assert run(["firewall-cmd", "--zone=public", "--query-rich-rule=" + CANONICAL]).exit_code == 0
    with pytest.raises(CommandError) as refused:
        run(["firewall-cmd", "--zone=public", "--add-rich-rule=rule port port=60 protocol=TCP accept"])
    assert refused.value.exit_code == 103 and "INVALID_PROTOCOL" in str(refused.value)


def test_firewall_rules_converge_runtime_and_permanent_apart_and_undo(sandbox):
    run = sandbox.runner.run
    run(["firewall-cmd", "--permanent", "--zone=public", "--add-port=60/tcp"])   # permanent only
    change = FirewallRules(zone="public", entries=[
        {"permanent": p, "option": o, "value": v, "present": want}
        for o, v, want in (("rich-rule", "rule family=ipv4 source address=10.0.0.0/24 port port=60 "
                                         "protocol=tcp accept", True), ("port", "60/tcp", False))
        for p in (True, False)])
    assert change.describe() == ("Firewall zone public: open 60/tcp from 10.0.0.0/24 (permanent and "
                                 "runtime); close 60/tcp (permanent and runtime)")
    preview = change.preview(sandbox).splitlines()
    assert preview == [
        "$ firewall-cmd --permanent --zone=public '--add-rich-rule=%s'" % CANONICAL,
        "$ firewall-cmd --zone=public '--add-rich-rule=%s'" % CANONICAL,
        "$ firewall-cmd --permanent --zone=public --remove-port=60/tcp"]   # runtime never had it
    before = change.capture(sandbox)
    change.apply(sandbox)
    for config in ("permanent", "runtime"):
        assert _zone(sandbox, config)["ports"] == [] and _zone(sandbox, config)["rich_rules"] == [CANONICAL]
    assert change.preview(sandbox).startswith("# nothing to do")
    change.undo(sandbox, before)
    assert _zone(sandbox, "permanent")["ports"] == ["60/tcp"] and _zone(sandbox, "runtime")["ports"] == []
    assert _zone(sandbox, "permanent")["rich_rules"] == [] == _zone(sandbox, "runtime")["rich_rules"]


def test_remove_file_keeps_the_bytes_in_the_journal_and_undo_restores_them(sandbox):
    path = "/etc/rsyslog.d/auditd-wizard-forward.conf"
    real = sandbox.path(path)
    real.write_bytes(b"# drop-in\naction(type=\"omfwd\")")   # no final newline
    os.chmod(str(real), 0o644)
    change = RemoveFile(path, group="4")
    assert change.preview(sandbox).splitlines()[:2] == ["--- " + path, "+++ /dev/null"]
    before = change.capture(sandbox)
    change.apply(sandbox)
    assert not real.exists()
    assert change.preview(sandbox) == "# nothing to do: %s does not exist" % path
    change.undo(sandbox, before)
    assert real.read_bytes() == b"# drop-in\naction(type=\"omfwd\")"
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    change.undo(sandbox, before)    # twice is the same
    assert real.read_bytes().startswith(b"# drop-in")


def test_write_files_writes_and_removes_a_set_of_records_and_undo_restores_each(sandbox, tmp_path):
    from backends.changes import WriteFiles
    keep, old = "/var/lib/auditd-wizard/ledger/a.json", "/var/lib/auditd-wizard/ledger/b.json"
    put = sandbox.path(old)
    put.parent.mkdir(parents=True)
    put.write_text('{"old": 1}\n')
    os.chmod(str(put), 0o600)
    change = WriteFiles(writes={keep: '{"new": 1}\n'}, removes=[old], description="Update the ledger")
    backups = tmp_path / "journal" / "backups"
    backups.mkdir(parents=True)
    before = change.capture(sandbox, backups / "0")
    change.apply(sandbox)
    assert sandbox.path(keep).read_text() == '{"new": 1}\n' and not put.exists()
    assert stat.S_IMODE(sandbox.path(keep).stat().st_mode) == 0o600
    change.undo(sandbox, before)
    assert not sandbox.path(keep).exists() and put.read_text() == '{"old": 1}\n'
    assert stat.S_IMODE(put.stat().st_mode) == 0o600
    change.undo(sandbox, before)      # twice is the same
    assert put.read_text() == '{"old": 1}\n'
