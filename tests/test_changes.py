"""Each Change kind: preview, apply, undo on a temporary root; undo restores the before-state exactly."""
import os
import stat
from typing import Dict, List, Optional, Sequence, Set

import pytest

from backends.changes import (Change, ChangeError, FileAttributes, FirewallPort, FirewallRules,
                              InstallPackages, RemoveFile, RunCommand, SELinuxPort, ServiceState,
                              WriteFile)
from backends.host import Host
from backends.runner import CommandError, CommandResult


class FakeSystem:
    """A tiny in-memory runner for the argv forms the Change kinds use; records every command."""

    def __init__(self) -> None:
        self.installed: Set[str] = {"audit"}
        self.services: Dict[str, Dict[str, bool]] = {
            "auditd": {"enabled": True, "active": True},
            "rsyslog": {"enabled": False, "active": False}}
        self.ports: Dict[str, str] = {"tcp/60": "audit_port_t", "tcp/514": "syslogd_port_t"}  # policy
        self.local: Dict[str, str] = {}     # semanage port -a/-m
        self.firewall = {True: set(), False: set()}  # permanent? -> {"port:60/tcp", "rich:..."}
        self.log: List[List[str]] = []
        self.fail_prefix: Optional[List[str]] = None

    def has_command(self, program: str) -> bool:
        return True

    def run(self, argv: Sequence[str], *, ok_codes=(0,), timeout=600, input=None) -> CommandResult:
        argv = [str(a) for a in argv]
        self.log.append(argv)
        if self.fail_prefix and argv[:len(self.fail_prefix)] == self.fail_prefix:
            raise CommandError(argv, 1, stderr="injected failure")
        code, out = self._do(argv)
        if code not in ok_codes:
            raise CommandError(argv, code, stderr=out)
        return CommandResult(tuple(argv), code, out, "")

    def _do(self, argv: List[str]):
        head = argv[:2]
        if argv[:2] == ["rpm", "-q"]:
            missing = [n for n in argv[2:] if n not in self.installed]
            lines = [f"{n}-1.0-1.el9.x86_64" if n in self.installed else f"package {n} is not installed"
                     for n in argv[2:]]
            return len(missing), "\n".join(lines) + "\n"
        if head == ["dnf", "install"]:
            self.installed.update(argv[3:])
            return 0, ""
        if head == ["dnf", "remove"]:
            self.installed.difference_update(argv[3:])
            return 0, ""
        if argv[0] == "systemctl":
            verb, name = argv[1], argv[2]
            unit = self.services.setdefault(name, {"enabled": False, "active": False})
            if verb == "is-enabled":
                return (0, "enabled\n") if unit["enabled"] else (1, "disabled\n")
            if verb == "is-active":
                return (0, "active\n") if unit["active"] else (3, "inactive\n")
            if verb in ("stop", "restart") and name == "auditd":
                return 1, "Operation refused"
            key, value = {"enable": ("enabled", True), "disable": ("enabled", False),
                          "start": ("active", True), "stop": ("active", False)}[verb]
            unit[key] = value
            return 0, ""
        if argv[:3] == ["semanage", "port", "-l"]:   # local entries first, like semanage
            listed = list(self.local.items()) + ([] if argv[3:] == ["-C"] else list(self.ports.items()))
            return 0, "".join(f"{t:30} {k.split('/')[0]:8} {k.split('/')[1]}\n" for k, t in listed)
        if argv[:2] == ["semanage", "port"]:
            key = f"{argv[-2]}/{argv[-1]}"
            if argv[2] == "-a":
                if key in self.ports or key in self.local:
                    return 1, f"Port {key} already defined"
                self.local[key] = argv[4]
            elif argv[2] == "-m":
                if key not in self.ports and key not in self.local:
                    return 1, f"Port {key} is not defined"
                self.local[key] = argv[4]
            elif argv[2] == "-d":
                if key not in self.local:
                    return 1, f"Port {key} is defined in policy, cannot be deleted"
                self.local.pop(key)
            return 0, ""
        if argv[0] == "firewall-cmd":
            permanent = "--permanent" in argv
            action, _, value = argv[-1][2:].partition("=")
            verb, _, option = action.partition("-")
            item = f"{option}:{value}"
            rules = self.firewall[permanent]
            if verb == "query":
                return (0, "yes\n") if item in rules else (1, "no\n")
            (rules.add if verb == "add" else rules.discard)(item)
            return 0, "success\n"
        if argv[0] in ("true", "touch-marker"):
            return 0, ""
        return 127, "not simulated"

    def snapshot(self):
        return (sorted(self.installed), repr(sorted(self.services.items())),
                sorted(self.ports.items()), sorted(self.local.items()),
                sorted(self.firewall[True]), sorted(self.firewall[False]))


@pytest.fixture
def system():
    return FakeSystem()


@pytest.fixture
def host(tmp_path, system):
    (tmp_path / "etc" / "audit").mkdir(parents=True)
    return Host(tmp_path, system)


def file_state(path):
    st = os.stat(str(path))
    return path.read_bytes(), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid


def roundtrip(host, change: Change):
    before = change.capture(host)
    change.apply(host)
    return before


# ---------------------------------------------------------------- WriteFile

def test_write_file_preview_is_a_unified_diff_with_absolute_paths(host):
    conf = host.path("/etc/audit/auditd.conf")
    conf.write_text("log_format = RAW\nname_format = NONE\n")
    change = WriteFile("/etc/audit/auditd.conf", "log_format = RAW\nname_format = HOSTNAME\n")
    text = change.preview(host)
    assert text.splitlines()[:2] == ["--- /etc/audit/auditd.conf", "+++ /etc/audit/auditd.conf"]
    assert "-name_format = NONE" in text and "+name_format = HOSTNAME" in text
    assert change.describe(host) == "Write /etc/audit/auditd.conf (2 lines change)"


def test_write_file_preview_of_new_file_starts_at_dev_null(host):
    text = WriteFile("/etc/audit/plugins.d/au-remote.conf", "active = yes\n").preview(host)
    assert "--- /dev/null" in text.splitlines()
    assert "+++ /etc/audit/plugins.d/au-remote.conf" in text.splitlines()
    assert "+active = yes" in text


def test_write_file_preview_says_when_mode_or_owner_changes(host):
    conf = host.path("/etc/audit/auditd.conf")
    conf.write_text("x = 1\n")
    os.chmod(str(conf), 0o644)
    text = WriteFile("/etc/audit/auditd.conf", "x = 1\n", mode=0o600, uid=0, gid=5).preview(host)
    assert "mode 0644 -> 0600" in text
    assert "owner 0:0 -> 0:5" in text
    assert "@@" not in text  # the content is the same: no hunk


def test_write_file_restores_content_mode_and_owner_byte_for_byte(host):
    conf = host.path("/etc/audit/auditd.conf")
    original = b"# comment\r\nlog_file = /var/log/audit/audit.log\n\xff\xfe not utf-8\n"
    conf.write_bytes(original)
    os.chown(str(conf), 12, 34)
    os.chmod(str(conf), 0o604)
    before_state = file_state(conf)
    change = WriteFile("/etc/audit/auditd.conf", "new = 1\n", mode=0o600, uid=0, gid=0)
    before = roundtrip(host, change)
    assert file_state(conf) == (b"new = 1\n", 0o600, 0, 0)
    change.undo(host, before)
    assert file_state(conf) == before_state
    change.undo(host, before)  # idempotent
    assert file_state(conf) == before_state


def test_write_file_keeps_the_existing_mode_and_owner(host):
    conf = host.path("/etc/audit/auditd.conf")
    conf.write_text("a = 1\n")
    os.chown(str(conf), 0, 7)
    os.chmod(str(conf), 0o600)
    WriteFile("/etc/audit/auditd.conf", "a = 2\n").apply(host)
    assert file_state(conf) == (b"a = 2\n", 0o600, 0, 7)


def test_new_file_gets_0640_root_and_undo_deletes_it(host):
    before = roundtrip(host, WriteFile("/etc/audit/plugins.d/au-remote.conf", "active = yes\n"))
    target = host.path("/etc/audit/plugins.d/au-remote.conf")
    assert file_state(target) == (b"active = yes\n", 0o640, 0, 0)
    WriteFile("/etc/audit/plugins.d/au-remote.conf", "").undo(host, before)
    assert not target.exists()
    assert not host.path("/etc/audit/plugins.d").exists()  # the directory it created is gone too
    assert host.path("/etc/audit").is_dir()


def test_write_file_creates_missing_parents_0755(host):
    change = WriteFile("/etc/rsyslog.d/sub/60-audit.conf", "x\n")
    before = roundtrip(host, change)
    assert before["created_dirs"] == ["/etc/rsyslog.d", "/etc/rsyslog.d/sub"]
    assert stat.S_IMODE(os.stat(str(host.path("/etc/rsyslog.d"))).st_mode) == 0o755
    change.undo(host, before)
    assert not host.path("/etc/rsyslog.d").exists()


def test_write_file_backup_lands_in_the_state_dir_not_next_to_the_file(host):
    conf = host.path("/etc/audit/plugins.d")
    conf.mkdir()
    (conf / "syslog.conf").write_text("active = no\n")
    before = WriteFile("/etc/audit/plugins.d/syslog.conf", "active = yes\n").capture(host)
    assert sorted(p.name for p in conf.iterdir()) == ["syslog.conf"]
    backup = host.state_dir() / before["backup"]
    assert backup.read_text() == "active = no\n"
    assert stat.S_IMODE(os.stat(str(backup)).st_mode) == 0o600


def test_host_path_refuses_escapes(host):
    with pytest.raises(ValueError):
        host.path("/etc/../../outside")
    with pytest.raises(ValueError):
        host.path("etc/relative")
    assert host.path("/etc/audit/x") == host.root / "etc" / "audit" / "x"


# ---------------------------------------------------------------- FileAttributes

def test_file_attributes_apply_and_undo(host):
    keytab = host.path("/etc/audit/audit.key")
    keytab.write_bytes(b"\x05\x02keytab")
    os.chown(str(keytab), 3, 4)
    os.chmod(str(keytab), 0o644)
    change = FileAttributes("/etc/audit/audit.key", mode=0o400, uid=0, gid=0)
    assert "mode 0644 -> 0400" in change.preview(host)
    before = roundtrip(host, change)
    assert file_state(keytab) == (b"\x05\x02keytab", 0o400, 0, 0)
    change.undo(host, before)
    assert file_state(keytab) == (b"\x05\x02keytab", 0o644, 3, 4)


def test_file_attributes_on_a_missing_file_is_a_clear_error(host):
    with pytest.raises(ChangeError, match="does not exist"):
        FileAttributes("/etc/krb5.keytab", mode=0o400).apply(host)


# ---------------------------------------------------------------- InstallPackages

def test_install_packages_installs_only_the_missing_and_undo_removes_only_those(host, system):
    change = InstallPackages(["audit", "audispd-plugins", "rsyslog-gnutls"])
    assert change.preview(host) == "$ dnf install -y audispd-plugins rsyslog-gnutls"
    before = roundtrip(host, change)
    assert ["dnf", "install", "-y", "audispd-plugins", "rsyslog-gnutls"] in system.log
    assert {"audit", "audispd-plugins", "rsyslog-gnutls"} <= system.installed
    change.undo(host, before)
    assert system.installed == {"audit"}
    assert ["dnf", "remove", "-y", "audispd-plugins", "rsyslog-gnutls"] in system.log
    system.log.clear()
    change.undo(host, before)  # idempotent: nothing left to remove
    assert not [a for a in system.log if a[0] == "dnf"]


def test_install_packages_nothing_to_do(host, system):
    change = InstallPackages(["audit"])
    assert change.preview(host).startswith("# nothing to do")
    change.apply(host)
    assert not [a for a in system.log if a[0] == "dnf"]


# ---------------------------------------------------------------- ServiceState

def test_service_state_enable_start_and_undo(host, system):
    change = ServiceState("rsyslog", enabled=True, active=True)
    assert change.preview(host) == "$ systemctl enable rsyslog\n$ systemctl start rsyslog"
    before = roundtrip(host, change)
    assert system.services["rsyslog"] == {"enabled": True, "active": True}
    change.undo(host, before)
    assert system.services["rsyslog"] == {"enabled": False, "active": False}


def test_service_state_never_restarts_or_stops_auditd(host, system):
    with pytest.raises(ValueError):
        ServiceState("auditd.service", enabled=True, active=False)
    system.services["auditd"] = {"enabled": False, "active": False}
    change = ServiceState("auditd", enabled=True, active=True)
    before = roundtrip(host, change)
    change.undo(host, before)
    used = [a[1] for a in system.log if a[0] == "systemctl"]
    assert "stop" not in used and "restart" not in used
    assert system.services["auditd"]["enabled"] is False  # the enable was undone


# ---------------------------------------------------------------- SELinuxPort

def test_selinux_port_add_then_undo_deletes(host, system):
    change = SELinuxPort(6514)
    assert change.preview(host) == "$ semanage port -a -t audit_port_t -p tcp 6514"
    before = roundtrip(host, change)
    assert system.local["tcp/6514"] == "audit_port_t"
    change.undo(host, before)
    assert "tcp/6514" not in system.local
    change.undo(host, before)
    assert ["semanage", "port", "-d", "-p", "tcp", "6514"] == [a for a in system.log if "-d" in a][-1]
    assert len([a for a in system.log if "-d" in a]) == 1


def test_selinux_port_already_typed_uses_m_and_undo_puts_the_old_type_back(host, system):
    change = SELinuxPort(514)
    assert change.preview(host) == "$ semanage port -m -t audit_port_t -p tcp 514"
    before = roundtrip(host, change)
    assert system.local["tcp/514"] == "audit_port_t"
    change.undo(host, before)   # the local modification goes; the policy's type applies again
    assert system.local == {} and system.ports["tcp/514"] == "syslogd_port_t"


def test_selinux_port_undo_puts_an_old_local_type_back_and_delete_removes_only_local(host, system):
    system.local["tcp/6060"] = "http_port_t"          # an admin's own label
    change = SELinuxPort(6060)
    before = roundtrip(host, change)
    assert system.local["tcp/6060"] == "audit_port_t"
    change.undo(host, before)
    assert system.local == {"tcp/6060": "http_port_t"}
    delete = SELinuxPort(6060, type=None)
    assert delete.preview(host) == "$ semanage port -d -p tcp 6060"
    before = roundtrip(host, delete)
    assert system.local == {}
    assert SELinuxPort(514, type=None).preview(host).startswith("# nothing to do")
    delete.undo(host, before)
    assert system.local == {"tcp/6060": "http_port_t"}


def test_selinux_port_60_is_already_labelled(host, system):
    change = SELinuxPort(60)
    before = roundtrip(host, change)
    change.undo(host, before)
    assert not [a for a in system.log if a[:2] == ["semanage", "port"] and a[2] != "-l"]


# ---------------------------------------------------------------- FirewallPort

def test_firewall_port_runtime_and_permanent_then_undo(host, system):
    change = FirewallPort(60, zone="public")
    assert change.preview(host).splitlines() == [
        "$ firewall-cmd --permanent --zone=public --add-port=60/tcp",
        "$ firewall-cmd --zone=public --add-port=60/tcp"]
    before = roundtrip(host, change)
    assert system.firewall == {True: {"port:60/tcp"}, False: {"port:60/tcp"}}
    change.undo(host, before)
    assert system.firewall == {True: set(), False: set()}


def test_firewall_rich_rules_per_source_and_undo_keeps_rules_that_were_there(host, system):
    rule_v4 = 'rule family="ipv4" source address="192.0.2.10" port port="60" protocol="tcp" accept'
    rule_v6 = 'rule family="ipv6" source address="2001:db8::/64" port port="60" protocol="tcp" accept'
    system.firewall[True].add(f"rich-rule:{rule_v4}")  # already there permanently
    change = FirewallPort(60, sources=["192.0.2.10", "2001:db8::/64"])
    assert f"$ firewall-cmd '--add-rich-rule={rule_v4}'" in change.preview(host)
    before = roundtrip(host, change)
    assert system.firewall[False] == {f"rich-rule:{rule_v4}", f"rich-rule:{rule_v6}"}
    change.undo(host, before)
    assert system.firewall == {True: {f"rich-rule:{rule_v4}"}, False: set()}


# ---------------------------------------------------------------- RunCommand and serialisation

def test_run_command_preview_apply_undo(host, system):
    change = RunCommand(["service", "auditd", "restart"], rerun_after_rollback=True)
    assert change.preview(host) == "$ service auditd restart"
    with pytest.raises(CommandError, match=r"`service auditd restart` failed \(exit 127\)"):
        change.apply(host)
    undoable = RunCommand(["systemctl", "enable", "rsyslog"], undo_argv=["systemctl", "disable", "rsyslog"])
    undoable.apply(host)
    assert system.services["rsyslog"]["enabled"]
    undoable.undo(host, undoable.capture(host))
    assert not system.services["rsyslog"]["enabled"]


def test_every_kind_round_trips_through_to_dict():
    changes = [WriteFile("/etc/a", "x\n", mode=0o600, group="2"), FileAttributes("/etc/k", 0o400, 0, 0),
               InstallPackages(["audispd-plugins"]), ServiceState("rsyslog", True, True),
               SELinuxPort(6514), SELinuxPort(6514, type=None),
               FirewallPort(60, zone="public", sources=["192.0.2.1"]), RemoveFile("/etc/x", group="4"),
               FirewallRules(zone="public", entries=[{"permanent": True, "option": "port", "value": "60/tcp",
                                                      "present": False}]),
               RunCommand(["service", "auditd", "restart"], rerun_after_rollback=True, description="Restart")]
    import json
    for change in changes:
        again = Change.from_dict(json.loads(json.dumps(change.to_dict())))
        assert again == change and type(again) is type(change)
    with pytest.raises(ChangeError):
        Change.from_dict({"kind": "nope"})


def test_command_error_is_one_readable_line():
    err = CommandError(["dnf", "install", "-y", "audispd-plugins"], 1,
                       stderr="Last metadata expiration check\nError: Unable to find a match\n")
    assert str(err) == "`dnf install -y audispd-plugins` failed (exit 1): Error: Unable to find a match"


# ---------------------------------------------------------------- ShRunner (real commands)

def test_sh_runner_runs_argv_in_the_c_locale_and_feeds_input():
    from backends.sh_runner import ShRunner
    runner = ShRunner()
    result = runner.run(["sh", "-c", 'printf "%s" "$LC_ALL"; cat'], input="fed\n")
    assert (result.exit_code, result.stdout) == (0, "Cfed\n")
    assert runner.run(["sh", "-c", "exit 3"], ok_codes=(0, 3)).exit_code == 3
    assert runner.has_command("sh") and not runner.has_command("no-such-program-x")


def test_sh_runner_turns_failures_into_command_errors():
    from backends.sh_runner import ShRunner
    runner = ShRunner()
    with pytest.raises(CommandError) as failed:
        runner.run(["sh", "-c", "echo first >&2; echo 'Error: last line' >&2; exit 4"])
    assert failed.value.exit_code == 4
    assert str(failed.value) == "`sh -c 'echo first >&2; echo '\"'\"'Error: last line'\"'\"' >&2; exit 4'` failed (exit 4): Error: last line"
    with pytest.raises(CommandError) as missing:
        runner.run(["no-such-program-x", "--help"])
    assert missing.value.exit_code == 127
    with pytest.raises(CommandError) as slow:
        runner.run(["sleep", "5"], timeout=0.3)
    assert slow.value.exit_code == -1 and "timed out" in str(slow.value)


def test_sh_runner_never_finds_commands_through_the_callers_path(tmp_path, monkeypatch):
    """Issue #11 item 9: a planted `id` earlier in PATH must not run as root."""
    from backends.sh_runner import SAFE_PATH, ShRunner
    planted = tmp_path / "bin"
    planted.mkdir()
    marker = tmp_path / "planted-ran"
    for name in ("id", "printenv"):
        (planted / name).write_text(f"#!/bin/sh\ntouch {marker}\necho planted\n")
        os.chmod(str(planted / name), 0o755)
    monkeypatch.setenv("PATH", f"{planted}:{os.environ['PATH']}")
    runner = ShRunner()
    assert runner.run(["id", "-u"]).stdout.strip() == str(os.getuid())
    assert runner.run(["printenv", "PATH"]).stdout.strip() == ":".join(SAFE_PATH)
    assert not marker.exists()
    assert runner.has_command("id") and not ShRunner().has_command(str(planted / "no-such"))


def test_host_for_root_picks_the_runner(tmp_path):
    from backends.sh_runner import ShRunner
    from tests.fault_harness import make_minimal_root
    real = Host.for_root("/")
    assert isinstance(real.runner, ShRunner) and real.is_real and not real.is_sandbox
    sandbox = Host.for_root(make_minimal_root(tmp_path))
    assert type(sandbox.runner).__name__ == "SimulatedRunner" and sandbox.is_sandbox
    assert sandbox.state_dir() == sandbox.root / "var" / "lib" / "auditd-wizard"


def test_command_error_names_the_reason_not_systemds_see_logs_line():
    from backends.runner import CommandError
    error = CommandError(("systemctl", "restart", "auditd"), 1,
                         "Failed to restart auditd.service: Operation refused, unit auditd.service "
                         "may be requested by dependency only.\n"
                         "See system logs and 'systemctl status auditd.service' for details.\n", "")
    assert "Operation refused" in str(error) and "See system logs" not in str(error)
    assert str(CommandError(("x",), 2, "first\nlast\n", "")).endswith(": last")


def test_restart_reruns_after_rollback_even_when_the_daemon_is_already_down(tmp_path):
    """EL10 without `service`: stop by signal, then start. A rollback that follows a failed start
    must still bring the daemon back, although the stop step now fails (nothing to stop)."""
    import json
    from backends.changes import Restart, Change
    from backends.host import Host
    from wizard.sandbox import make_demo_root
    root = make_demo_root(tmp_path / "r", "almalinux-10")
    host = Host.for_root(root)
    restart = Restart(start=["systemctl", "start", "auditd"], stop=["auditctl", "--signal", "stop"],
                      unit="auditd")
    assert Change.from_dict(restart.to_dict()) == restart
    assert restart.preview(host).splitlines() == [
        "$ auditctl --signal stop",
        "# then wait until `systemctl is-active auditd` is no longer active",
        "$ systemctl start auditd"]
    host.runner.run(["auditctl", "--signal", "stop"])        # the daemon is down already
    restart.rerun(host)
    state = json.loads((root / ".sandbox/state.json").read_text())
    assert state["services"]["auditd"]["active"] is True


def test_restart_waits_for_the_unit_to_stop_before_starting_it(tmp_path):
    """`systemctl start` on a unit still shutting down is a no-op that leaves it stopped."""
    from backends.changes import Restart
    from backends.runner import CommandResult

    class SlowStop:
        def __init__(self):
            self.calls, self.polls = [], 0

        def run(self, argv, ok_codes=(0,), timeout=600, input=None):
            self.calls.append(list(argv))
            out = ""
            if argv[:2] == ["systemctl", "is-active"]:
                self.polls += 1
                out = "deactivating\n" if self.polls < 3 else "inactive\n"
            return CommandResult(tuple(argv), 0, out, "")

        def has_command(self, program):
            return True

    class FakeHost:
        runner = SlowStop()

    host = FakeHost()
    Restart(start=["systemctl", "start", "auditd"], stop=["auditctl", "--signal", "stop"],
            unit="auditd").apply(host)
    assert host.runner.calls[0] == ["auditctl", "--signal", "stop"]
    assert host.runner.calls[-1] == ["systemctl", "start", "auditd"]
    assert host.runner.polls == 3


def test_move_file_sets_a_file_aside_and_undo_puts_it_back(tmp_path):
    from backends.changes import Change, MoveFile
    from backends.host import Host
    from wizard.sandbox import make_demo_root
    root = make_demo_root(tmp_path / "r", "almalinux-9")
    host = Host.for_root(root)
    stray = root / "etc/audit/auditd.conf"
    content, mode = stray.read_bytes(), stray.stat().st_mode
    move = MoveFile(path="/etc/audit/auditd.conf",
                    target="/var/lib/auditd-wizard/set-aside/etc/audit/auditd.conf")
    assert Change.from_dict(move.to_dict()) == move
    before = move.capture(host)
    move.apply(host)
    assert not stray.exists()
    assert (root / "var/lib/auditd-wizard/set-aside/etc/audit/auditd.conf").read_bytes() == content
    move.undo(host, before)
    assert stray.read_bytes() == content and stray.stat().st_mode == mode
    move.undo(host, before)          # idempotent
    assert stray.read_bytes() == content


@pytest.mark.parametrize("mode, relabelled", [("Disabled", False), ("Permissive", True),
                                               ("Enforcing", True)])
def test_real_host_runs_restorecon_only_when_selinux_is_on(tmp_path, monkeypatch, mode, relabelled):
    """WriteFile through the real ShRunner: getenforce and restorecon are programs in a folder
    the runner is given (it never looks in PATH) that say the mode and record their calls (the
    machine running the tests has no SELinux)."""
    from backends.sh_runner import SAFE_PATH, ShRunner
    tools, calls = tmp_path / "bin", tmp_path / "restorecon-calls"
    tools.mkdir()
    (tools / "getenforce").write_text("#!/bin/sh\necho %s\n" % mode)
    (tools / "restorecon").write_text('#!/bin/sh\necho "$@" >> %s\n' % calls)
    for program in ("getenforce", "restorecon"):
        (tools / program).chmod(0o755)
    host = Host(tmp_path / "root", ShRunner(path=[str(tools), *SAFE_PATH]))
    (tmp_path / "root" / "etc").mkdir(parents=True)
    WriteFile("/etc/x.conf", "a = b\n").apply(host)
    assert (tmp_path / "root" / "etc" / "x.conf").read_text() == "a = b\n"
    expected = "%s\n" % (tmp_path / "root" / "etc" / "x.conf") if relabelled else None
    assert (calls.read_text() if calls.exists() else None) == expected
