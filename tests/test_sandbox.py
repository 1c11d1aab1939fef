"""Demo roots look like a stock minimal AlmaLinux 8/9/10: the default files carry the upstream
keys and values of that audit version, and the pretend system state matches a fresh install."""
import os
import stat

import pytest

from backends.simulated import SimulatedRunner, load_state
from wizard.sandbox import OS_CHOICES, make_demo_root, packaged_file, sandbox_marker

# Upstream defaults (linux-audit/audit-userspace init.d/auditd.conf at v3.1.2 = v3.1.5 = v4.0.3).
AUDITD_3_1 = {
    "local_events": "yes", "write_logs": "yes", "log_file": "/var/log/audit/audit.log",
    "log_group": "root", "log_format": "ENRICHED", "flush": "INCREMENTAL_ASYNC", "freq": "50",
    "max_log_file": "8", "num_logs": "5", "priority_boost": "4", "name_format": "NONE",
    "max_log_file_action": "ROTATE", "space_left": "75", "space_left_action": "SYSLOG",
    "verify_email": "yes", "action_mail_acct": "root", "admin_space_left": "50",
    "admin_space_left_action": "SUSPEND", "disk_full_action": "SUSPEND",
    "disk_error_action": "SUSPEND", "use_libwrap": "yes", "tcp_listen_queue": "5",
    "tcp_max_per_addr": "1", "tcp_client_max_idle": "0", "transport": "TCP",
    "krb5_principal": "auditd", "distribute_network": "no", "q_depth": "2000",
    "overflow_action": "SYSLOG", "max_restarts": "10", "plugin_dir": "/etc/audit/plugins.d",
    "end_of_event_timeout": "2",
}
AUDITD_3_0 = dict(AUDITD_3_1, q_depth="1200")
AUDITD_TEMPLATES = {"name": "mydomain", "tcp_listen_port": "60", "tcp_client_ports": "1024-65535",
                    "krb5_key_file": "/etc/audit/audit.key"}
AUDISP_REMOTE = {
    "remote_server": "", "port": "60", "transport": "tcp", "queue_file": "/var/spool/audit/remote.log",
    "mode": "immediate", "queue_depth": "10240", "format": "managed", "network_retry_time": "1",
    "max_tries_per_record": "3", "max_time_per_record": "5", "heartbeat_timeout": "0",
    "network_failure_action": "stop", "disk_low_action": "ignore", "disk_full_action": "warn_once",
    "disk_error_action": "warn_once", "remote_ending_action": "reconnect",
    "generic_error_action": "syslog", "generic_warning_action": "syslog",
    "queue_error_action": "stop", "overflow_action": "syslog",
    "startup_failure_action": "warn_once_continue",
}
AUDISP_REMOTE_TEMPLATES = {"local_port": "", "krb5_principal": "", "krb5_client_name": "auditd",
                           "krb5_key_file": "/etc/audisp/audisp-remote.key"}
AU_REMOTE = {"active": "no", "direction": "out", "path": "/sbin/audisp-remote", "type": "always",
             "format": "string"}
SYSLOG = {"active": "no", "direction": "out", "path": "/sbin/audisp-syslog", "type": "always",
          "args": "LOG_INFO", "format": "string"}
AF_UNIX_3_1 = {"active": "no", "direction": "out", "path": "/sbin/audisp-af_unix", "type": "always",
               "args": "0640 /var/run/audispd_events", "format": "string"}
AF_UNIX_3_0 = dict(AF_UNIX_3_1, path="builtin_af_unix", type="builtin")
STOCK = ["almalinux-8", "almalinux-9", "almalinux-10", "almalinux-9.2"]


def key_values(text, prefix=""):
    """key -> value of `key = value` lines; prefix "##" reads the commented templates instead."""
    values = {}
    for line in text.splitlines():
        if not line.startswith(prefix) or (not prefix and line.startswith("#")):
            continue
        body = line[len(prefix):]
        if body.startswith("#") or " =" not in body:
            continue
        key, _, value = body.partition(" =")
        values[key] = value.strip()
    return values


def read(root, relpath):
    return (root / relpath).read_text()


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=STOCK)
def demo(request, tmp_path):
    return request.param, make_demo_root(tmp_path / request.param, request.param)


def test_auditd_conf_has_the_upstream_values_of_its_version(demo):
    os_name, root = demo
    expected = AUDITD_3_0 if os_name == "almalinux-9.2" else AUDITD_3_1
    text = read(root, "etc/audit/auditd.conf")
    assert key_values(text) == expected
    assert key_values(text, "##") == AUDITD_TEMPLATES
    assert mode_of(root / "etc/audit/auditd.conf") == 0o640


def test_plugin_files_come_with_audispd_plugins_and_carry_upstream_values(demo):
    os_name, root = demo
    plugins = root / "etc/audit/plugins.d"
    assert not (plugins / "au-remote.conf").exists()
    assert not (root / "etc/audit/audisp-remote.conf").exists()
    assert not (root / "sbin/audisp-remote").exists()
    SimulatedRunner(root).run(["dnf", "install", "-y", "audispd-plugins"])
    assert key_values(read(root, "etc/audit/plugins.d/au-remote.conf")) == AU_REMOTE
    assert key_values(read(root, "etc/audit/plugins.d/syslog.conf")) == SYSLOG
    remote = read(root, "etc/audit/audisp-remote.conf")
    assert key_values(remote) == AUDISP_REMOTE
    assert key_values(remote, "##") == AUDISP_REMOTE_TEMPLATES
    for name in ("au-remote.conf", "syslog.conf", "af_unix.conf"):
        assert mode_of(plugins / name) == 0o640
    assert mode_of(root / "sbin/audisp-remote") == 0o750
    assert (root / "sbin/audisp-syslog").is_file()
    assert (root / "var/spool/audit").is_dir()


def test_af_unix_belongs_to_audit_on_3_0_and_to_audispd_plugins_from_3_1(demo):
    os_name, root = demo
    path = root / "etc/audit/plugins.d/af_unix.conf"
    if os_name == "almalinux-9.2":
        assert key_values(path.read_text()) == AF_UNIX_3_0
    else:
        assert not path.exists()
        SimulatedRunner(root).run(["dnf", "install", "-y", "audispd-plugins"])
        assert key_values(path.read_text()) == AF_UNIX_3_1


def test_fixture_lines_follow_the_audit_parser_rules(demo):
    """One space each side of "=", no tabs, no inline comments, lines under 128 bytes."""
    _, root = demo
    SimulatedRunner(root).run(["dnf", "install", "-y", "audispd-plugins"])
    for path in (root / "etc/audit").rglob("*.conf"):
        for line in path.read_text().splitlines():
            assert len(line.encode()) < 128 and "\t" not in line
            if line and not line.startswith("#"):
                key, sep, value = line.partition(" = ")
                assert sep and " " not in key and "#" not in value, (path, line)


@pytest.mark.parametrize("os_name, version_id, audit", [
    ("almalinux-8", "8.10", "3.1.2-1.el8"), ("almalinux-9", "9.6", "3.1.5-8.el9"),
    ("almalinux-10", "10.0", "4.0.3-1.el10")])
def test_os_release_and_packages(tmp_path, os_name, version_id, audit):
    root = make_demo_root(tmp_path / "r", os_name)
    release = read(root, "etc/os-release")
    assert 'ID="almalinux"' in release and f'VERSION_ID="{version_id}"' in release
    assert 'ID_LIKE="rhel centos fedora"' in release
    assert f'PRETTY_NAME="AlmaLinux {version_id} (' in release
    state = load_state(root)
    assert state["os"] == os_name
    assert state["packages"]["audit"] == state["packages"]["audit-libs"] == audit
    for name in ("firewalld", "selinux-policy-targeted", "policycoreutils-python-utils", "rsyslog"):
        assert name in state["packages"]
    for name in ("audispd-plugins", "rsyslog-gnutls", "krb5-workstation"):
        assert name in state["available"] and name not in state["packages"]
    assert state["available"]["audispd-plugins"] == audit
    assert read(root, "etc/hostname") == state["hostname"] + "\n"


def test_services_selinux_firewall_of_a_fresh_install(demo):
    os_name, root = demo
    state = load_state(root)
    for unit in ("auditd", "firewalld", "rsyslog"):
        assert state["services"][unit]["enabled"] and state["services"][unit]["active"]
    assert state["refuse_manual_stop"] == ["auditd"]
    assert state["selinux"]["mode"] == "Enforcing"
    ports = state["selinux"]["ports"]
    assert (ports["tcp/60"], ports["tcp/514"], ports["tcp/601"], ports["tcp/6514"]) == (
        "audit_port_t", "rsh_port_t", "syslogd_port_t", "syslog_tls_port_t")
    firewall = state["firewall"]
    assert firewall["running"] and firewall["default_zone"] == "public"
    for config in ("runtime", "permanent"):
        assert firewall[config]["public"] == {"services": ["ssh", "dhcpv6-client", "cockpit"],
                                              "ports": [], "rich_rules": []}
    assert state["missing_commands"] == (["service"] if os_name == "almalinux-10" else [])
    assert state["log"] == [] and state["fail"] == []


def test_stock_directories_and_krb5_conf(demo):
    _, root = demo
    assert mode_of(root / "var/log/audit") == 0o700
    assert (root / "etc/audit/rules.d/audit.rules").read_text().startswith("##")
    krb5 = read(root, "etc/krb5.conf")
    assert "#    default_realm = EXAMPLE.COM" in krb5
    assert not any(line.strip().startswith("default_realm") for line in krb5.splitlines())


def test_sandbox_marker(tmp_path):
    assert sandbox_marker(make_demo_root(tmp_path / "a")) is True
    assert sandbox_marker(tmp_path) is False


def test_unknown_os_is_refused(tmp_path):
    with pytest.raises(ValueError, match="almalinux-8, almalinux-9, almalinux-10"):
        make_demo_root(tmp_path / "x", "ubuntu-24.04")


def test_packaged_file_by_version():
    assert key_values(packaged_file("3.0.7-103.el9", "/etc/audit/auditd.conf"))["q_depth"] == "1200"
    assert key_values(packaged_file("4.0.3-1.el10", "/etc/audit/auditd.conf"))["q_depth"] == "2000"
    assert packaged_file("3.1.5-8.el9", "/etc/audit/nothing.conf") is None


def test_broken_root_has_the_guides_mistakes(tmp_path):
    root = make_demo_root(tmp_path / "b", "almalinux-9", broken=True)
    state = load_state(root)
    assert "audispd-plugins" in state["packages"]
    auditd = key_values(read(root, "etc/audit/auditd.conf"))
    assert auditd["log_format"] == "RAW" and auditd["enable_krb5"] == "no"
    plugin = key_values(read(root, "etc/audit/plugins.d/au-remote.conf"))
    assert plugin["type"] == "builtin" and plugin["active"] == "yes"
    assert key_values(read(root, "etc/audit/plugins.d/au-remote.conf~")) == AU_REMOTE
    assert key_values(read(root, "etc/audit/plugins.d/audisp-remote.conf"))["type"] == "builtin"
    remote = key_values(read(root, "etc/audit/audisp-remote.conf"))
    assert remote["format"] == "encrypted" and remote["remote_server"] == ""
    assert remote["network_failure_action"] == "stop"
    assert key_values(read(root, "etc/audisp/audisp-remote.conf"))["format"] == "ascii"
    assert "60/tcp" in state["firewall"]["permanent"]["public"]["ports"]


def test_every_os_choice_builds(tmp_path):
    for os_name in OS_CHOICES:
        assert sandbox_marker(make_demo_root(tmp_path / os_name, os_name))
