"""Outside the namespace: the API the tests use.

    check_auditd_conf(etc_audit_dir) -> ParseResult
    check_audisp_remote(etc_audit_dir) -> ParseResult
    check_rsyslog(conf_file_or_dropin_dir) -> ParseResult
    run_scenario(name, args, scratch) -> dict    # one fresh namespace per call
    copy_etc_audit(src, dst, overrides) -> Path  # a root-owned COPY with test-only keys set

Nothing here runs a daemon in the host's namespaces: every daemon runs under driver.py in
`unshare -m -n -u -p`."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

from tests.realstack.keyvalue import get_key, set_keys
from tests.realstack.prereqs import find_program

REPO = Path(__file__).resolve().parents[2]
SCENARIO_TIMEOUT = 120


@dataclass(frozen=True)
class ParseResult:
    accepted: bool
    exit_code: int
    reason: str      # what the program said (stderr, or the syslog lines audisp-remote wrote)

    def __str__(self) -> str:
        return "%s (exit %d): %s" % ("accepted" if self.accepted else "rejected",
                                    self.exit_code, self.reason.strip()[-2000:])


class ScenarioError(AssertionError):
    pass


def run_scenario(name: str, args: Mapping[str, Any], scratch: Path,
                 timeout: float = SCENARIO_TIMEOUT,
                 driver: str = "tests.realstack.driver") -> Dict[str, Any]:
    """Run a driver module's scenario in a fresh private namespace and return what it observed.
    Diagnostics (syslog capture, each daemon's output) are printed, so pytest shows them when
    the test fails."""
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "args.json").write_text(json.dumps(dict(args)))
    argv = ["unshare", "--mount", "--net", "--uts", "--pid", "--fork", "--kill-child",
            "--mount-proc", "--propagation", "private",
            sys.executable, "-m", driver, name, str(scratch)]
    env = dict(os.environ, PYTHONPATH=str(REPO), PATH=_sbin_path())
    try:
        done = subprocess.run(argv, cwd=str(REPO), env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, close_fds=True)
    except subprocess.TimeoutExpired as expired:
        raise ScenarioError("scenario %s did not finish in %ss; output:\n%s"
                            % (name, timeout, (expired.output or b"").decode(errors="replace")))
    output = done.stdout.decode(errors="replace")
    result_file = scratch / "result.json"
    if not result_file.exists():
        raise ScenarioError("scenario %s wrote no result (exit %d):\n%s"
                            % (name, done.returncode, output))
    result = json.loads(result_file.read_text())
    _print_diagnostics(name, result, output)
    if result.get("error"):
        raise ScenarioError("scenario %s failed inside the namespace:\n%s"
                            % (name, result["error"]))
    return result["observed"]


def _print_diagnostics(name: str, result: Dict[str, Any], output: str) -> None:
    print("===== realstack scenario %s =====" % name)
    if output.strip():
        print("--- driver output\n" + output)
    for title, text in result.get("diagnostics", {}).items():
        print("--- %s\n%s" % (title, text if isinstance(text, str) else json.dumps(text)))


def _sbin_path() -> str:
    return os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"


# ------------------------------------------------------------------ config copies
def copy_etc_audit(src: Path, dst: Path,
                   overrides: Optional[Mapping[str, Mapping[str, str]]] = None) -> Path:
    """A COPY of an etc/audit tree, root-owned, files 0640 and dirs 0750 (auditd and
    audisp-remote refuse other owners and world-writable files), with `overrides`
    ({"auditd.conf": {"local_events": "no"}}) written into the copy only."""
    if dst.exists():
        shutil.rmtree(str(dst))
    shutil.copytree(str(src), str(dst), symlinks=True)
    for directory, _dirs, names in os.walk(str(dst)):
        os.chown(directory, 0, 0)
        os.chmod(directory, 0o750)
        for name in names:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.chown(path, 0, 0)
                os.chmod(path, 0o640)
    for relpath, values in (overrides or {}).items():
        set_keys(dst / relpath, values)
    return dst


def require_no_local_events(etc_audit: Path) -> None:
    """Safety guard: an auditd with local_events = yes would take over the host kernel's
    audit pid and enable flag. Every auditd the harness starts must have it off."""
    value = get_key(etc_audit / "auditd.conf", "local_events")
    if value is None or value.lower() != "no":
        raise ScenarioError("refusing to start auditd with local_events = %s in %s"
                            % (value, etc_audit / "auditd.conf"))


def _roots(root: Optional[Path]) -> Dict[str, str]:
    return {"daemon": str(root)} if root else {}


def _scratch(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix="realstack-%s-" % prefix))


# ------------------------------------------------------------------ parser checks
def check_auditd_conf(etc_audit_dir: Path, root: Optional[Path] = None) -> ParseResult:
    """Does the real auditd (of the Debian `root`, when given) accept DIR/auditd.conf (and start
    its plugins.d)? The check runs a COPY where local_events is forced to `no` (so the host's
    kernel audit is never touched)."""
    scratch = _scratch("auditd")
    try:
        copy = copy_etc_audit(Path(etc_audit_dir), scratch / "etc-audit",
                              {"auditd.conf": {"local_events": "no"}})
        require_no_local_events(copy)
        seen = run_scenario("check-auditd", {"etc_audit": str(copy), "roots": _roots(root)},
                            scratch / "run")
        return ParseResult(seen["accepted"], seen["exit_code"], seen["output"])
    finally:
        shutil.rmtree(str(scratch), ignore_errors=True)


def check_audisp_remote(etc_audit_dir: Path, root: Optional[Path] = None) -> ParseResult:
    """Does the real audisp-remote (of the Debian `root`, when given) accept
    DIR/audisp-remote.conf? Its reasons go to syslog only; the result carries the captured
    syslog lines."""
    if not (Path(etc_audit_dir) / "audisp-remote.conf").is_file():
        raise FileNotFoundError("no audisp-remote.conf in %s to check" % etc_audit_dir)
    scratch = _scratch("audisp-remote")
    try:
        copy = copy_etc_audit(Path(etc_audit_dir), scratch / "etc-audit")
        seen = run_scenario("check-audisp-remote", {"etc_audit": str(copy), "roots": _roots(root)},
                            scratch / "run")
        return ParseResult(seen["accepted"], seen["exit_code"],
                           (seen["syslog"] + seen["output"]).strip())
    finally:
        shutil.rmtree(str(scratch), ignore_errors=True)


MINIMAL_MAIN_CONF = 'include(file="%s/*.conf")\n'


def check_rsyslog(conf: Path) -> ParseResult:
    """`rsyslogd -N1 -f FILE` (validate only; binds nothing). For a drop-in directory, a
    minimal main config includes DIR/*.conf, as /etc/rsyslog.conf includes /etc/rsyslog.d."""
    conf = Path(conf)
    scratch = _scratch("rsyslog")
    try:
        if conf.is_dir():
            main = scratch / "rsyslog.conf"
            main.write_text(MINIMAL_MAIN_CONF % conf.resolve())
        else:
            main = conf
        done = subprocess.run([find_program("rsyslogd") or "rsyslogd", "-N1", "-f", str(main)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=30, close_fds=True)
        return ParseResult(done.returncode == 0, done.returncode,
                           done.stdout.decode(errors="replace"))
    finally:
        shutil.rmtree(str(scratch), ignore_errors=True)
