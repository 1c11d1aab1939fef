"""Demo roots: a folder that looks like a stock minimal AlmaLinux install, with a pretend
package manager, systemd, SELinux and firewalld in .sandbox/state.json (backends.simulated)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Dict, List, Optional, Union

from backends.simulated import daemon, is_sandbox_root, save_state
from backends.simulated.packages import write_package_files

DIR = "dir"


@dataclass(frozen=True)
class DemoOs:
    version_id: str
    codename: str
    dist: str            # the rpm release suffix: el8, el9, el10
    audit: str           # audit version-release
    hostname: str
    versions: Dict[str, str]   # other packages: name -> version-release
    has_service: bool = True   # EL10 minimal has no /usr/sbin/service (initscripts-service)

    @property
    def major(self) -> str:
        return self.version_id.split(".")[0]


OS_CHOICES: Dict[str, DemoOs] = {
    "almalinux-8": DemoOs("8.10", "Cerulean Leopard", "el8", "3.1.2-1.el8", "alma8.example.com", {
        "firewalld": "0.9.11-10.el8_10", "selinux-policy-targeted": "3.14.3-139.el8_10",
        "policycoreutils-python-utils": "2.9-26.el8_10", "rsyslog": "8.2102.0-15.el8_10",
        "rsyslog-gnutls": "8.2102.0-15.el8_10", "rsyslog-openssl": "8.2102.0-15.el8_10",
        "krb5-workstation": "1.18.2-30.el8_10"}),
    "almalinux-9": DemoOs("9.6", "Sage Margay", "el9", "3.1.5-8.el9", "alma9.example.com", {
        "firewalld": "1.3.4-9.el9_5", "selinux-policy-targeted": "38.1.53-5.el9_6",
        "policycoreutils-python-utils": "3.6-2.1.el9", "rsyslog": "8.2412.0-1.el9",
        "rsyslog-gnutls": "8.2412.0-1.el9", "rsyslog-openssl": "8.2412.0-1.el9",
        "krb5-workstation": "1.21.1-6.el9"}),
    "almalinux-10": DemoOs("10.0", "Purple Lion", "el10", "4.0.3-1.el10", "alma10.example.com", {
        "audit-rules": "4.0.3-1.el10", "firewalld": "2.3.0-1.el10",
        "selinux-policy-targeted": "40.13.26-1.el10", "policycoreutils-python-utils": "3.8-1.el10",
        "rsyslog": "8.2412.0-1.el10", "rsyslog-gnutls": "8.2412.0-1.el10",
        "rsyslog-openssl": "8.2412.0-1.el10", "krb5-workstation": "1.21.3-5.el10"},
        has_service=False),
    # An older point release with audit 3.0.7: `auditctl --signal` knows TERM but not "stop".
    "almalinux-9.2": DemoOs("9.2", "Turquoise Kodkod", "el9", "3.0.7-103.el9", "alma92.example.com", {
        "firewalld": "1.2.1-1.el9", "selinux-policy-targeted": "38.1.11-2.el9_2",
        "policycoreutils-python-utils": "3.5-1.el9", "rsyslog": "8.2102.0-113.el9",
        "rsyslog-gnutls": "8.2102.0-113.el9", "rsyslog-openssl": "8.2102.0-113.el9",
        "krb5-workstation": "1.20.1-8.el9"}),
}

# What a stock minimal install has; everything else listed for the OS is only available.
INSTALLED = ("audit", "audit-libs", "audit-rules", "firewalld", "selinux-policy-targeted",
             "policycoreutils-python-utils", "rsyslog")
POLICY_PORTS = {"tcp/60": "audit_port_t", "tcp/514": "rsh_port_t", "udp/514": "syslogd_port_t",
                "tcp/601": "syslogd_port_t", "udp/601": "syslogd_port_t",
                "tcp/6514": "syslog_tls_port_t", "udp/6514": "syslog_tls_port_t",
                "tcp/88": "kerberos_port_t", "udp/88": "kerberos_port_t",
                "tcp/80": "http_port_t", "tcp/443": "http_port_t"}
ZONES = ("block", "dmz", "drop", "external", "home", "internal", "public", "trusted", "work")
PUBLIC_SERVICES = ["ssh", "dhcpv6-client", "cockpit"]
PASSWD = ("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\n"
          "daemon:x:2:2:daemon:/sbin:/sbin/nologin\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n")
_STUB = "#!/bin/sh\n# Stand-in for {name} in an auditd-wizard sandbox; it does nothing.\nexit 0\n"


# ------------------------------------------------------------------ packaged files
def _fixture_set(audit_version: str) -> str:
    """3.1.2, 3.1.5 and 4.0.x ship the same default files; 3.0.x differs (q_depth, af_unix)."""
    numbers = tuple(int(n) for n in re.findall(r"\d+", audit_version.split("-")[0])[:3])
    return "3.0.7" if numbers < (3, 1) else "3.1.2"


def packaged_file(audit_version: str, abs_path: str) -> Optional[str]:
    """The text the audit packages ship at abs_path ("/etc/audit/auditd.conf") for this audit
    version, or None when they ship nothing there."""
    base = files("wizard") / "fixtures"
    relpath = abs_path.lstrip("/")
    for folder in (_fixture_set(audit_version), "common"):
        candidate = base / folder
        for part in relpath.split("/"):
            candidate = candidate / part
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return None


def _text(audit_version: str, abs_path: str) -> str:
    text = packaged_file(audit_version, abs_path)
    if text is None:  # a packaging mistake, not a user error
        raise FileNotFoundError(f"no fixture for {abs_path}")
    return text


def _conf(audit_version: str, abs_path: str, mode: int = 0o640) -> dict:
    return {"content": _text(audit_version, abs_path), "mode": mode}


def _stub(name: str, mode: int = 0o750) -> dict:
    return {"content": _STUB.format(name=name), "mode": mode}


def _package_files(spec: DemoOs) -> Dict[str, Dict[str, dict]]:
    """Which package owns which file (audit-facts.md §1b); binaries live in usr/sbin and
    /sbin is a symlink to it, as on every EL since 7."""
    audit, three_oh = spec.audit, _fixture_set(spec.audit) == "3.0.7"
    af_unix = {"etc/audit/plugins.d/af_unix.conf": _conf(audit, "/etc/audit/plugins.d/af_unix.conf")}
    rules = {"etc/audit/rules.d": {DIR: True, "mode": 0o750},
             "etc/audit/rules.d/audit.rules": _conf(audit, "/etc/audit/rules.d/audit.rules", 0o600)}
    audit_files = {
        "etc/audit": {DIR: True, "mode": 0o750},
        "etc/audit/plugins.d": {DIR: True, "mode": 0o750},
        "etc/audit/auditd.conf": _conf(audit, "/etc/audit/auditd.conf"),
        "var/log/audit": {DIR: True, "mode": 0o700},
        "usr/sbin/auditd": _stub("auditd"), "usr/sbin/auditctl": _stub("auditctl", 0o755),
    }
    plugins = {
        "etc/audit/plugins.d/au-remote.conf": _conf(audit, "/etc/audit/plugins.d/au-remote.conf"),
        "etc/audit/audisp-remote.conf": _conf(audit, "/etc/audit/audisp-remote.conf"),
        "etc/audit/plugins.d/syslog.conf": _conf(audit, "/etc/audit/plugins.d/syslog.conf"),
        "usr/sbin/audisp-remote": _stub("audisp-remote"),
        "usr/sbin/audisp-syslog": _stub("audisp-syslog"),
        "var/spool/audit": {DIR: True, "mode": 0o700},
    }
    if three_oh:
        audit_files.update(af_unix)
    else:
        plugins.update(af_unix)
        plugins["usr/sbin/audisp-af_unix"] = _stub("audisp-af_unix")
    if "audit-rules" in spec.versions:   # 4.x moved rules.d into its own package
        result = {"audit-rules": dict(rules)}
    else:
        audit_files.update(rules)
        result = {}
    result.update({
        "audit": audit_files,
        "audispd-plugins": plugins,
        "rsyslog": {"etc/rsyslog.conf": _conf(audit, "/etc/rsyslog.conf", 0o644),
                    "etc/rsyslog.d": {DIR: True, "mode": 0o755},
                    "usr/lib64/rsyslog": {DIR: True, "mode": 0o755},   # its modules' folder
                    "usr/sbin/rsyslogd": _stub("rsyslogd", 0o755)},
        "rsyslog-gnutls": {"usr/lib64/rsyslog/lmnsd_gtls.so": _stub("lmnsd_gtls.so", 0o755)},
        "rsyslog-openssl": {"usr/lib64/rsyslog/lmnsd_ossl.so": _stub("lmnsd_ossl.so", 0o755)},
        "krb5-workstation": {"usr/bin/kinit": _stub("kinit", 0o755), "usr/bin/klist": _stub("klist", 0o755),
                             "usr/bin/ktutil": _stub("ktutil", 0o755)},
    })
    return result


# ------------------------------------------------------------------ the state
def os_release(spec: DemoOs) -> str:
    pretty = f"AlmaLinux {spec.version_id} ({spec.codename})"
    return "\n".join([
        'NAME="AlmaLinux"', f'VERSION="{spec.version_id} ({spec.codename})"', 'ID="almalinux"',
        'ID_LIKE="rhel centos fedora"', f'VERSION_ID="{spec.version_id}"',
        f'PLATFORM_ID="platform:{spec.dist}"', f'PRETTY_NAME="{pretty}"', 'ANSI_COLOR="0;34"',
        f'CPE_NAME="cpe:/o:almalinux:almalinux:{spec.major}::baseos"', 'HOME_URL="https://almalinux.org/"',
        'BUG_REPORT_URL="https://bugs.almalinux.org/"', ""])


def _zones() -> Dict[str, dict]:
    return {zone: {"services": list(PUBLIC_SERVICES) if zone == "public" else [],
                   "ports": [], "rich_rules": []} for zone in ZONES}


def _initial_state(os_name: str, spec: DemoOs) -> dict:
    versions = dict(spec.versions, **{"audit": spec.audit, "audit-libs": spec.audit,
                                       "audispd-plugins": spec.audit})
    installed = {n: v for n, v in versions.items() if n in INSTALLED}
    return {
        "os": os_name,
        "hostname": spec.hostname,
        "packages": installed,
        "available": {n: v for n, v in versions.items() if n not in installed},
        "package_files": _package_files(spec),
        "services": {unit: {"enabled": True, "active": True, "restarts": 0}
                     for unit in ("auditd", "firewalld", "rsyslog")},
        "refuse_manual_stop": ["auditd"],
        "selinux": {"mode": "Enforcing", "ports": dict(POLICY_PORTS), "local_ports": []},
        "firewall": {"running": True, "default_zone": "public",
                     "runtime": _zones(), "permanent": _zones()},
        "missing_commands": [] if spec.has_service else ["service"],
        "fail": [], "log": [], "audit_messages": [],
    }


DEMO_LOG_START = 1764990000   # 2025-12-06 03:00 UTC: a fixed time, so every demo root is alike
_DEMO_RECORDS = (
    'type=USER_ACCT msg=audit({t}:{n}): pid={p} uid=0 auid=4294967295 ses=4294967295 '
    'msg=\'op=PAM:accounting grantors=pam_unix acct="root" exe="/usr/sbin/crond" '
    'hostname=? addr=? terminal=cron res=success\'',
    'type=SYSCALL msg=audit({t}:{n}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c '
    'items=1 ppid=1 pid={p} auid=4294967295 uid=0 comm="sshd" exe="/usr/sbin/sshd" key="logins"',
    'type=CWD msg=audit({t}:{n}): cwd="/"',
    'type=PROCTITLE msg=audit({t}:{n}): proctitle=2F7573722F7362696E2F73736864002D44',
)


@lru_cache(maxsize=1)
def demo_audit_log() -> str:
    """A quarter of an hour of this host's own records: about 2 a second, with one busy
    minute (cron and logins) of 9 a second, so the wizard measures a rate as on a real host."""
    lines: List[str] = []
    for second in range(15 * 60):
        count = 9 if 420 <= second < 480 else 2
        for k in range(count):
            serial = len(lines) + 1
            stamp = "%d.%03d" % (DEMO_LOG_START + second, (k * 97) % 1000)
            lines.append(_DEMO_RECORDS[serial % len(_DEMO_RECORDS)].format(
                t=stamp, n=serial, p=1000 + serial % 30000))
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(str(path), mode)


# ------------------------------------------------------------------ public
def make_demo_root(directory: Union[str, Path], os_name: str = "almalinux-9",
                   broken: bool = False) -> Path:
    """Creates a sandbox root in `directory` (created if missing) and returns its path.
    broken=True leaves the host as the popular guide would (see _seed_guide_mistakes)."""
    if os_name not in OS_CHOICES:
        raise ValueError(f"unknown demo OS {os_name!r}; choose one of {', '.join(OS_CHOICES)}")
    spec = OS_CHOICES[os_name]
    root = Path(directory).resolve()
    root.mkdir(parents=True, exist_ok=True)
    # The directories every EL install has, so that packages and the journal add only their own.
    for standard in ("usr/sbin", "usr/bin", "usr/lib64", "var/lib", "var/spool", "var/log",
                     "etc/rsyslog.d", "etc/systemd/system"):
        (root / standard).mkdir(parents=True, exist_ok=True)
    for link, target in (("sbin", "usr/sbin"), ("bin", "usr/bin")):
        if not (root / link).exists():
            os.symlink(target, str(root / link))
    state = _initial_state(os_name, spec)
    for name in state["packages"]:
        write_package_files(root, state["package_files"].get(name, {}))
    _write(root / "etc" / "os-release", os_release(spec))
    _write(root / "etc" / "hostname", spec.hostname + "\n")
    _write(root / "etc" / "passwd", PASSWD, 0o644)
    _write(root / "etc" / "krb5.conf", _text(spec.audit, "/etc/krb5.conf"))
    _write(root / "var" / "log" / "audit" / "audit.log", demo_audit_log(), 0o600)
    if broken:
        _seed_guide_mistakes(root, spec, state)
    daemon.load(root, state)   # auditd started on these files (after the guide's restart)
    save_state(root, state)
    return root


def sandbox_marker(root: Union[str, Path]) -> bool:
    """True when root is a sandbox made by make_demo_root (it has .sandbox/state.json)."""
    return is_sandbox_root(Path(root))


# ------------------------------------------------------------------ broken mode
def _set_key(text: str, key: str, value: str) -> str:
    pattern = re.compile(rf"^{re.escape(key)} =.*$", re.MULTILINE)
    line = f"{key} = {value}"
    return pattern.sub(line, text, count=1) if pattern.search(text) else text.rstrip("\n") + f"\n{line}\n"


def _edit(path: Path, values: Dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text = _set_key(text, key, value)
    path.write_text(text, encoding="utf-8")


def _seed_guide_mistakes(root: Path, spec: DemoOs, state: dict) -> None:
    """The host after someone followed the guide (reference/seed-errors.md rows 1-11)."""
    state["packages"]["audispd-plugins"] = state["available"].pop("audispd-plugins")
    write_package_files(root, state["package_files"]["audispd-plugins"])
    audit_dir = root / "etc" / "audit"
    # Step 2: RAW "for compatibility" and a receiver-only Kerberos switch on the sender.
    _edit(audit_dir / "auditd.conf", {"log_format": "RAW", "enable_krb5": "no"})
    # Step 3: nano leaves a backup, which auditd loads too (at most one dot in the name) ...
    stock = (audit_dir / "plugins.d" / "au-remote.conf").read_text(encoding="utf-8")
    _write(audit_dir / "plugins.d" / "au-remote.conf~", stock, 0o640)
    _edit(audit_dir / "plugins.d" / "au-remote.conf", {"active": "yes", "type": "builtin"})
    # ... and the guide's own file name, a second plugin of the same binary.
    _write(audit_dir / "plugins.d" / "audisp-remote.conf",
           "active = yes\ndirection = out\npath = /sbin/audisp-remote\ntype = builtin\n", 0o640)
    # Step 4/8: the EL7 path, and a format that does not exist in the real file.
    _write(root / "etc" / "audisp" / "audisp-remote.conf",
           "remote_server = 192.0.2.10\nport = 60\ntransport = tcp\nformat = ascii\n", 0o640)
    _edit(audit_dir / "audisp-remote.conf", {"format": "encrypted"})
    # Step 5: port 60 opened on the sender instead of the receiver.
    for config in ("permanent", "runtime"):
        state["firewall"][config]["public"]["ports"].append("60/tcp")
    # Step 6: an rsyslog listener in legacy syntax, as if audisp-remote spoke syslog.
    _write(root / "etc" / "rsyslog.d" / "remote-audit.conf",
           "$ModLoad imtcp\n$InputTCPServerRun 514\n", 0o644)
    # Step 7: the guide's "test": a line appended to the account database.
    _write(root / "etc" / "passwd", PASSWD + "test entry\n", 0o644)
    state["broken"] = True
