"""The auditors' content, ComplianceAsCode (SCAP Security Guide) 0.1.82, on this machine.

Debian 12 ships 0.1.65 (no RHEL 10 data stream); 0.1.82 is a data package in sid, so it is
fetched with a private apt configuration (its own sources list, lists and cache under the test
cache; never the machine's own sources), `apt-get download`, checked against the hash below and
unpacked with `dpkg -x`. Everything stays in CACHE, outside the clone, for the next run."""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List

CACHE = Path(os.environ.get("AUDITD_WIZARD_TEST_CACHE", "/var/cache/auditd-wizard-tests"))
PACKAGE = "ssg-nondebian"
VERSION = "0.1.82-1"
CONTENT_VERSION = VERSION.split("-")[0]
# apt-cache show ssg-nondebian=0.1.82-1 (sid, 2026-12-06)
SHA256 = "ec26acb714e8427453c55c331f946ade605334390fc86036c54a2e559441888e"
SOURCES = "deb http://deb.debian.org/debian sid main\n"
DS_DIR = "usr/share/xml/scap/ssg/content"
RELEASES = (8, 9, 10)


class ContentUnavailable(RuntimeError):
    pass


@contextmanager
def locked(name: str) -> Iterator[None]:
    """One process at a time (pytest-xdist workers share the cache)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / (name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _apt_options(apt_dir: Path) -> List[str]:
    for sub in ("lists/partial", "cache/archives/partial", "parts", "preferences.d"):
        (apt_dir / sub).mkdir(parents=True, exist_ok=True)
    (apt_dir / "sources.list").write_text(SOURCES)
    options = {"Dir::Etc::SourceList": apt_dir / "sources.list",
               "Dir::Etc::SourceParts": apt_dir / "parts",
               "Dir::Etc::Preferences": apt_dir / "preferences",
               "Dir::Etc::PreferencesParts": apt_dir / "preferences.d",
               "Dir::State::Lists": apt_dir / "lists",
               "Dir::State::status": "/dev/null",
               "Dir::Cache": apt_dir / "cache",
               "APT::Sandbox::User": "root"}
    return [arg for key, value in options.items() for arg in ("-o", "%s=%s" % (key, value))]


def _run(argv: List[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600, close_fds=True)
    if done.returncode != 0:
        raise ContentUnavailable("%s failed (exit %d):\n%s" % (
            " ".join(argv[:2]), done.returncode, done.stdout.decode(errors="replace")[-3000:]))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(deb: Path) -> None:
    if shutil.which("apt-get") is None:
        raise ContentUnavailable("apt-get not found: %s %s is fetched from Debian" % (PACKAGE, VERSION))
    options = _apt_options(CACHE / "apt")
    _run(["apt-get", *options, "-q", "update"], CACHE)
    with tempfile.TemporaryDirectory(dir=str(CACHE)) as scratch:
        _run(["apt-get", *options, "-q", "download", "%s=%s" % (PACKAGE, VERSION)], Path(scratch))
        got = next(Path(scratch).glob("*.deb"))
        if _sha256(got) != SHA256:
            raise ContentUnavailable("%s has sha256 %s, expected %s" % (got.name, _sha256(got), SHA256))
        os.replace(str(got), str(deb))


def content_dir() -> Path:
    """The unpacked package (downloaded on first use)."""
    target = CACHE / ("%s-%s" % (PACKAGE, VERSION))
    if (target / DS_DIR / "ssg-rhel10-ds.xml").exists():
        return target
    with locked("content"):
        if (target / DS_DIR / "ssg-rhel10-ds.xml").exists():
            return target
        deb = CACHE / ("%s_%s_all.deb" % (PACKAGE, VERSION))
        if not deb.exists() or _sha256(deb) != SHA256:
            _download(deb)
        unpacking = Path(tempfile.mkdtemp(dir=str(CACHE), prefix="unpack-"))
        _run(["dpkg", "-x", str(deb), str(unpacking)], CACHE)
        if target.exists():
            shutil.rmtree(str(target))
        os.replace(str(unpacking), str(target))
    return target


def data_streams() -> Dict[int, Path]:
    """EL major -> ssg-rhelN-ds.xml."""
    base = content_dir() / DS_DIR
    return {major: base / ("ssg-rhel%d-ds.xml" % major) for major in RELEASES}
