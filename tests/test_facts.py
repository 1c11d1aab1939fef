"""gather_facts and Layout: versions, paths, restart commands, refused hosts."""
import pytest

from backends.host import Host
from backends.simulated import load_state, save_state
from wizard.facts import Layout, UnsupportedHost, gather_facts, parse_os_release
from wizard.sandbox import make_demo_root

EL7_OS_RELEASE = '''NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
'''
DEBIAN_OS_RELEASE = '''PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
ID=debian
'''


def facts_for(tmp_path, os_name):
    return gather_facts(Host.for_root(make_demo_root(tmp_path / os_name, os_name)))


@pytest.mark.parametrize("os_name, version, major, name, has_service", [
    ("almalinux-8", "3.1.2-1.el8", 8, "AlmaLinux 8.10 (Cerulean Leopard)", True),
    ("almalinux-9", "3.1.5-8.el9", 9, "AlmaLinux 9.6 (Sage Margay)", True),
    ("almalinux-10", "4.0.3-1.el10", 10, "AlmaLinux 10.0 (Purple Lion)", False),
])
def test_demo_roots_give_version_os_and_host_state(tmp_path, os_name, version, major, name, has_service):
    facts = facts_for(tmp_path, os_name)
    assert facts.audit_version == version
    assert facts.os_id == "almalinux" and facts.os_major == major and facts.os_name == name
    assert facts.has_service is has_service
    assert facts.selinux_mode == "Enforcing"
    assert facts.firewalld_running is True
    assert facts.audispd_plugins_installed is False
    assert facts.rsyslog_installed is True
    assert facts.hostname == f"alma{major}.example.com" == facts.fqdn


@pytest.mark.parametrize("os_name", ["almalinux-8", "almalinux-9", "almalinux-10"])
def test_layout_paths_are_the_el8_plus_ones(tmp_path, os_name):
    layout = facts_for(tmp_path, os_name).layout
    assert layout.auditd_conf == "/etc/audit/auditd.conf"
    assert layout.plugin_dir == "/etc/audit/plugins.d"
    assert layout.au_remote_conf == "/etc/audit/plugins.d/au-remote.conf"
    assert layout.audisp_remote_conf == "/etc/audit/audisp-remote.conf"
    assert layout.syslog_plugin_conf == "/etc/audit/plugins.d/syslog.conf"
    assert layout.audisp_remote_bin == "/sbin/audisp-remote"
    assert layout.plugin_type == "always"
    assert layout.supports_signal_words is True
    assert layout.supports_tls_psk is False
    assert "tls_psk_file" not in layout.audisp_remote_keys
    assert {"local_port", "krb5_principal", "krb5_client_name", "krb5_key_file",
            "enable_krb5", "transport"} <= layout.audisp_remote_keys
    assert {"tcp_listen_port", "tcp_client_ports", "krb5_key_file", "name",
            "name_format", "q_depth"} <= layout.auditd_conf_keys
    assert "format" not in layout.auditd_conf_keys


@pytest.mark.parametrize("os_name, commands", [
    ("almalinux-8", [["service", "auditd", "restart"]]),
    ("almalinux-9", [["service", "auditd", "restart"]]),
    ("almalinux-10", [["auditctl", "--signal", "stop"], ["systemctl", "start", "auditd"]]),
])
def test_restart_commands_never_use_systemctl_restart(tmp_path, os_name, commands):
    facts = facts_for(tmp_path, os_name)
    assert facts.layout.restart_commands() == commands
    assert facts.layout.restart_commands(facts.has_service) == commands
    assert all(argv[:2] != ["systemctl", "restart"] for argv in commands)


def test_audit_3_0_7_without_service_stops_with_term(tmp_path):
    root = make_demo_root(tmp_path / "el92", "almalinux-9.2")
    state = load_state(root)
    state["missing_commands"] = ["service"]
    save_state(root, state)
    facts = gather_facts(Host.for_root(root))
    assert facts.audit_version == "3.0.7-103.el9"
    assert facts.layout.supports_signal_words is False
    assert facts.layout.restart_commands() == [["auditctl", "--signal", "TERM"], ["systemctl", "start", "auditd"]]


def test_restart_commands_follow_the_argument_over_the_layout_default():
    layout = Layout(audit_version="4.0.3-1.el10", has_service=False)
    assert layout.restart_commands(True) == [["service", "auditd", "restart"]]
    assert Layout(audit_version="3.1.5-8.el9").restart_commands(False)[0] == ["auditctl", "--signal", "stop"]


def test_tls_keys_only_from_audit_4_2():
    old, new = Layout(audit_version="4.0.3-1.el10"), Layout(audit_version="4.2.1-1.fc44")
    assert new.supports_tls_psk and not old.supports_tls_psk
    assert "tls_psk_file" in new.audisp_remote_keys and "tls_psk_file" not in old.audisp_remote_keys
    assert "report_interval" in new.auditd_conf_keys and "report_interval" not in old.auditd_conf_keys
    assert new.remote_transports == ("tcp", "krb5", "tls") and old.remote_transports == ("tcp", "krb5")


def test_keys_for_picks_the_table_by_path():
    layout = Layout(audit_version="3.1.5-8.el9")
    assert layout.keys_for("/etc/audit/plugins.d/syslog.conf") == {"active", "direction", "path", "type", "args", "format"}
    assert "remote_server" in layout.keys_for("/etc/audit/audisp-remote.conf")
    assert layout.keys_for("/etc/krb5.conf") is None


def test_el7_is_refused_with_a_clear_message(tmp_path):
    root = make_demo_root(tmp_path / "el7", "almalinux-9")
    (root / "etc" / "os-release").write_text(EL7_OS_RELEASE)
    with pytest.raises(UnsupportedHost) as caught:
        gather_facts(Host.for_root(root))
    assert str(caught.value).startswith("EL7 (audit 2.8) is not supported: CentOS Linux 7 (Core)")


def test_debian_is_refused_with_a_clear_message(tmp_path):
    root = make_demo_root(tmp_path / "deb", "almalinux-9")
    (root / "etc" / "os-release").write_text(DEBIAN_OS_RELEASE)
    with pytest.raises(UnsupportedHost) as caught:
        gather_facts(Host.for_root(root))
    assert str(caught.value).startswith("Debian GNU/Linux 12 (bookworm) is not supported:")
    assert "AlmaLinux" in str(caught.value)


def test_missing_os_release_and_missing_audit_are_refused(tmp_path):
    root = make_demo_root(tmp_path / "x", "almalinux-9")
    state = load_state(root)
    state["available"]["audit"] = state["packages"].pop("audit")
    save_state(root, state)
    with pytest.raises(UnsupportedHost, match="the audit package is not installed"):
        gather_facts(Host.for_root(root))
    (root / "etc" / "os-release").unlink()
    with pytest.raises(UnsupportedHost, match="/etc/os-release is missing"):
        gather_facts(Host.for_root(root))


@pytest.mark.parametrize("os_id, version", [("rhel", "9.4"), ("rocky", "8.10"), ("ol", "10.0"), ("centos", "9")])
def test_other_el_rebuilds_are_accepted(tmp_path, os_id, version):
    root = make_demo_root(tmp_path / os_id, "almalinux-9")
    (root / "etc" / "os-release").write_text(f'ID="{os_id}"\nVERSION_ID="{version}"\nPRETTY_NAME="X {version}"\n')
    facts = gather_facts(Host.for_root(root))
    assert facts.os_id == os_id and facts.os_major == int(version.split(".")[0])


def test_fedora_is_refused(tmp_path):
    root = make_demo_root(tmp_path / "fc", "almalinux-9")
    (root / "etc" / "os-release").write_text('ID=fedora\nVERSION_ID=9\nNAME="Fedora Linux"\n')
    with pytest.raises(UnsupportedHost, match="Fedora Linux is not supported"):
        gather_facts(Host.for_root(root))


def test_missing_getenforce_means_disabled_and_stopped_firewalld(tmp_path):
    root = make_demo_root(tmp_path / "x", "almalinux-9")
    state = load_state(root)
    state["missing_commands"] = ["getenforce"]
    state["firewall"]["running"] = False
    save_state(root, state)
    facts = gather_facts(Host.for_root(root))
    assert facts.selinux_mode == "Disabled"
    assert facts.firewalld_running is False


def test_parse_os_release_unquotes_values():
    values = parse_os_release('ID="almalinux"\nID_LIKE="rhel centos fedora"\n# comment\nVERSION_ID=9.6\n')
    assert values == {"ID": "almalinux", "ID_LIKE": "rhel centos fedora", "VERSION_ID": "9.6"}


def test_a_plain_directory_is_refused_with_the_reason(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_text('ID="almalinux"\nVERSION_ID="9.6"\n')
    with pytest.raises(UnsupportedHost, match="cannot ask rpm .* is not a sandbox root"):
        gather_facts(Host.for_root(tmp_path))
