"""Run inside a fresh `unshare -m -u`: set the hostname, give the program private /run,
/var/log/audit and /var/spool, bind-mount the config under test over /etc/audit, then exec
(all of it inside a Debian root, with chroot, when --root names one)."""
from __future__ import annotations

import argparse
import os
import socket

from tests.realstack.ns import bind, in_root, private_state_dirs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hostname")
    parser.add_argument("--etc-audit")
    parser.add_argument("--root", default="")
    parser.add_argument("--preload", help="a file listing the libraries for /etc/ld.so.preload")
    parser.add_argument("--spool", help="a folder that outlives the namespace, for /var/spool/audit")
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if args.hostname:
        socket.sethostname(args.hostname)
    private_state_dirs(args.root, args.spool)
    if args.etc_audit:
        bind(args.etc_audit, args.root + "/etc/audit")
    if args.preload:
        bind(args.preload, args.root + "/etc/ld.so.preload")
    argv = in_root(args.root or None, argv)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()
