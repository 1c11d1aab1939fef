"""Every Change kind in one plan, failed at every change and killed (SIGKILL) at every boundary:
after the rollback the sandbox is byte-for-byte what it was, and so is the simulated system."""
from backends.changes import (FileAttributes, FirewallPort, InstallPackages, RunCommand, SELinuxPort,
                              ServiceState, WriteFile)
from tests.fault_harness import assert_fault_tolerant, make_minimal_root


def every_kind_plan():
    return [
        InstallPackages(["audit", "audispd-plugins"], group="1"),
        WriteFile("/etc/audit/auditd.conf", "log_file = /var/log/audit/audit.log\nlog_format = ENRICHED\n"
                  "name_format = HOSTNAME\n", group="2"),
        WriteFile("/etc/audit/plugins.d/au-remote.conf", "active = yes\ndirection = out\n"
                  "path = /sbin/audisp-remote\ntype = always\nformat = string\n", group="3"),
        WriteFile("/etc/rsyslog.d/audit/60-forward.conf", 'module(load="imtcp")\n', mode=0o644, group="6"),
        FileAttributes("/etc/krb5.keytab", mode=0o400, uid=0, gid=0, group="8"),
        ServiceState("rsyslog", enabled=True, active=True, group="6"),
        SELinuxPort(6514, group="5"),
        FirewallPort(60, zone="public", group="5"),
        FirewallPort(6514, sources=["192.0.2.10", "2001:db8::/64"], group="5"),
        RunCommand(["service", "auditd", "restart"], rerun_after_rollback=True,
                   description="Restart auditd", group="9"),
    ]


def file_plan():
    return [change for change in every_kind_plan() if isinstance(change, (WriteFile, FileAttributes))]


def test_file_changes_survive_every_failure_and_kill():
    n, cases = assert_fault_tolerant(make_minimal_root, file_plan(),
                                     host_factory="tests.fault_harness:plain_host")
    assert n == 4
    assert cases == 1 + n + (2 * n + 2) + n  # whole plan, failures, kills at events and after applies


def test_every_change_kind_survives_every_failure_and_kill():
    plan = every_kind_plan()
    n, cases = assert_fault_tolerant(make_minimal_root, plan)
    commands = sum(1 for c in plan if not isinstance(c, (WriteFile, FileAttributes)))
    assert n == 10
    assert cases == 1 + n + commands + (2 * n + 2) + n
