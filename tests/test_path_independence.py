"""Path independence (issue #10): whatever was applied before, the host ends exactly as the
answers say.

For every ordered pair (A, B) of the scenarios below: fresh sandbox root -> apply A -> apply B
leaves the same /etc (bytes, mode, owner; symlinks by target) and the same system state
(firewalld runtime and permanent, SELinux local port labels, services enabled/active) as fresh
root -> apply B; then `plan B` changes nothing and the answers read back from the host are B.
Applies go through the command line in-process (`apply --answers --yes --root`), headless.

Packages aside, precisely: the wizard never removes packages. A file may therefore exist after
A -> B and not after B only when it belongs to a package A installed and B did not; such a file
must then be exactly as its package ships it (bytes and mode), so everything the wizard set in
it was put back. Every other file is compared whole.

Speed: the roots live on /dev/shm when there is one (each apply fsyncs its journal); the fresh
root, the root after A and the result of fresh -> B are each made once per worker and copied;
pairs are independent test ids, so xdist spreads them.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Dict, Tuple

import pytest

from backends.host import Host
from tests.security_helpers import seed_admin_files
from wizard.answers import load_answers
from wizard.cli.main import main
from wizard.sandbox import make_demo_root
from wizard.session import Session

SERVER = '[remote]\nserver = "logs.example.com"\n'
KERBEROS = '[security]\nencryption = "kerberos"\n'
SCENARIOS: Dict[str, str] = {
    "native-sender": 'role = "sender"\nmethod = "audisp-remote"\n' + SERVER,
    "native-sender-ports-forward": 'role = "sender"\nmethod = "audisp-remote"\n' + SERVER
    + 'port = 6060\nlocal_port = 600\nmode = "forward"\noutage = "2m"\npeak_rate = 20\n'
      'network_failure_action = "warn_once"\nheartbeat_timeout = 30\n',
    "native-sender-kerberos": 'role = "sender"\nmethod = "audisp-remote"\n' + SERVER + KERBEROS,
    "native-sender-kerberos-service": 'role = "sender"\nmethod = "audisp-remote"\n' + SERVER + KERBEROS
    + 'krb5_principal = "auditlog"\n',
    "native-receiver": 'role = "receiver"\nmethod = "audisp-remote"\n',
    "native-receiver-senders-port": 'role = "receiver"\nmethod = "audisp-remote"\n[receiver]\n'
    'listen_port = 6060\nallowed_senders = ["192.0.2.0/24", "198.51.100.7"]\nclient_ports = "1-1023"\n'
    'max_per_addr = 2\nclient_max_idle = 600\n',
    "native-receiver-kerberos": 'role = "receiver"\nmethod = "audisp-remote"\n' + KERBEROS,
    "native-receiver-kerberos-service-zone": 'role = "receiver"\nmethod = "audisp-remote"\n' + KERBEROS
    + 'krb5_principal = "auditlog"\nkrb5_key_file = "/etc/audit/auditlog.key"\n'
      '[firewall]\nzone = "internal"\n',
    "rsyslog-sender": 'role = "sender"\nmethod = "rsyslog"\n' + SERVER + '[rsyslog]\nport = 1514\n',
    "rsyslog-sender-tls": 'role = "sender"\nmethod = "rsyslog"\n' + SERVER
    + '[security]\nencryption = "tls"\n',
    "rsyslog-sender-tls-ossl-facility": 'role = "sender"\nmethod = "rsyslog"\n' + SERVER
    + '[security]\nencryption = "tls"\ntls_driver = "ossl"\npeer_names = ["*.example.com"]\n'
      '[rsyslog]\nfacility = "local5"\nport = 10514\n',
    "rsyslog-receiver": 'role = "receiver"\nmethod = "rsyslog"\n[rsyslog]\nport = 1514\n',
    "rsyslog-receiver-senders": 'role = "receiver"\nmethod = "rsyslog"\n[receiver]\n'
    'allowed_senders = ["192.0.2.0/24"]\n[rsyslog]\nport = 514\n',
    "rsyslog-receiver-tls": 'role = "receiver"\nmethod = "rsyslog"\n'
    '[security]\nencryption = "tls"\npeer_names = ["web01.example.com", "*.dmz.example.com"]\n',
    "rsyslog-receiver-tls-ossl-zone": 'role = "receiver"\nmethod = "rsyslog"\n[receiver]\n'
    'allowed_senders = ["2001:db8::/64"]\n[security]\nencryption = "tls"\ntls_driver = "ossl"\n'
    'peer_names = ["*.example.com"]\n[rsyslog]\nremote_dir = "/srv/audit-remote"\n'
    '[firewall]\nzone = "internal"\n',
}
PAIRS = [(a, b) for a in SCENARIOS for b in SCENARIOS if a != b]


# ---------------------------------------------------------------- roots
def _scratch() -> Path:
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(str(shm), os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="auditd-wizard-paths-", dir=base))


class Roots:
    """Per worker: the fresh root, the root after each A, and the snapshot of fresh -> B."""

    def __init__(self):
        self.dir = _scratch()
        self.fresh = self.dir / "fresh"
        make_demo_root(self.fresh, "almalinux-9")
        seed_admin_files(self.fresh)
        for name, text in SCENARIOS.items():
            (self.dir / f"{name}.toml").write_text(text)
        self.after: Dict[str, Path] = {}
        self.expected: Dict[str, Tuple[dict, dict]] = {}
        self.count = 0

    def answers(self, name: str) -> Path:
        return self.dir / f"{name}.toml"

    def copy(self, source: Path) -> Path:
        self.count += 1
        target = self.dir / f"run-{self.count}"
        shutil.copytree(str(source), str(target), symlinks=True)
        return target

    def apply(self, root: Path, name: str) -> None:
        code = main(["apply", "--answers", str(self.answers(name)), "--root", str(root), "--yes"])
        assert code == 0, f"apply {name} exited {code}"

    def after_a(self, name: str) -> Path:
        if name not in self.after:
            root = self.copy(self.fresh)
            self.apply(root, name)
            self.after[name] = root
        return self.after[name]

    def fresh_then(self, name: str) -> Tuple[dict, dict]:
        if name not in self.expected:
            root = self.copy(self.fresh)
            self.apply(root, name)
            self.expected[name] = snapshot(root)
            shutil.rmtree(str(root))
        return self.expected[name]


@pytest.fixture(scope="session")
def roots():
    made = Roots()
    yield made
    shutil.rmtree(str(made.dir), ignore_errors=True)


# ---------------------------------------------------------------- what is compared
def _etc(root: Path) -> dict:
    found = {}
    for dirpath, dirnames, filenames in os.walk(str(root / "etc")):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = os.lstat(str(path))
            rel = "/" + str(path.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                what = ("link", os.readlink(str(path)))
            elif stat.S_ISDIR(st.st_mode):
                what = ("dir", None)
            else:
                what = ("file", path.read_bytes())
            found[rel] = what + (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
    return found


def _system(root: Path) -> dict:
    state = Host.for_root(root).runner.state()
    firewall = {config: {zone: {key: sorted(items) for key, items in entry.items()}
                         for zone, entry in state["firewall"][config].items()}
                for config in ("runtime", "permanent")}
    return {"firewall": firewall,
            "selinux": sorted((p["port"], p["type"]) for p in state["selinux"].get("local_ports", [])),
            "services": {unit: (s["enabled"], s["active"]) for unit, s in state["services"].items()},
            "packages": dict(state["packages"]), "package_files": state["package_files"]}


def snapshot(root: Path) -> Tuple[dict, dict]:
    return _etc(root), _system(root)


def _compare_etc(got: dict, want: dict, system_got: dict, system_want: dict) -> list:
    """Differences, with the packages-aside rule of the module docstring."""
    extra_packages = set(system_got["packages"]) - set(system_want["packages"])
    shipped = {"/" + rel: spec for name in extra_packages
               for rel, spec in system_got["package_files"].get(name, {}).items()}
    problems = []
    for path in sorted(set(got) | set(want)):
        if got.get(path) == want.get(path):
            continue
        if path in shipped and path not in want:
            spec = shipped[path]
            kind, content, mode = got[path][:3]
            if spec.get("dir") and kind == "dir" or \
                    kind == "file" and content == spec.get("content", "").encode() and mode == spec.get("mode", 0o644):
                continue
            problems.append(f"{path}: belongs to a package only A installed, but is not as shipped")
            continue
        problems.append(f"{path}: after A->B {_short(got.get(path))}, after B {_short(want.get(path))}")
    return problems


def _short(entry) -> str:
    if entry is None:
        return "absent"
    kind, content, mode, uid, gid = entry
    text = content.decode(errors="replace") if isinstance(content, bytes) else content
    return f"{kind} {mode:04o} {uid}:{gid} {text!r}"[:2000]


# ---------------------------------------------------------------- the test
@pytest.mark.slow
@pytest.mark.parametrize("a, b", PAIRS, ids=[f"{a}-then-{b}" for a, b in PAIRS])
def test_apply_a_then_b_is_the_same_as_b(roots, a, b):
    want_etc, want_system = roots.fresh_then(b)
    root = roots.copy(roots.after_a(a))
    roots.apply(root, b)
    got_etc, got_system = snapshot(root)
    assert _compare_etc(got_etc, want_etc, got_system, want_system) == []
    for key in ("firewall", "selinux", "services"):
        assert got_system[key] == want_system[key], key
    again = Session.open(str(root), str(roots.answers(b)))
    assert again.plan().empty and not again.plan().ledger_changes
    detected = Session.open(str(root))
    assert detected.answers.model_dump() == load_answers(str(roots.answers(b))).model_dump()
    assert detected.unrepresented == []
    shutil.rmtree(str(root))
