"""A small lab of booted containers, run as its own process in a private mount namespace:

    unshare -m --propagation private python -m tests.realstack.nspawn LABDIR

reads LABDIR/lab.json, boots every machine with systemd-nspawn, writes LABDIR/ready.json
(each machine's PID 1, for `nsenter -t PID -a`), and keeps them running until its stdin closes
(the test is done, or died); then it powers them off and removes what it made.

Each machine: its own overlay over the shared, read-only root (changes go to LABDIR/NAME/upper,
so the tests can see them and the cached root never changes), its own network namespace holding
one end of a veth pair (the other end in the peer machine's namespace: the two can talk, the
host's network is never touched), systemd as PID 1 with CAP_AUDIT_WRITE and CAP_AUDIT_CONTROL
dropped (nothing reaches the host kernel's audit), and dedicated cgroups that are removed after.
SYSTEMD_SECCOMP=0: nspawn's filter refuses the audit netlink socket auditd opens even with
local_events = no. nspawn is the root's own binary, run with the root's libraries, so the
machine running the tests needs no systemd-container package."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

# Every command the tests run in a machine goes through nsenter, which keeps this process's
# capabilities: without these two the kernel would take its audit records (auditctl -m, semanage)
# into the host's audit log. Dropped from the bounding set, they are gone after each exec.
NO_AUDIT_CAPS = ["setpriv", "--bounding-set=-audit_write,-audit_control",
                 "--inh-caps=-audit_write,-audit_control", "--"]
BOOT_TIMEOUT = 90
STOP_TIMEOUT = 30
CGROUP_HIERARCHIES = ("/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified")
VETH = "lab0"


def _run(argv: List[str], timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout, close_fds=True, check=True)


def nspawn_argv(root: Path) -> List[str]:
    libs = ["usr/lib/x86_64-linux-gnu/systemd", "lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu"]
    return [str(root / "lib64" / "ld-linux-x86-64.so.2"), "--library-path",
            ":".join(str(root / d) for d in libs), str(root / "usr" / "bin" / "systemd-nspawn")]


class Machine:
    def __init__(self, lab: Path, root: Path, spec: dict) -> None:
        self.lab, self.root, self.spec = lab, root, spec
        self.name = spec["name"]
        self.dir = lab / self.name
        self.holder: Optional[subprocess.Popen] = None
        self.nspawn: Optional[subprocess.Popen] = None
        self.cgroup = "auditd-wizard-lab-%d-%s" % (os.getpid(), self.name)
        self.pid1: Optional[int] = None

    # -------------------------------------------------------------- set-up
    def mount_root(self) -> None:
        for sub in ("upper", "work", "merged", "share"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        # systemd sets the host name from /etc/hostname at boot, over nspawn's --hostname
        (self.dir / "hostname").write_text(self.spec["hostname"] + "\n")
        _run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%s,upperdir=%s,workdir=%s" % (
            self.root, self.dir / "upper", self.dir / "work"), str(self.dir / "merged")])

    def make_netns(self) -> None:
        # An empty network namespace held by a sleeping process; nspawn joins it.
        self.holder = subprocess.Popen(["unshare", "--net", "--", "sleep", "infinity"],
                                       stdin=subprocess.DEVNULL, close_fds=True)
        deadline = time.monotonic() + 5
        while os.readlink("/proc/%d/ns/net" % self.holder.pid) == os.readlink("/proc/self/ns/net"):
            if time.monotonic() > deadline:
                raise RuntimeError("network namespace holder for %s never unshared" % self.name)
            time.sleep(0.01)

    def in_netns(self, *argv: str) -> None:
        _run(["nsenter", "-t", str(self.holder.pid), "-n", "--"] + list(argv))

    def boot(self) -> None:
        for hierarchy in CGROUP_HIERARCHIES:
            os.makedirs(os.path.join(hierarchy, self.cgroup), exist_ok=True)
        argv = nspawn_argv(self.root) + [
            "-q", "-D", str(self.dir / "merged"), "-b", "--register=no", "--keep-unit",
            "--network-namespace-path=/proc/%d/ns/net" % self.holder.pid,
            # what --private-network grants (firewalld needs it for nftables); the namespace
            # it acts on is the machine's own
            "--capability=CAP_NET_ADMIN",
            "--drop-capability=CAP_AUDIT_WRITE,CAP_AUDIT_CONTROL", "--console=passive",
            "--machine=%s" % self.name, "--hostname=%s" % self.spec["hostname"],
            "--bind=%s:/srv/lab" % (self.dir / "share"),
            "--bind-ro=%s:/etc/hostname" % (self.dir / "hostname")]
        argv += ["--bind-ro=%s:%s" % (src, dst) for src, dst in self.spec.get("binds_ro", [])]
        env = dict(os.environ, SYSTEMD_SECCOMP="0")
        console = open(str(self.dir / "console.log"), "wb")
        self.nspawn = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=console,
                                       stderr=subprocess.STDOUT, close_fds=True,
                                       preexec_fn=self._enter_cgroups)
        console.close()

    def _enter_cgroups(self) -> None:   # in the child, before exec: nspawn's own cgroups
        for hierarchy in CGROUP_HIERARCHIES:
            with open(os.path.join(hierarchy, self.cgroup, "cgroup.procs"), "w") as procs:
                procs.write(str(os.getpid()))

    def wait_running(self, deadline: float) -> str:
        state = "starting"
        while time.monotonic() < deadline:
            if self.nspawn.poll() is not None:
                raise RuntimeError("nspawn for %s exited %s during boot:\n%s" % (
                    self.name, self.nspawn.returncode, self.console()[-3000:]))
            if self.pid1 is None:
                self.pid1 = _systemd_child(self.nspawn.pid)
            if self.pid1 is not None:
                done = subprocess.run(NO_AUDIT_CAPS + ["nsenter", "-t", str(self.pid1), "-a",
                                                       "systemctl", "is-system-running"],
                                      stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      timeout=10, close_fds=True)
                state = done.stdout.decode().strip()
                if state in ("running", "degraded"):
                    return state
            time.sleep(0.1)
        raise RuntimeError("%s did not finish booting (%s):\n%s" % (self.name, state,
                                                                     self.console()[-3000:]))

    def console(self) -> str:
        try:
            return (self.dir / "console.log").read_text(errors="replace")
        except OSError:
            return ""

    # -------------------------------------------------------------- tear-down
    def power_off(self) -> None:
        if self.nspawn is not None and self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)   # nspawn asks systemd to power off
            try:
                self.nspawn.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.nspawn.kill()
                self.nspawn.wait(STOP_TIMEOUT)
        if self.holder is not None and self.holder.poll() is None:
            self.holder.kill()
            self.holder.wait(STOP_TIMEOUT)
        for hierarchy in CGROUP_HIERARCHIES:
            _remove_cgroup(os.path.join(hierarchy, self.cgroup))


def _systemd_child(parent: int) -> Optional[int]:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open("/proc/%s/comm" % entry) as comm:
                name = comm.read().strip()
        except OSError:
            continue
        if int(fields[1]) == parent and name == "systemd":
            return int(entry)
    return None


def _remove_cgroup(path: str) -> None:
    """Deepest first; a cgroup can only be removed once it is empty."""
    if not os.path.isdir(path):
        return
    for directory, subdirs, _files in sorted(os.walk(path), key=lambda w: -w[0].count("/")):
        for _ in range(50):
            try:
                os.rmdir(directory)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)


def main(lab: Path) -> int:
    config = json.loads((lab / "lab.json").read_text())
    root = Path(config["root"])
    machines = [Machine(lab, root, spec) for spec in config["machines"]]
    ready: Dict[str, dict] = {}
    try:
        for machine in machines:
            machine.mount_root()
            machine.make_netns()
        if len(machines) == 2:   # a veth pair between the two namespaces
            first, second = machines
            first.in_netns("ip", "link", "add", VETH, "type", "veth", "peer", "name", VETH,
                           "netns", str(second.holder.pid))
        for machine in machines:
            machine.in_netns("ip", "link", "set", "lo", "up")
            for address in machine.spec.get("addresses", []):
                machine.in_netns("ip", "addr", "add", address, "dev", VETH)
            if len(machines) == 2:
                machine.in_netns("ip", "link", "set", VETH, "up")
        started = time.monotonic()
        for machine in machines:
            machine.boot()
        for machine in machines:
            state = machine.wait_running(started + BOOT_TIMEOUT)
            ready[machine.name] = {"pid": machine.pid1, "state": state,
                                   "boot_seconds": round(time.monotonic() - started, 2),
                                   "dir": str(machine.dir)}
        (lab / "ready.json").write_text(json.dumps(ready))
        sys.stdin.read()      # until the test closes our stdin (or dies)
        return 0
    except Exception as error:
        (lab / "ready.json").write_text(json.dumps({"error": str(error)}))
        raise
    finally:
        for machine in machines:
            machine.power_off()
        for machine in machines:
            subprocess.run(["umount", "-l", str(machine.dir / "merged")], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
