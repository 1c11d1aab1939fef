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
import tempfile
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


def private_state_dirs(root: str = "", spool: Optional[str] = None) -> None:
    """Fresh /run, /var/spool and /var/log/audit (of `root`, a directory, when given); `spool`
    (a folder that outlives this namespace) is bind-mounted on /var/spool/audit instead, so a
    forward queue survives a restart of the daemon."""
    mount_tmpfs(root + "/run")
    os.makedirs(root + "/run/lock", exist_ok=True)
    if os.path.isdir(root + "/var/spool"):
        mount_tmpfs(root + "/var/spool")
        os.makedirs(root + "/var/spool/audit", mode=0o700, exist_ok=True)
        if spool:
            bind(spool, root + "/var/spool/audit")
    if os.path.isdir(root + "/var/log/audit"):
        mount_tmpfs(root + "/var/log/audit", "0750")


def open_root(root: str, scratch: Path, name: str) -> str:
    """Inside the namespace: a Debian root of roots.py, ready to run its daemons with `chroot`.
    An overlay keeps the cached root unchanged (writes go to scratch/NAME-upper); this
    namespace's /dev (with its /dev/log), /proc and a fresh /run are mounted in, and the scratch
    folder appears at its own path, so config files, logs and sockets keep one absolute path
    inside and outside. Returns the directory to chroot into."""
    merged = scratch / ("%s-root" % name)
    for sub in (merged, scratch / ("%s-upper" % name), scratch / ("%s-work" % name)):
        sub.mkdir(parents=True, exist_ok=True)
    run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%s,upperdir=%s,workdir=%s" % (
        root, scratch / ("%s-upper" % name), scratch / ("%s-work" % name)), str(merged)])
    run(["mount", "--rbind", "/dev", str(merged / "dev")])
    bind("/proc", str(merged / "proc"))
    private_state_dirs(str(merged))   # /var/spool/audit too: audisp-remote 4.x keeps its queue there
    # the test's files live in the temporary directory (scratch and the configs beside it)
    for shared in sorted({tempfile.gettempdir(), str(scratch)}):
        inside = Path(str(merged) + shared)
        inside.mkdir(parents=True, exist_ok=True)
        run(["mount", "--rbind", shared, str(inside)])
    return str(merged)


def require_visible(root: Optional[str], path: str) -> None:
    """Safety guard: auditd given `-c DIR` that it cannot see starts on its built-in defaults,
    local_events = yes among them. Refuse before that can happen."""
    if root and not os.path.exists(root + path):
        raise RuntimeError("%s is not visible inside %s" % (path, root))


def in_root(root: Optional[str], argv: Sequence[str]) -> List[str]:
    """argv run inside `root` (a directory from open_root), or as it is on the machine."""
    return (["chroot", root] if root else []) + list(argv)


def setup_namespace(scratch: Path, devlog_target: Path) -> None:
    setup_network()
    private_state_dirs()
    private_dev(scratch, devlog_target)


def nested_argv(python: str, argv: Sequence[str], hostname: Optional[str] = None,
                etc_audit: Optional[Path] = None, root: Optional[str] = None,
                preload: Optional[str] = None, spool: Optional[str] = None) -> List[str]:
    """argv that runs `argv` in a nested mount (+uts) namespace: its own hostname, /run,
    /var/log/audit, /var/spool and /etc/audit (bind-mounted from etc_audit), exactly where
    production looks for them; inside `root` (from open_root) when given, with `preload`
    listed in its /etc/ld.so.preload (this namespace only); with `spool`, /var/spool/audit is
    that folder (it outlives the namespace)."""
    out = ["unshare", "-m", "-u", "--propagation", "private",
           python, "-m", "tests.realstack.nsexec"]
    if hostname:
        out += ["--hostname", hostname]
    if etc_audit:
        out += ["--etc-audit", str(etc_audit)]
    if root:
        out += ["--root", root]
    if preload:
        out += ["--preload", preload]
    if spool:
        out += ["--spool", spool]
    return out + ["--"] + list(argv)
