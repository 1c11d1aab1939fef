"""Scan an applied demo root with the auditors' scanner: `oscap-chroot ... xccdf eval` with
the STIG profile of ComplianceAsCode 0.1.82 on a copy of the root.

The copy gets a placeholder rpm database, because the content decides applicability with rpm
queries (the OS by `redhat-release` N.*, the audit and logging groups by `kernel-core`, rules
by `audit`/`rsyslog`): empty packages built with rpmbuild, one per package the sandbox records
as installed. Rules outside the STIG profile are selected with a tailoring file that extends
it and sets the site's values (the loghost); only the rules the view shows are evaluated.

Results are cached by the exact scan input (every file of the copy, the package list, the
tailoring, the rule list, the content's and OpenSCAP's versions), so a second run with the
same input (the other Python of CI) reads the stored verdicts instead of scanning again."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional

from tests.scap.content import CACHE, SHA256, data_streams, locked

RULE_PREFIX = "xccdf_org.ssgproject.content_rule_"
VALUE_PREFIX = "xccdf_org.ssgproject.content_value_"
STIG_PROFILE = "xccdf_org.ssgproject.content_profile_stig"
TAILORED_PROFILE = "xccdf_org.auditd-wizard_profile_stig_forwarding"
XCCDF = "http://checklists.nist.gov/xccdf/1.2"
# Not copied: the wizard's own state (journal, lock) and the sandbox's pretend system; the
# scanner reads neither, and their timestamps would defeat the cache.
SKIPPED = (".sandbox", "var/lib/auditd-wizard")
RELEASE_VERSION = {8: "8.10", 9: "9.6", 10: "10.0"}
KERNEL = {8: "4.18.0-553.el8_10", 9: "5.14.0-570.el9", 10: "6.12.0-55.el10"}
SCAN_TIMEOUT = 300
SPEC = """Name: %{pkgname}
Version: %{pkgver}
Release: %{pkgrel}
Summary: Placeholder for a package a demo root records as installed
License: MIT
BuildArch: noarch
%description
Empty: lets the rpm queries of the scanner test answer like the demo root.
%files
"""


class ScanError(AssertionError):
    pass


@dataclass(frozen=True)
class ScanResult:
    results: Dict[str, str]      # rule id -> pass | fail | notapplicable | unknown | error | ...
    cached: bool
    seconds: float


# ---------------------------------------------------------------- the placeholder rpm database
def _rpm_env(home: Path) -> Dict[str, str]:
    # Debian's rpm keeps its database under ~/.rpmdb; the scanner must read <root>/var/lib/rpm.
    home.mkdir(parents=True, exist_ok=True)
    (home / ".rpmmacros").write_text("%_dbpath /var/lib/rpm\n")
    return dict(os.environ, HOME=str(home), LC_ALL="C")


def _run(argv: List[str], env: Mapping[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout, close_fds=True)
    if done.returncode != 0:
        raise ScanError("%s failed (exit %d):\n%s" % (argv[0], done.returncode,
                                                      done.stdout.decode(errors="replace")[-3000:]))
    return done


def placeholder_rpm(name: str, version_release: str) -> Path:
    """An empty noarch package name-version-release, built once into the cache."""
    version, _, release = version_release.rpartition("-")
    store = CACHE / "rpms"
    target = store / ("%s-%s.noarch.rpm" % (name, version_release))
    if target.exists():
        return target
    store.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=str(store)) as scratch:
        top = Path(scratch)
        (top / "empty.spec").write_text(SPEC)
        _run(["rpmbuild", "-bb", "--quiet", "--define", "_topdir %s" % top,
              "--define", "_rpmdir %s" % (top / "out"), "--define", "pkgname %s" % name,
              "--define", "pkgver %s" % version, "--define", "pkgrel %s" % release,
              str(top / "empty.spec")], _rpm_env(top / "home"))
        os.replace(str(next((top / "out").rglob("*.rpm"))), str(target))
    return target


def packages_of(root: Path, major: int) -> Dict[str, str]:
    """What the sandbox records as installed, plus the OS release and kernel packages."""
    state = json.loads((root / ".sandbox" / "state.json").read_text())
    packages = dict(state["packages"])
    packages["redhat-release"] = "%s-1.el%d" % (RELEASE_VERSION[major], major)
    packages["kernel"] = packages["kernel-core"] = KERNEL[major]
    return dict(sorted(packages.items()))


def write_rpmdb(copy: Path, packages: Mapping[str, str], scratch: Path) -> None:
    rpms = [str(placeholder_rpm(n, v)) for n, v in packages.items()]
    env = _rpm_env(scratch / "rpm-home")
    (copy / "var" / "lib" / "rpm").mkdir(parents=True, exist_ok=True)
    _run(["rpm", "--root", str(copy), "--initdb"], env)
    _run(["rpm", "--root", str(copy), "-i", "--justdb", "--nodeps", "--noscripts",
          "--notriggers", *rpms], env)


# ---------------------------------------------------------------- the copy and the tailoring
def copy_root(root: Path, copy: Path) -> None:
    def ignore(directory: str, names: List[str]) -> List[str]:
        relative = os.path.relpath(directory, str(root))
        return [n for n in names if os.path.normpath(os.path.join(relative, n)) in SKIPPED]
    shutil.copytree(str(root), str(copy), symlinks=True, ignore=ignore)


def tree_digest(copy: Path) -> str:
    """Every path, mode, symlink target and file content under the copy, in a stable order."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(str(copy)):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            info = os.lstat(path)
            digest.update(("%s\0%o\0" % (os.path.relpath(path, str(copy)), info.st_mode)).encode())
            if stat.S_ISLNK(info.st_mode):
                digest.update(os.readlink(path).encode())
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def tailoring(extra_rules: Iterable[str], values: Mapping[str, str]) -> str:
    """A tailoring file: the STIG profile plus extra rules, with the site's values set."""
    root = ET.Element("{%s}Tailoring" % XCCDF, {"id": "xccdf_auditd-wizard_tailoring_test"})
    ET.SubElement(root, "{%s}version" % XCCDF, {"time": "2026-12-06T00:00:00"}).text = "1"
    profile = ET.SubElement(root, "{%s}Profile" % XCCDF, {"id": TAILORED_PROFILE, "extends": STIG_PROFILE})
    ET.SubElement(profile, "{%s}title" % XCCDF).text = "STIG and the audit forwarding rules outside it"
    for rule in sorted(extra_rules):
        ET.SubElement(profile, "{%s}select" % XCCDF, {"idref": RULE_PREFIX + rule, "selected": "true"})
    for value_id, value in sorted(values.items()):
        ET.SubElement(profile, "{%s}set-value" % XCCDF, {"idref": VALUE_PREFIX + value_id}).text = value
    ET.register_namespace("xccdf-1.2", XCCDF)
    # One element a line: OpenSCAP 1.3.7 skips a set-value that directly follows a select
    # without whitespace between them (seen: the loghost value ignored, the rule failed).
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def parse_results(path: Path) -> Dict[str, str]:
    results = {}
    for element in ET.parse(str(path)).getroot().iter("{%s}rule-result" % XCCDF):
        result = element.find("{%s}result" % XCCDF).text
        if result != "notselected":
            results[element.get("idref")[len(RULE_PREFIX):]] = result
    return results


def oscap_version() -> str:
    done = _run(["oscap", "--version"], os.environ)
    return done.stdout.decode(errors="replace").splitlines()[0]


# ---------------------------------------------------------------- scanning
def scan(root: Path, major: int, rules: Iterable[str], extra_rules: Iterable[str],
         values: Mapping[str, str], scratch: Path) -> ScanResult:
    """Scan a copy of the applied demo `root` for `rules` (RHEL `major` data stream)."""
    started = time.monotonic()
    rules = sorted(set(rules))
    copy = scratch / "scan-root"
    copy_root(root, copy)
    packages = packages_of(root, major)
    tailored = tailoring(extra_rules, values)
    key_input = json.dumps({"content": SHA256, "oscap": oscap_version(), "release": major,
                            "rules": rules, "tailoring": tailored, "packages": packages,
                            "tree": tree_digest(copy)}, sort_keys=True)
    key = hashlib.sha256(key_input.encode()).hexdigest()
    stored = CACHE / "scans" / (key + ".json")
    if stored.exists():
        return ScanResult(json.loads(stored.read_text())["results"], True, time.monotonic() - started)
    write_rpmdb(copy, packages, scratch)
    (scratch / "tailoring.xml").write_text(tailored)
    results_file = scratch / "results.xml"
    argv = ["oscap-chroot", str(copy), "xccdf", "eval", "--skip-valid",
            "--tailoring-file", str(scratch / "tailoring.xml"), "--profile", TAILORED_PROFILE]
    for rule in rules:
        argv += ["--rule", RULE_PREFIX + rule]
    argv += ["--results", str(results_file), str(data_streams()[major])]
    env = _rpm_env(scratch / "rpm-home")
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=SCAN_TIMEOUT, close_fds=True)
    # oscap exits 2 when a rule fails: that is a result, not an error.
    if done.returncode not in (0, 2) or not results_file.exists():
        raise ScanError("oscap-chroot exited %d:\n%s" % (done.returncode,
                                                        done.stdout.decode(errors="replace")[-3000:]))
    results = parse_results(results_file)
    with locked("scans"):
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(json.dumps({"input": json.loads(key_input), "results": results}, indent=1))
    return ScanResult(results, False, time.monotonic() - started)


def missing_tools() -> List[str]:
    """What this machine lacks to scan; empty when it can."""
    need = {"oscap-chroot": "openscap-utils", "oscap": "openscap-scanner", "rpm": "rpm",
            "rpmbuild": "rpm", "apt-get": "apt", "dpkg": "dpkg"}
    return ["program `%s` (Debian package %s)" % (p, pkg) for p, pkg in need.items()
            if shutil.which(p) is None]
