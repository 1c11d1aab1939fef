"""Debian roots with other audit / rsyslog versions and the host tools, built for the tests.

    python -m tests.realstack.roots [NAME...]     # build (or find) them; prints where and how long

Each root is made by `mmdebstrap --variant=minbase` from Debian's archive, then finished by its
script in tests/realstack/rootfiles/<name>/ (run inside it as an mmdebstrap customize hook). It
is cached outside the clone under /var/cache/auditd-wizard-tests (AUDITD_WIZARD_TEST_CACHE
overrides), in a folder named after a hash of the suite, the package list and the files in
rootfiles/<name>/: a second run finds it at once, a changed recipe builds a new one (and the
old one is removed), a fresh machine builds it. A lock per root lets parallel test workers and
both CI passes share one build.

Builds run without CAP_AUDIT_WRITE (setpriv): user creation and policy changes in maintainer
scripts would otherwise write records into the host kernel's audit log."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

CACHE = Path(os.environ.get("AUDITD_WIZARD_TEST_CACHE", "/var/cache/auditd-wizard-tests"))
MIRROR = "http://deb.debian.org/debian"
ROOTFILES = Path(__file__).resolve().parent / "rootfiles"
INFO = ".realstack-root.json"          # written last: a root without it is not finished
BUILD_TIMEOUT = 1800
NO_AUDIT_WRITE = ["setpriv", "--bounding-set=-audit_write", "--inh-caps=-audit_write", "--"]
DAEMONS = ("auditd", "audispd-plugins", "rsyslog", "rsyslog-gnutls", "rsyslog-openssl",
           "iproute2", "procps", "netbase")
# Packages whose versions the tests read (dpkg-query inside the root).
VERSIONED = ("auditd", "audispd-plugins", "rsyslog", "systemd", "firewalld", "rpm", "dnf",
             "policycoreutils-python-utils", "selinux-policy-default", "python3")


@dataclass(frozen=True)
class RootSpec:
    name: str
    suite: str
    packages: Tuple[str, ...]
    purpose: str

    def recipe_files(self) -> List[Path]:
        folder = ROOTFILES / self.name
        return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []

    def key(self) -> str:
        digest = hashlib.sha256(json.dumps([self.suite, sorted(self.packages), MIRROR]).encode())
        for path in self.recipe_files():
            digest.update(str(path.relative_to(ROOTFILES)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:12]

    def path(self) -> Path:
        return CACHE / ("%s-%s" % (self.name, self.key()))


SPECS: Dict[str, RootSpec] = {spec.name: spec for spec in (
    RootSpec("trixie", "trixie", DAEMONS, "audit 4.0.2 and rsyslog 8.2504 (EL10-era daemons)"),
    RootSpec("sid", "sid", DAEMONS, "audit 4.2.x with TLS-PSK and rsyslog 8.26xx"),
    RootSpec("hosttools", "bookworm", DAEMONS + (
        "systemd", "systemd-sysv", "systemd-container", "dbus", "firewalld", "nftables", "policycoreutils",
        "policycoreutils-python-utils", "selinux-policy-default", "semodule-utils", "rpm", "dnf",
        "createrepo-c", "python3", "python3-venv", "hostname"),
        "a host to boot with systemd-nspawn: systemd, dbus, firewalld, SELinux tools and policy, "
        "rpm and dnf with stand-in EL packages"),
)}


class RootBuildError(RuntimeError):
    pass


def info(root: Path) -> dict:
    return json.loads((root / INFO).read_text())


def ensure_root(name: str, log=None) -> Path:
    """The finished root `name`, built first if the cache has none for the current recipe."""
    spec = SPECS[name]
    CACHE.mkdir(parents=True, exist_ok=True)
    os.chmod(str(CACHE), 0o755)
    with open(str(CACHE / (".%s.lock" % name)), "a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        target = spec.path()
        if (target / INFO).is_file():
            return target
        _build(spec, target, log or sys.stderr)
        _remove_stale(spec)
        return target


def _build(spec: RootSpec, target: Path, log) -> None:
    work = CACHE / (".build-%s-%d" % (target.name, os.getpid()))
    shutil.rmtree(str(work), ignore_errors=True)
    started = time.monotonic()
    argv = NO_AUDIT_WRITE + [
        "mmdebstrap", "--variant=minbase", "--mode=root", "--quiet",
        "--aptopt=Acquire::Check-Valid-Until \"false\"",
        "--include=" + ",".join(spec.packages),
        "--customize-hook=" + 'echo "%s" > "$1/etc/realstack-root"' % spec.name]
    folder = ROOTFILES / spec.name
    if (folder / "finish.sh").is_file():
        # copy the recipe in, run it inside the root (mmdebstrap has /dev, /proc, /sys mounted)
        argv += ["--customize-hook=copy-in %s /root" % folder,
                 "--customize-hook=chroot \"$1\" sh /root/%s/finish.sh" % spec.name]
    argv += [spec.suite, str(work), MIRROR]
    print("realstack roots: building %s (%s) with mmdebstrap; this takes a minute or two"
          % (spec.name, spec.suite), file=log, flush=True)
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT, close_fds=True)
    if done.returncode != 0:
        shutil.rmtree(str(work), ignore_errors=True)
        raise RootBuildError("mmdebstrap %s failed (exit %d):\n%s" % (
            spec.name, done.returncode, done.stdout.decode(errors="replace")[-6000:]))
    _finish_common(work)
    seconds = round(time.monotonic() - started, 1)
    record = {"name": spec.name, "suite": spec.suite, "key": spec.key(),
              "packages": list(spec.packages), "build_seconds": seconds,
              "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "versions": _versions(work),
              "size_mb": _size_mb(work)}
    (work / INFO).write_text(json.dumps(record, indent=1) + "\n")
    os.rename(str(work), str(target))
    print("realstack roots: built %s in %.0f s (%d MB): %s" % (
        spec.name, seconds, record["size_mb"],
        ", ".join("%s %s" % kv for kv in sorted(record["versions"].items()))), file=log, flush=True)


def _finish_common(root: Path) -> None:
    # An empty /etc/ld.so.preload to bind a test stand-in over (TLS-PSK, see tlspsk_setup.py).
    (root / "etc" / "ld.so.preload").touch()
    # Any auditd started from a root without the test's own config still never talks to the
    # host kernel's audit (the tests always start auditd on copies with local_events = no too).
    conf = root / "etc" / "audit" / "auditd.conf"
    if conf.is_file():
        lines = [("local_events = no" if line.split("=")[0].strip() == "local_events" else line)
                 for line in conf.read_text().splitlines()]
        conf.write_text("\n".join(lines) + "\n")


def _versions(root: Path) -> Dict[str, str]:
    done = subprocess.run(["chroot", str(root), "dpkg-query", "-W", "-f", "${Package} ${Version} ${db:Status-Status}\n"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          timeout=60, close_fds=True)
    versions = {}
    for line in done.stdout.decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in VERSIONED and parts[2] == "installed":
            versions[parts[0]] = parts[1].split(":")[-1]
    return versions


def _size_mb(root: Path) -> int:
    total = 0
    for directory, _dirs, names in os.walk(str(root)):
        for name in names:
            try:
                total += os.lstat(os.path.join(directory, name)).st_size
            except OSError:
                pass
    return total // (1024 * 1024)


def _remove_stale(spec: RootSpec) -> None:
    """Older builds of the same root (another recipe) and abandoned partial builds."""
    current = spec.path().name
    for path in CACHE.glob("%s-*" % spec.name):
        if path.name != current and path.is_dir() and len(path.name) == len(current):
            shutil.rmtree(str(path), ignore_errors=True)
    for path in CACHE.glob(".build-%s-*" % spec.name):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path("/proc/%s" % pid).exists():
            shutil.rmtree(str(path), ignore_errors=True)


def missing_build_tools() -> List[str]:
    """What building the roots needs on this machine (Debian packages in brackets)."""
    missing = []
    for program, package in (("mmdebstrap", "mmdebstrap"), ("setpriv", "util-linux")):
        if shutil.which(program) is None:
            missing.append("program `%s` (Debian package %s)" % (program, package))
    return missing


def main(names: Sequence[str]) -> int:
    names = list(names) or list(SPECS)
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        print("unknown root(s) %s; known: %s" % (", ".join(unknown), ", ".join(SPECS)), file=sys.stderr)
        return 2
    missing = missing_build_tools()
    if missing:
        print("cannot build the test roots: missing " + "; ".join(missing), file=sys.stderr)
        return 1
    started = time.monotonic()
    # in parallel: the builds mostly wait for the archive
    with ThreadPoolExecutor(len(names)) as pool:
        paths = dict(zip(names, pool.map(ensure_root, names)))
    for name, path in paths.items():
        print("%s: %s (built in %s s)" % (name, path, info(path)["build_seconds"]))
    print("roots ready in %.1f s" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
