"""Outside the containers: the API the real-host tests use.

    with ElLab(workdir, machines) as lab:      # boots them (tests.realstack.nspawn)
        lab.run("receiver", ["auditd-wizard", "apply", ...]) -> Ran
        lab.read("receiver", "/etc/audit/auditd.conf") -> str | None
        lab.install_wizard(wheelhouse)           # offline, in every machine

Each machine is the cached hosttools root (tests/realstack/roots.py) dressed as AlmaLinux 9.6
(rootfiles/hosttools/finish.sh): EL's `service` and auditd legacy actions, RefuseManualStop=yes,
stand-in EL packages in its rpm database and a local dnf repository. Commands run with
`nsenter -t <PID 1> -a` and a clean environment, as root on "/" in the container, without
CAP_AUDIT_WRITE and CAP_AUDIT_CONTROL (like everything in the machine)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from backends.runner import CommandError, CommandResult
from tests.realstack.harness import REPO
from tests.realstack.nspawn import NO_AUDIT_CAPS

READY_TIMEOUT = 150
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "HOME": "/root", "LANG": "C.UTF-8", "TERM": "dumb"}
WIZARD_VENV = "/opt/auditd-wizard"


@dataclass
class Ran:
    argv: List[str]
    exit_code: int
    stdout: str
    stderr: str
    seconds: float

    def __str__(self) -> str:
        return "$ %s  (exit %d, %.1f s)\n%s%s" % (" ".join(self.argv), self.exit_code,
                                                  self.seconds, self.stdout, self.stderr)


class LabError(AssertionError):
    pass


class ElLab:
    def __init__(self, workdir: Path, root: Path, machines: Sequence[dict]) -> None:
        self.workdir, self.root, self.specs = workdir, root, list(machines)
        self.process: Optional[subprocess.Popen] = None
        self.machines: Dict[str, dict] = {}
        self.log: List[Ran] = []

    def __enter__(self) -> "ElLab":
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "lab.json").write_text(json.dumps({"root": str(self.root),
                                                            "machines": self.specs}))
        self.process = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", sys.executable, "-m",
             "tests.realstack.nspawn", str(self.workdir)],
            cwd=str(REPO), env=dict(os.environ, PYTHONPATH=str(REPO)), stdin=subprocess.PIPE,
            stdout=open(str(self.workdir / "lab.out"), "wb"), stderr=subprocess.STDOUT,
            close_fds=True)
        ready = self.workdir / "ready.json"
        deadline = time.monotonic() + READY_TIMEOUT
        while not ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise LabError("the lab did not come up:\n" + self._lab_output())
            time.sleep(0.1)
        time.sleep(0.05)
        self.machines = json.loads(ready.read_text())
        if "error" in self.machines:
            self.__exit__(None, None, None)
            raise LabError("the lab failed: %s\n%s" % (self.machines["error"], self._lab_output()))
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()           # the lab powers everything off
            try:
                self.process.wait(120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)

    def _lab_output(self) -> str:
        try:
            return (self.workdir / "lab.out").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    # ------------------------------------------------------------------ commands
    def pid(self, machine: str) -> int:
        return int(self.machines[machine]["pid"])

    def run(self, machine: str, argv: Sequence[str], input: Optional[str] = None,
            timeout: float = 300, env: Optional[Dict[str, str]] = None) -> Ran:
        full = NO_AUDIT_CAPS + ["nsenter", "-t", str(self.pid(machine)), "-a", "--", "env", "-i"]
        full += ["%s=%s" % kv for kv in dict(CLEAN_ENV, **(env or {})).items()] + list(argv)
        started = time.monotonic()
        done = subprocess.run(full, input=(input or "").encode(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, close_fds=True)
        ran = Ran(list(argv), done.returncode, done.stdout.decode(errors="replace"),
                  done.stderr.decode(errors="replace"), time.monotonic() - started)
        self.log.append(ran)
        print("[%s] %s" % (machine, ran))
        return ran

    def check(self, machine: str, argv: Sequence[str], **kwargs) -> Ran:
        ran = self.run(machine, argv, **kwargs)
        if ran.exit_code != 0:
            raise LabError("[%s] failed: %s" % (machine, ran))
        return ran

    def path(self, machine: str, abs_path: str) -> Path:
        """A file of the running machine, seen from outside (through its PID 1's root)."""
        return Path("/proc/%d/root" % self.pid(machine)) / abs_path.lstrip("/")

    def read(self, machine: str, abs_path: str) -> Optional[str]:
        try:
            return self.path(machine, abs_path).read_text(errors="replace")
        except FileNotFoundError:
            return None

    def share(self, machine: str) -> Path:
        """LABDIR/NAME/share, which the machine sees as /srv/lab."""
        return Path(self.machines[machine]["dir"]) / "share"

    # ------------------------------------------------------------------ the wizard
    def install_wizard(self, wheelhouse: Path, machine: str) -> Ran:
        """pip install from the wheelhouse only (no index), in a venv; `auditd-wizard` on PATH."""
        target = self.share(machine) / "wheelhouse"
        if not target.exists():
            os.makedirs(str(target))
            for wheel in wheelhouse.glob("*.whl"):
                os.link(str(wheel), str(target / wheel.name)) if _same_fs(wheel, target) \
                    else _copy(wheel, target / wheel.name)
        # pip runs from its own wheel: a venv without ensurepip's copy is made in a moment,
        # and nothing is byte-compiled ahead (the first run of each module does it)
        pip = next(wheelhouse.glob("pip-*.whl")).name
        self.check(machine, ["python3", "-m", "venv", "--without-pip", WIZARD_VENV])
        ran = self.check(machine, [WIZARD_VENV + "/bin/python", "/srv/lab/wheelhouse/%s/pip" % pip,
                                   "install", "--quiet", "--no-index", "--no-compile",
                                   "--disable-pip-version-check", "--find-links",
                                   "/srv/lab/wheelhouse", "auditd-wizard"])
        self.check(machine, ["ln", "-sf", WIZARD_VENV + "/bin/auditd-wizard",
                             "/usr/local/sbin/auditd-wizard"])
        return ran


class MachineRunner:
    """The wizard's Runner interface (backends.runner), running each command in a machine: the
    probe's parsers then read what the real tools print there."""

    def __init__(self, lab: ElLab, machine: str) -> None:
        self.lab, self.machine = lab, machine

    def run(self, argv, *, ok_codes=(0,), timeout: float = 600, input=None) -> CommandResult:
        ran = self.lab.run(self.machine, [str(a) for a in argv], input=input, timeout=timeout)
        if ran.exit_code not in ok_codes:
            raise CommandError(argv, ran.exit_code, stderr=ran.stderr, stdout=ran.stdout)
        return CommandResult(tuple(str(a) for a in argv), ran.exit_code, ran.stdout, ran.stderr)

    def has_command(self, program: str) -> bool:
        return self.lab.run(self.machine, ["sh", "-c", 'command -v "$1"', "sh", program]).exit_code == 0


def _same_fs(a: Path, b: Path) -> bool:
    return os.stat(str(a)).st_dev == os.stat(str(b)).st_dev


def _copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())
