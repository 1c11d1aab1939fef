"""SimulatedRunner: every emulated argv form, failure injection, RefuseManualStop, packages."""
import json
import os
import stat

import pytest

from backends.runner import CommandError
from backends.simulated import FAIL_ENV_VAR, SimulatedRunner, load_state, save_state
from wizard.sandbox import make_demo_root

QF = "%{VERSION}-%{RELEASE}\\n"


@pytest.fixture
def root(tmp_path):
    return make_demo_root(tmp_path / "root", "almalinux-9")


@pytest.fixture
def runner(root):
    return SimulatedRunner(root)


def edit_state(root, change):
    state = load_state(root)
    change(state)
    save_state(root, state)


# ------------------------------------------------------------------ rpm
def test_rpm_queryformat_prints_version_release(runner):
    result = runner.run(["rpm", "-q", "--qf", QF, "audit"])
    assert result.stdout == "3.1.5-8.el9\n"
    assert result.exit_code == 0


def test_rpm_queryformat_missing_package_exits_1_and_says_so(runner):
    with pytest.raises(CommandError) as caught:
        runner.run(["rpm", "-q", "--qf", QF, "audit", "audispd-plugins"])
    assert caught.value.exit_code == 1
    assert caught.value.stdout == "3.1.5-8.el9\npackage audispd-plugins is not installed\n"
    result = runner.run(["rpm", "-q", "--qf", QF, "audispd-plugins"], ok_codes=(0, 1))
    assert result.stdout == "package audispd-plugins is not installed\n"


def test_rpm_exits_with_the_number_of_packages_not_installed(runner):
    names = ["audit", "audispd-plugins", "rsyslog-gnutls", "rsyslog-openssl", "krb5-workstation"]
    result = runner.run(["rpm", "-q", "--qf", QF, *names], ok_codes=range(256))
    assert result.exit_code == 4   # as the real rpm 4.18 does
    assert result.stdout.splitlines()[0] == "3.1.5-8.el9"


def test_probe_reads_the_installed_packages_when_several_are_missing(runner):
    from wizard.probe import read_packages
    installed = read_packages(runner)
    assert installed == {"audit": "3.1.5-8.el9", "rsyslog": "8.2412.0-1.el9"}


def test_rpm_q_prints_full_names_with_arch(runner):
    result = runner.run(["rpm", "-q", "audit", "firewalld"])
    assert result.stdout == "audit-3.1.5-8.el9.x86_64\nfirewalld-1.3.4-9.el9_5.noarch\n"


# ------------------------------------------------------------------ dnf
def test_dnf_install_moves_package_and_writes_its_files(root, runner):
    result = runner.run(["dnf", "install", "-y", "audispd-plugins"])
    assert "audispd-plugins-3.1.5-8.el9.x86_64" in result.stdout
    state = load_state(root)
    assert state["packages"]["audispd-plugins"] == "3.1.5-8.el9"
    assert "audispd-plugins" not in state["available"]
    binary = root / "sbin" / "audisp-remote"
    assert binary.is_file()
    assert stat.S_IMODE(os.stat(binary).st_mode) == 0o750
    conf = root / "etc" / "audit" / "plugins.d" / "au-remote.conf"
    assert conf.read_text() == state["package_files"]["audispd-plugins"]["etc/audit/plugins.d/au-remote.conf"]["content"]
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o640
    spool = root / "var" / "spool" / "audit"
    assert spool.is_dir() and stat.S_IMODE(os.stat(spool).st_mode) == 0o700


def test_dnf_remove_deletes_the_files_and_keeps_edited_config_as_rpmsave(root, runner):
    runner.run(["dnf", "install", "-y", "audispd-plugins"])
    edited = root / "etc" / "audit" / "audisp-remote.conf"
    edited.write_text("remote_server = logs.example.com\n")
    result = runner.run(["dnf", "remove", "-y", "audispd-plugins"])
    assert "saved as /etc/audit/audisp-remote.conf.rpmsave" in result.stderr
    assert not (root / "sbin" / "audisp-remote").exists()
    assert not (root / "etc" / "audit" / "plugins.d" / "au-remote.conf").exists()
    assert not (root / "var" / "spool" / "audit").exists()
    assert (root / "etc" / "audit" / "audisp-remote.conf.rpmsave").read_text() == "remote_server = logs.example.com\n"
    state = load_state(root)
    assert "audispd-plugins" in state["available"] and "audispd-plugins" not in state["packages"]


def test_dnf_install_keeps_an_existing_config_and_writes_rpmnew(root, runner):
    own = root / "etc" / "audit" / "audisp-remote.conf"
    own.write_text("remote_server = mine\n")
    result = runner.run(["dnf", "install", "-y", "audispd-plugins"])
    assert own.read_text() == "remote_server = mine\n"
    assert (root / "etc" / "audit" / "audisp-remote.conf.rpmnew").is_file()
    assert "created as /etc/audit/audisp-remote.conf.rpmnew" in result.stderr


def test_dnf_install_unknown_package_fails_and_changes_nothing(root, runner):
    with pytest.raises(CommandError) as caught:
        runner.run(["dnf", "install", "-y", "audispd-plugins", "no-such-thing"])
    assert caught.value.exit_code == 1
    assert "Unable to find a match: no-such-thing" in str(caught.value)
    assert "audispd-plugins" not in load_state(root)["packages"]


def test_dnf_install_already_installed_is_nothing_to_do(runner):
    result = runner.run(["dnf", "install", "-y", "rsyslog"])
    assert "is already installed" in result.stdout and "Nothing to do." in result.stdout


def test_dnf_without_assume_yes_aborts(runner):
    with pytest.raises(CommandError) as caught:
        runner.run(["dnf", "install", "rsyslog-gnutls"])
    assert "Operation aborted." in caught.value.stderr


# ------------------------------------------------------------------ systemctl / service / auditctl
def test_systemctl_is_active_and_is_enabled_exit_codes(root, runner):
    assert runner.run(["systemctl", "is-active", "auditd"]).stdout == "active\n"
    assert runner.run(["systemctl", "is-enabled", "auditd"]).stdout == "enabled\n"
    edit_state(root, lambda s: s["services"]["rsyslog"].update(active=False, enabled=False))
    inactive = runner.run(["systemctl", "is-active", "rsyslog"], ok_codes=(0, 3))
    assert (inactive.exit_code, inactive.stdout) == (3, "inactive\n")
    disabled = runner.run(["systemctl", "is-enabled", "rsyslog"], ok_codes=(0, 1))
    assert (disabled.exit_code, disabled.stdout) == (1, "disabled\n")


@pytest.mark.parametrize("verb", ["stop", "restart"])
def test_systemctl_stop_and_restart_of_auditd_are_refused_like_systemd(root, runner, verb):
    with pytest.raises(CommandError) as caught:
        runner.run(["systemctl", verb, "auditd"])
    assert caught.value.exit_code == 1
    assert caught.value.stderr.startswith(
        f"Failed to {verb} auditd.service: Operation refused, unit auditd.service may be requested "
        "by dependency only (it is configured to refuse manual start/stop).\n")
    assert load_state(root)["services"]["auditd"]["active"] is True


def test_systemctl_enable_disable_start_stop_restart_of_other_units(root, runner):
    edit_state(root, lambda s: s["services"]["rsyslog"].update(active=False, enabled=False))
    runner.run(["systemctl", "enable", "--now", "rsyslog"])
    assert load_state(root)["services"]["rsyslog"]["enabled"] is True
    assert load_state(root)["services"]["rsyslog"]["active"] is True
    runner.run(["systemctl", "restart", "rsyslog"])
    assert load_state(root)["services"]["rsyslog"]["restarts"] == 1
    runner.run(["systemctl", "stop", "rsyslog"])
    runner.run(["systemctl", "disable", "rsyslog"])
    assert load_state(root)["services"]["rsyslog"] == {"enabled": False, "active": False,
                                                      "restarts": 1, "starts": 1}
    runner.run(["systemctl", "start", "rsyslog.service"])
    assert load_state(root)["services"]["rsyslog"]["active"] is True


def test_systemctl_unknown_unit(runner):
    with pytest.raises(CommandError) as caught:
        runner.run(["systemctl", "enable", "nosuch"])
    assert "Unit file nosuch.service does not exist" in str(caught.value)


def test_stopping_firewalld_stops_the_firewall(root, runner):
    runner.run(["systemctl", "stop", "firewalld"])
    assert load_state(root)["firewall"]["running"] is False
    assert runner.run(["firewall-cmd", "--state"], ok_codes=(0, 252)).exit_code == 252


def test_service_auditd_restart_counts_a_restart(root, runner):
    runner.run(["service", "auditd", "restart"])
    auditd = load_state(root)["services"]["auditd"]
    assert auditd["restarts"] == 1 and auditd["active"] is True


def test_service_is_missing_on_el10(tmp_path):
    runner = SimulatedRunner(make_demo_root(tmp_path / "el10", "almalinux-10"))
    assert runner.has_command("service") is False
    assert runner.has_command("auditctl") is True
    with pytest.raises(CommandError) as caught:
        runner.run(["service", "auditd", "restart"])
    assert caught.value.exit_code == 127


def test_auditctl_signal_stop_then_systemctl_start(root, runner):
    runner.run(["auditctl", "--signal", "stop"])
    assert runner.run(["systemctl", "is-active", "auditd"], ok_codes=(0, 3)).stdout == "inactive\n"
    assert "pid 0\n" in runner.run(["auditctl", "-s"]).stdout
    runner.run(["systemctl", "start", "auditd"])
    status = runner.run(["auditctl", "-s"]).stdout
    assert status.startswith("enabled 1\n") and "pid 0\n" not in status


def test_auditctl_signal_stop_needs_audit_3_1_1_but_term_works(tmp_path):
    runner = SimulatedRunner(make_demo_root(tmp_path / "el92", "almalinux-9.2"))
    with pytest.raises(CommandError) as caught:
        runner.run(["auditctl", "--signal", "stop"])
    assert "Unknown signal stop" in str(caught.value)
    runner.run(["auditctl", "--signal", "TERM"])
    assert load_state(runner.root)["services"]["auditd"]["active"] is False


def test_auditctl_m_records_the_message(root, runner):
    runner.run(["auditctl", "-m", "auditd-wizard test 1234"])
    assert load_state(root)["audit_messages"] == ["auditd-wizard test 1234"]


# ------------------------------------------------------------------ SELinux
def test_getenforce(root, runner):
    assert runner.run(["getenforce"]).stdout == "Enforcing\n"
    edit_state(root, lambda s: s["selinux"].update(mode="Permissive"))
    assert runner.run(["getenforce"]).stdout == "Permissive\n"


def test_semanage_port_list_format(runner):
    listing = runner.run(["semanage", "port", "-l"]).stdout
    assert "audit_port_t                   tcp      60\n" in listing
    assert "syslog_tls_port_t              tcp      6514" in listing


def test_semanage_add_on_typed_port_fails_modify_works_delete_restores(root, runner):
    with pytest.raises(CommandError) as caught:
        runner.run(["semanage", "port", "-a", "-t", "audit_port_t", "-p", "tcp", "514"])
    assert "Port tcp/514 already defined" in str(caught.value)
    runner.run(["semanage", "port", "-m", "-t", "audit_port_t", "-p", "tcp", "514"])
    assert load_state(root)["selinux"]["local_ports"] == [{"port": "tcp/514", "type": "audit_port_t"}]
    # local entries first, as the real semanage lists them
    assert "audit_port_t                   tcp      514, 60\n" in runner.run(["semanage", "port", "-l"]).stdout
    runner.run(["semanage", "port", "-d", "-p", "tcp", "514"])
    assert load_state(root)["selinux"]["local_ports"] == []


def test_semanage_add_untyped_then_delete(root, runner):
    assert runner.run(["semanage", "port", "-l", "-C"]).stdout == ""    # no local entries: nothing
    runner.run(["semanage", "port", "-a", "-t", "audit_port_t", "-p", "tcp", "8060"])
    assert runner.run(["semanage", "port", "-l", "-C"]).stdout == (
        "SELinux Port Type              Proto    Port Number\n\n"
        "audit_port_t                   tcp      8060\n")
    runner.run(["semanage", "port", "-d", "-t", "audit_port_t", "-p", "tcp", "8060"])
    assert load_state(root)["selinux"]["local_ports"] == []


def test_semanage_modify_untyped_and_delete_policy_port_fail(runner):
    with pytest.raises(CommandError) as untyped:
        runner.run(["semanage", "port", "-m", "-t", "audit_port_t", "-p", "tcp", "8061"])
    assert "Port tcp/8061 is not defined" in str(untyped.value)
    with pytest.raises(CommandError) as policy:
        runner.run(["semanage", "port", "-d", "-p", "tcp", "60"])
    assert "defined in policy, cannot be deleted" in str(policy.value)


def test_restorecon_is_a_no_op(root, runner):
    before = (root / "etc" / "audit" / "auditd.conf").read_text()
    assert runner.run(["restorecon", "-v", "/etc/audit/auditd.conf"]).exit_code == 0
    assert (root / "etc" / "audit" / "auditd.conf").read_text() == before


# ------------------------------------------------------------------ firewalld
def test_firewall_state_running_and_not_running(root, runner):
    assert runner.run(["firewall-cmd", "--state"]).stdout == "running\n"
    edit_state(root, lambda s: s["firewall"].update(running=False))
    with pytest.raises(CommandError) as caught:
        runner.run(["firewall-cmd", "--state"])
    assert caught.value.exit_code == 252
    with pytest.raises(CommandError) as other:
        runner.run(["firewall-cmd", "--get-default-zone"])
    assert other.value.exit_code == 252


def test_firewall_ports_runtime_and_permanent_and_reload(root, runner):
    assert runner.run(["firewall-cmd", "--get-default-zone"]).stdout == "public\n"
    runner.run(["firewall-cmd", "--permanent", "--add-port=60/tcp"])
    assert runner.run(["firewall-cmd", "--query-port=60/tcp"], ok_codes=(0, 1)).stdout == "no\n"
    assert runner.run(["firewall-cmd", "--permanent", "--zone=public", "--query-port=60/tcp"]).stdout == "yes\n"
    runner.run(["firewall-cmd", "--reload"])
    assert runner.run(["firewall-cmd", "--query-port=60/tcp"]).stdout == "yes\n"
    again = runner.run(["firewall-cmd", "--add-port=60/tcp"])
    assert "ALREADY_ENABLED" in again.stderr
    runner.run(["firewall-cmd", "--remove-port=60/tcp"])
    runner.run(["firewall-cmd", "--permanent", "--remove-port=60/tcp"])
    firewall = load_state(root)["firewall"]
    assert firewall["runtime"]["public"]["ports"] == [] and firewall["permanent"]["public"]["ports"] == []
    assert firewall["runtime"]["public"]["services"] == ["ssh", "dhcpv6-client", "cockpit"]


def test_firewall_rich_rules(runner):
    rule = 'rule family="ipv4" source address="192.0.2.7" port port="60" protocol="tcp" accept'
    runner.run(["firewall-cmd", "--permanent", "--zone=public", f"--add-rich-rule={rule}"])
    assert runner.run(["firewall-cmd", "--permanent", f"--query-rich-rule={rule}"]).stdout == "yes\n"
    assert runner.run(["firewall-cmd", f"--query-rich-rule={rule}"], ok_codes=(0, 1)).exit_code == 1
    runner.run(["firewall-cmd", "--permanent", f"--remove-rich-rule={rule}"])
    assert runner.run(["firewall-cmd", "--permanent", f"--query-rich-rule={rule}"], ok_codes=(0, 1)).stdout == "no\n"


def test_firewall_bad_zone_and_port(runner):
    with pytest.raises(CommandError) as zone:
        runner.run(["firewall-cmd", "--zone=nosuch", "--add-port=60/tcp"])
    assert "INVALID_ZONE" in str(zone.value)
    with pytest.raises(CommandError) as port:
        runner.run(["firewall-cmd", "--add-port=70000/tcp"])
    assert "INVALID_PORT" in str(port.value)


# ------------------------------------------------------------------ misc, log, failures
def test_hostname_and_fqdn(root, runner):
    assert runner.run(["hostname"]).stdout == "alma9.example.com\n"
    edit_state(root, lambda s: s.update(fqdn="alma9.corp.example.com"))
    assert runner.run(["hostname", "-f"]).stdout == "alma9.corp.example.com\n"


def test_unknown_program_and_form_are_not_simulated(runner):
    for argv in (["telnet", "logs.example.com", "60"], ["systemctl", "mask", "auditd", "now"]):
        with pytest.raises(CommandError) as caught:
            runner.run(argv)
        assert caught.value.exit_code == 127
        assert "not simulated" in str(caught.value)


def test_every_command_is_logged_in_order_even_failures(root, runner):
    runner.run(["getenforce"])
    with pytest.raises(CommandError):
        runner.run(["systemctl", "restart", "auditd"])
    assert load_state(root)["log"] == [["getenforce"], ["systemctl", "restart", "auditd"]]


def test_state_rule_fails_matching_prefix_and_counts_down(root, runner):
    edit_state(root, lambda s: s["fail"].append(
        {"argv": ["dnf", "install"], "exit_code": 1, "stderr": "Curl error (6): could not resolve host", "times": 1}))
    with pytest.raises(CommandError) as caught:
        runner.run(["dnf", "install", "-y", "audispd-plugins"])
    assert str(caught.value) == ("`dnf install -y audispd-plugins` failed (exit 1): "
                                 "Curl error (6): could not resolve host")
    assert "audispd-plugins" not in load_state(root)["packages"]
    assert load_state(root)["fail"] == []
    runner.run(["dnf", "install", "-y", "audispd-plugins"])
    assert "audispd-plugins" in load_state(root)["packages"]


def test_state_rule_without_times_always_fails_and_others_pass(root, runner):
    edit_state(root, lambda s: s["fail"].append({"argv": ["semanage", "port", "-a"], "exit_code": 3}))
    for _ in range(2):
        with pytest.raises(CommandError) as caught:
            runner.run(["semanage", "port", "-a", "-t", "audit_port_t", "-p", "tcp", "8060"])
        assert caught.value.exit_code == 3
    assert runner.run(["semanage", "port", "-l"]).exit_code == 0


def test_environment_variable_injects_a_failure(runner, monkeypatch):
    monkeypatch.setenv(FAIL_ENV_VAR, "dnf install; firewall-cmd --reload")
    with pytest.raises(CommandError) as caught:
        runner.run(["dnf", "install", "-y", "audispd-plugins"])
    assert "injected failure" in str(caught.value)
    with pytest.raises(CommandError):
        runner.run(["firewall-cmd", "--reload"])
    assert runner.run(["dnf", "remove", "-y", "rsyslog"]).exit_code == 0


def test_state_file_is_replaced_atomically_and_stays_valid_json(root, runner):
    path = root / ".sandbox" / "state.json"
    inode = os.stat(path).st_ino
    runner.run(["getenforce"])
    assert os.stat(path).st_ino != inode  # a new file renamed over the old one
    json.loads(path.read_text())
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_runner_outside_a_sandbox_refuses(tmp_path):
    with pytest.raises(CommandError) as caught:
        SimulatedRunner(tmp_path).run(["getenforce"])
    assert "is not a sandbox root" in str(caught.value)


def test_lab_ca_applies_with_real_openssl_under_the_root_and_rolls_back(tmp_path):
    """The demo's lab CA is made by the real openssl with paths moved under the sandbox root;
    its certificates are readable by the wizard's checks, and a rollback removes them all."""
    import shutil
    if shutil.which("openssl") is None and os.environ.get("CI") != "true":
        pytest.skip("openssl is not installed on this machine")
    from wizard.sandbox import make_demo_root
    from wizard.session import Session
    from wizard.tls import certificate_names
    root = make_demo_root(tmp_path / "root", "almalinux-9")
    answers = tmp_path / "a.toml"
    answers.write_text('role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                       'lab_certificates = true\npeer_names = ["sender01.example.com"]\n')
    session = Session.open(str(root), str(answers))
    result = session.apply()
    assert result.ok, result.error
    names = certificate_names((root / "etc/pki/rsyslog/lab/sender01.example.com.pem").read_bytes())
    assert "sender01.example.com" in names
    assert session.rollback(result.tx_id).ok
    assert not (root / "etc/pki/rsyslog/lab/ca-key.pem").exists()
