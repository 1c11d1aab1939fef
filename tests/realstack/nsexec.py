"""Run inside a fresh `unshare -m -u`: set the hostname, give the program private /run,
/var/log/audit and /var/spool, bind-mount the config under test over /etc/audit, then exec."""
from __future__ import annotations

import argparse
import os
import socket

from tests.realstack.ns import bind, private_state_dirs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hostname")
    parser.add_argument("--etc-audit")
    parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if args.hostname:
        socket.sethostname(args.hostname)
    private_state_dirs()
    if args.etc_audit:
        bind(args.etc_audit, "/etc/audit")
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main()
