"""Inside the private namespace: make it look like a host of its own.

- lo up plus 127.0.0.2/8: glibc's AI_ADDRCONFIG ignores 127.0.0.1, so with no other IPv4
  address audisp-remote's local_port bind (getaddrinfo AI_PASSIVE|AI_ADDRCONFIG) fails.
- tmpfs on /run (auditd writes /var/run/auditd.pid and auditd.state), /var/spool (the
  audisp-remote queue_file) and /var/log/audit.
- a private /dev whose `log` points at a socket in the run directory.
All of it disappears with the namespace."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List, Optional, Sequence

DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


def run(argv: Sequence[str]) -> None:
    subprocess.run(list(argv), check=True, close_fds=True, timeout=10,
                   stdin=subprocess.DEVNULL)


def mount_tmpfs(target: str, mode: str = "0755") -> None:
    run(["mount", "-t", "tmpfs", "-o", "mode=%s" % mode, "tmpfs", target])


def bind(source: str, target: str) -> None:
    run(["mount", "--bind", source, target])


def setup_network() -> None:
    run(["ip", "link", "set", "lo", "up"])
    run(["ip", "addr", "add", "127.0.0.2/8", "dev", "lo"])


def private_dev(scratch: Path, devlog_target: Path) -> None:
    newdev = scratch / "dev"
    newdev.mkdir(parents=True, exist_ok=True)
    mount_tmpfs(str(newdev))
    for name in DEVICES:
        (newdev / name).touch()
        bind("/dev/%s" % name, str(newdev / name))
    for name in ("pts", "shm"):
        (newdev / name).mkdir()
    os.symlink("/proc/self/fd", str(newdev / "fd"))
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink("/proc/self/fd/%d" % number, str(newdev / name))
    os.symlink(str(devlog_target), str(newdev / "log"))
    run(["mount", "--rbind", str(newdev), "/dev"])


def private_state_dirs() -> None:
    mount_tmpfs("/run")
    os.makedirs("/run/lock", exist_ok=True)
    if os.path.isdir("/var/spool"):
        mount_tmpfs("/var/spool")
        os.makedirs("/var/spool/audit", mode=0o700, exist_ok=True)
    if os.path.isdir("/var/log/audit"):
        mount_tmpfs("/var/log/audit", "0750")


def setup_namespace(scratch: Path, devlog_target: Path) -> None:
    setup_network()
    private_state_dirs()
    private_dev(scratch, devlog_target)


def nested_argv(python: str, argv: Sequence[str], hostname: Optional[str] = None,
                etc_audit: Optional[Path] = None) -> List[str]:
    """argv that runs `argv` in a nested mount (+uts) namespace: its own hostname, /run,
    /var/log/audit, /var/spool and /etc/audit (bind-mounted from etc_audit), exactly where
    production looks for them."""
    out = ["unshare", "-m", "-u", "--propagation", "private",
           python, "-m", "tests.realstack.nsexec"]
    if hostname:
        out += ["--hostname", hostname]
    if etc_audit:
        out += ["--etc-audit", str(etc_audit)]
    return out + ["--"] + list(argv)
