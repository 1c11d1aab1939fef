"""A wheelhouse to install the wizard offline inside a booted machine: the wizard's wheel, built
from this clone, and its dependencies, built for the machine's own Python (bookworm's 3.11).

The dependencies are built on this machine by the root's own python3 (in a venv, in a throw-away
overlay of the root, in a private mount namespace; pip reaches PyPI the way this machine does):

    python -m tests.realstack.wheelhouse ROOT OUT REQUIREMENT...   # run under unshare -m

and cached beside the roots, keyed by the dependency list and the root. The wizard's own wheel
is pure Python (the same whichever Python builds it): the test's Python builds it each time,
from a copy of the clone."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

from tests.realstack.ns import bind, run
from tests.realstack.roots import CACHE

try:
    import tomllib
except ImportError:  # Python < 3.11: the wizard depends on tomli there
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 900
NOT_SOURCE = (".git", ".venv*", ".ci-venv-*", "__pycache__", "*.egg-info", "build", "dist", "tests",
              ".hypothesis", ".pytest_cache")
# this machine's way to PyPI (a proxy, a CA bundle) goes with pip into the root
PASSED_ENV = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
              "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


def requirements() -> List[str]:
    """The [project] dependencies of pyproject.toml (pip evaluates their markers)."""
    return list(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"])


def _key(root: Path) -> str:
    return hashlib.sha256(("\n".join(requirements() + ["pip"]) + str(root)).encode()).hexdigest()[:12]


def _in_root(root: Path, out: Path, args: List[str]) -> None:
    """Under `unshare -m`: build in an overlay of `root`, results in `out`."""
    work = out.parent / (".%s-root" % out.name)
    for sub in ("upper", "work", "merged"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    merged = work / "merged"
    run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%s,upperdir=%s,workdir=%s" % (
        root, work / "upper", work / "work"), str(merged)])
    run(["mount", "-t", "proc", "proc", str(merged / "proc")])
    run(["mount", "--rbind", "/dev", str(merged / "dev")])
    for host_path in ("/etc/resolv.conf", "/etc/hosts", "/etc/ssl/certs"):
        if os.path.exists(host_path):
            target = Path(str(merged) + host_path)
            if os.path.isdir(host_path):
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            bind(host_path, str(target))
    (merged / "wheelhouse").mkdir(parents=True, exist_ok=True)
    bind(str(out), str(merged / "wheelhouse"))
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
    env.update({k: os.environ[k] for k in PASSED_ENV if k in os.environ})
    pip = ["chroot", str(merged), "/tmp/venv/bin/pip", "--disable-pip-version-check", "--quiet"]
    steps = [["chroot", str(merged), "python3", "-m", "venv", "/tmp/venv"],
             pip + ["wheel", "--wheel-dir", "/wheelhouse"] + args]
    for argv in steps:
        done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=TIMEOUT, close_fds=True)
        if done.returncode != 0:
            sys.stdout.write(done.stdout.decode(errors="replace")[-6000:])
            raise SystemExit("%s failed (exit %d)" % (" ".join(argv[2:5]), done.returncode))


def _dependencies(root: Path, out: Path) -> None:
    """The wizard's dependencies and pip's own wheel (the machine installs with it,
    elhost.install_wizard), built for the root's Python."""
    argv = ["unshare", "--mount", "--propagation", "private", sys.executable, "-m",
            "tests.realstack.wheelhouse", str(root), str(out)] + requirements() + ["pip"]
    done = subprocess.run(argv, cwd=str(REPO), env=dict(os.environ, PYTHONPATH=str(REPO)),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=TIMEOUT, close_fds=True)
    shutil.rmtree(str(out.parent / (".%s-root" % out.name)), ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError("building the wheelhouse failed:\n" + done.stdout.decode(errors="replace"))


def _wizard_wheel(out: Path) -> None:
    source = out.parent / (".%s-source" % out.name)    # a copy: builds never race in the clone
    shutil.rmtree(str(source), ignore_errors=True)
    shutil.copytree(str(REPO), str(source), ignore=shutil.ignore_patterns(*NOT_SOURCE))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                           "--disable-pip-version-check", "--wheel-dir", str(out), str(source)],
                          cwd=str(source), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=TIMEOUT, close_fds=True)
    shutil.rmtree(str(source), ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError("building the wizard's wheel failed:\n" + done.stdout.decode(errors="replace"))


def _remove_abandoned() -> None:
    """Work folders of builds whose process is gone (a killed test run)."""
    for path in CACHE.glob(".wheelhouse-*-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path("/proc/%s" % pid).exists():
            shutil.rmtree(str(path), ignore_errors=True)


def build_wheelhouse(out: Path, root: Path) -> Path:
    """out/ with every dependency (built once per dependency list and root, then cached) and
    the wizard's wheel (built now)."""
    key = _key(root)
    cached = CACHE / ("wheelhouse-%s" % key)
    if not (cached / ".complete").is_file():
        _remove_abandoned()
        work = CACHE / (".wheelhouse-%s-%d" % (key, os.getpid()))
        shutil.rmtree(str(work), ignore_errors=True)
        work.mkdir(parents=True)
        _dependencies(root, work)
        (work / ".complete").write_text("\n".join(requirements()) + "\n")
        try:
            os.rename(str(work), str(cached))
        except OSError:                          # another worker finished first
            shutil.rmtree(str(work), ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    for wheel in cached.glob("*.whl"):
        shutil.copy2(str(wheel), str(out / wheel.name))
    _wizard_wheel(out)
    return out


if __name__ == "__main__":
    _in_root(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
