"""What the host is: OS, audit version and the file layout that goes with it, SELinux,
firewalld, hostname. Sources: shared/reference/audit-facts.md §0, §1, §3."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from backends.runner import CommandError
from wizard.event_rate import EventRate, read_event_rate

Version = Tuple[int, ...]

SUPPORTED_IDS = ("almalinux", "rhel", "rocky", "ol", "centos")
SUPPORTED_MAJORS = (8, 9, 10)
SIGNAL_WORDS_SINCE: Version = (3, 1, 1)   # auditctl --signal stop|reload|...
TLS_PSK_SINCE: Version = (4, 2)           # transport = tls in audisp-remote / auditd
CONF_SUFFIX_SINCE: Version = (4, 0, 3)    # plugins.d: a dotted name must end in .conf

# Keys each parser accepts (keyword tables of auditd-config.c / remote-config.c, identical
# from 3.0.7 to 4.0.x). An unknown key makes auditd / audisp-remote refuse the whole file.
AUDITD_CONF_KEYS_3: FrozenSet[str] = frozenset("""
    local_events write_logs log_file log_format log_group priority_boost flush freq num_logs
    name_format name max_log_file max_log_file_action space_left space_left_action
    action_mail_acct verify_email admin_space_left admin_space_left_action disk_full_action
    disk_error_action tcp_listen_port tcp_listen_queue tcp_max_per_addr use_libwrap
    tcp_client_ports tcp_client_max_idle transport enable_krb5 krb5_principal krb5_key_file
    distribute_network q_depth overflow_action max_restarts plugin_dir end_of_event_timeout
    dispatcher disp_qos""".split())
AUDITD_CONF_KEYS_42 = AUDITD_CONF_KEYS_3 | frozenset("""
    report_interval tls_auth tls_crypto_profile tls_psk_file tls_psk_identity
    tls_allowed_clients tls_cipher_suites tls_key_exchange tls_require_pqc""".split())
AUDISP_REMOTE_KEYS_3: FrozenSet[str] = frozenset("""
    remote_server port local_port transport mode queue_file queue_depth format
    network_retry_time max_tries_per_record max_time_per_record heartbeat_timeout enable_krb5
    krb5_principal krb5_client_name krb5_key_file network_failure_action disk_low_action
    disk_full_action disk_error_action remote_ending_action generic_error_action
    generic_warning_action queue_error_action overflow_action startup_failure_action""".split())
AUDISP_REMOTE_KEYS_42 = AUDISP_REMOTE_KEYS_3 | frozenset("""
    tls_auth tls_crypto_profile tls_psk_file tls_psk_identity tls_cipher_suites
    tls_key_exchange tls_require_pqc""".split())
PLUGIN_KEYS: FrozenSet[str] = frozenset(("active", "direction", "path", "type", "args", "format"))


class UnsupportedHost(Exception):
    """The wizard cannot configure this host; str() says why and what to do instead."""


def parse_version(text: str) -> Version:
    """"3.1.5-8.el9" -> (3, 1, 5); "3.0-0.17.20191104git1c2f876.el8" -> (3, 0)."""
    upstream = text.strip().split("-")[0]
    return tuple(int(n) for n in re.findall(r"\d+", upstream))


@dataclass(frozen=True)
class Layout:
    """Paths, plugin type, accepted keys and restart commands for one audit version (EL8+)."""
    audit_version: str
    has_service: bool = True
    auditd_conf: str = "/etc/audit/auditd.conf"
    plugin_dir: str = "/etc/audit/plugins.d"
    au_remote_conf: str = "/etc/audit/plugins.d/au-remote.conf"
    audisp_remote_conf: str = "/etc/audit/audisp-remote.conf"
    syslog_plugin_conf: str = "/etc/audit/plugins.d/syslog.conf"
    af_unix_conf: str = "/etc/audit/plugins.d/af_unix.conf"
    audisp_remote_bin: str = "/sbin/audisp-remote"
    audisp_syslog_bin: str = "/sbin/audisp-syslog"
    plugin_type: str = "always"
    client_keytab: str = "/etc/audit/audisp-remote.key"
    server_keytab: str = "/etc/audit/audit.key"
    spool_dir: str = "/var/spool/audit"
    log_dir: str = "/var/log/audit"
    rsyslog_dropin_dir: str = "/etc/rsyslog.d"

    @property
    def version(self) -> Version:
        return parse_version(self.audit_version)

    @property
    def supports_signal_words(self) -> bool:
        return self.version >= SIGNAL_WORDS_SINCE

    @property
    def supports_tls_psk(self) -> bool:
        return self.version >= TLS_PSK_SINCE

    @property
    def plugins_need_conf_suffix(self) -> bool:
        """audit 4.0.3 and later skip a plugins.d entry that is not a regular file or whose name
        has a dot but does not end in .conf (audisp/audispd.c load_plugin_conf, upstream
        commit 9ff73df0); before, every non-hidden name with at most one dot is loaded."""
        return self.version >= CONF_SUFFIX_SINCE

    @property
    def remote_transports(self) -> Tuple[str, ...]:
        return ("tcp", "krb5", "tls") if self.supports_tls_psk else ("tcp", "krb5")

    @property
    def auditd_conf_keys(self) -> FrozenSet[str]:
        return AUDITD_CONF_KEYS_42 if self.supports_tls_psk else AUDITD_CONF_KEYS_3

    @property
    def audisp_remote_keys(self) -> FrozenSet[str]:
        return AUDISP_REMOTE_KEYS_42 if self.supports_tls_psk else AUDISP_REMOTE_KEYS_3

    @property
    def plugin_keys(self) -> FrozenSet[str]:
        return PLUGIN_KEYS

    def keys_for(self, path: str) -> Optional[FrozenSet[str]]:
        """The keys the file at `path` accepts, or None when it is not an audit key=value file."""
        if path == self.auditd_conf:
            return self.auditd_conf_keys
        if path == self.audisp_remote_conf:
            return self.audisp_remote_keys
        if path.startswith(self.plugin_dir + "/"):
            return self.plugin_keys
        return None

    def config_files(self) -> List[str]:
        """The audit files the planner reads and may change."""
        return [self.auditd_conf, self.au_remote_conf, self.audisp_remote_conf, self.syslog_plugin_conf]

    def restart_commands(self, has_service: Optional[bool] = None) -> List[List[str]]:
        """How to restart auditd so audisp-remote rereads its file. Never `systemctl restart`:
        auditd.service has RefuseManualStop=yes. `service` sends the signal in the caller's
        context; without it (EL10 minimal) stop by signal, then start through systemd."""
        use_service = self.has_service if has_service is None else has_service
        if use_service:
            return [["service", "auditd", "restart"]]
        stop = "stop" if self.supports_signal_words else "TERM"
        return [["auditctl", "--signal", stop], ["systemctl", "start", "auditd"]]


@dataclass(frozen=True)
class HostFacts:
    os_id: str
    os_name: str            # PRETTY_NAME, e.g. "AlmaLinux 9.6 (Sage Margay)"
    os_version: str         # VERSION_ID, e.g. "9.6"
    os_major: int
    audit_version: str      # version-release, e.g. "3.1.5-8.el9"
    layout: Layout
    audispd_plugins_installed: bool
    rsyslog_installed: bool
    selinux_mode: str       # Enforcing | Permissive | Disabled
    firewalld_running: bool
    hostname: str
    fqdn: str
    has_service: bool
    packages: Dict[str, Optional[str]] = field(default_factory=dict)  # name -> version-release or None
    event_rate: Optional[EventRate] = None   # how many records this host's own log shows


# ------------------------------------------------------------------ os-release
def parse_os_release(text: str) -> Dict[str, str]:
    values: Dict[str, str] = {}
    for line in text.splitlines():
        key, sep, raw = line.strip().partition("=")
        if not sep or key.startswith("#"):
            continue
        try:
            parts = shlex.split(raw)
        except ValueError:
            parts = [raw.strip("\"'")]
        values[key] = parts[0] if parts else ""
    return values


def _major(version_id: str) -> Optional[int]:
    match = re.match(r"\s*(\d+)", version_id)
    return int(match.group(1)) if match else None


def check_os(release: Dict[str, str]) -> int:
    """The EL major version, or UnsupportedHost saying why the OS is refused."""
    os_id = release.get("ID", "").lower()
    like = release.get("ID_LIKE", "").lower().split()
    name = release.get("PRETTY_NAME") or release.get("NAME") or os_id or "this OS"
    major = _major(release.get("VERSION_ID", ""))
    is_el = os_id in SUPPORTED_IDS or bool({"rhel", "centos", "fedora"} & set(like))
    if not is_el or os_id == "fedora":
        raise UnsupportedHost(
            f"{name} is not supported: auditd-wizard configures AlmaLinux, RHEL, Rocky Linux, "
            f"Oracle Linux and CentOS Stream 8, 9 and 10 (ID={os_id or '?'} in /etc/os-release)")
    if major == 7:
        raise UnsupportedHost(
            f"EL7 (audit 2.8) is not supported: {name} keeps the remote plugin under /etc/audisp "
            "with a separate audispd and no transport key; configure it by hand or upgrade to EL8 or later")
    if major not in SUPPORTED_MAJORS:
        raise UnsupportedHost(
            f"{name} is not supported: auditd-wizard knows EL 8, 9 and 10 "
            f"(VERSION_ID={release.get('VERSION_ID', '?')} in /etc/os-release)")
    return major


# ------------------------------------------------------------------ commands
def package_versions(runner, names: Sequence[str]) -> Dict[str, Optional[str]]:
    """version-release of each package, None when it is not installed; CommandError when rpm
    itself fails. One rpm call for all: opening the rpm database is the slow part."""
    # rpm exits with the number of names not installed and prints "package X is not installed".
    result = runner.run(["rpm", "-q", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\\n", *names],
                        ok_codes=tuple(range(len(names) + 1)))
    found: Dict[str, str] = {}
    for line in result.stdout.splitlines():
        name, _, version = line.partition(" ")
        if name in names and version.strip():
            found.setdefault(name, version.strip())   # the first of two installed versions
    return {name: found.get(name) for name in names}


def package_version(runner, name: str) -> Optional[str]:
    return package_versions(runner, [name])[name]


def _selinux_mode(runner) -> str:
    if not runner.has_command("getenforce"):
        return "Disabled"
    try:
        mode = runner.run(["getenforce"]).stdout.strip()
    except CommandError:
        return "Disabled"
    return mode if mode in ("Enforcing", "Permissive", "Disabled") else "Disabled"


def _firewalld_running(runner) -> bool:
    if not runner.has_command("firewall-cmd"):
        return False
    try:
        return runner.run(["firewall-cmd", "--state"], ok_codes=(0, 252)).exit_code == 0
    except CommandError:
        return False


def _hostnames(host) -> Tuple[str, str]:
    fallback = (host.read_text("/etc/hostname") or "localhost").strip() or "localhost"
    names = []
    for argv in (["hostname"], ["hostname", "-f"]):
        try:
            names.append(host.runner.run(argv).stdout.strip() or fallback)
        except CommandError:
            names.append(names[0] if names else fallback)
    return names[0], names[1]


def gather_facts(host) -> HostFacts:
    """Reads os-release and asks the runner; raises UnsupportedHost for EL7, non-EL systems
    and hosts without the audit package."""
    text = host.read_text("/etc/os-release")
    if text is None:
        raise UnsupportedHost("cannot tell which OS this is: /etc/os-release is missing "
                              f"under {host.root}")
    release = parse_os_release(text)
    major = check_os(release)
    runner = host.runner
    try:
        packages = package_versions(runner, ("audit", "audispd-plugins", "rsyslog"))
    except CommandError as error:
        raise UnsupportedHost(f"cannot ask rpm which packages are installed: {error}") from None
    audit = packages["audit"]
    if audit is None:
        raise UnsupportedHost("the audit package is not installed: install it with "
                              "`dnf install -y audit` and start the wizard again")
    if parse_version(audit) < (3,):
        raise UnsupportedHost(f"audit {audit} is not supported: auditd-wizard needs audit 3.0 or later "
                              "(the /etc/audit/plugins.d layout of EL8 and newer)")
    has_service = runner.has_command("service")
    hostname, fqdn = _hostnames(host)
    return HostFacts(
        os_id=release.get("ID", "").lower(),
        os_name=release.get("PRETTY_NAME") or release.get("NAME", ""),
        os_version=release.get("VERSION_ID", ""),
        os_major=major,
        audit_version=audit,
        layout=Layout(audit_version=audit, has_service=has_service),
        audispd_plugins_installed=packages["audispd-plugins"] is not None,
        rsyslog_installed=packages["rsyslog"] is not None,
        selinux_mode=_selinux_mode(runner),
        firewalld_running=_firewalld_running(runner),
        hostname=hostname,
        fqdn=fqdn,
        has_service=has_service,
        packages=packages,
        event_rate=read_event_rate(host),
    )
