"""`openssl` and `rm -f` in a sandbox. openssl is harmless (it only writes the files it is
given), so the sandbox runs the real one with every file path moved under the root: the
lab CA of a demo is a real CA whose certificates the wizard's checks can read."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import List, Sequence

from backends.simulated.outcome import NotSimulated, Outcome, failed, ok

PATH_OPTIONS = {"-keyout", "-out", "-in", "-CA", "-CAkey", "-extfile", "-key", "-config"}


def _under_root(root: Path, path: str) -> str:
    if not path.startswith("/"):
        raise NotSimulated()
    return str(root / path.lstrip("/"))


def openssl(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    program = shutil.which("openssl")
    if program is None:
        return failed(127, "openssl: not installed on the machine running the sandbox")
    args: List[str] = [program]
    previous = ""
    for arg in argv[1:]:
        args.append(_under_root(root, arg) if previous in PATH_OPTIONS else arg)
        previous = arg
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return failed(124, "openssl: timed out")
    return Outcome(done.returncode, done.stdout, done.stderr)


def rm(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    if len(argv) < 3 or argv[1] != "-f":
        raise NotSimulated()
    for path in argv[2:]:
        target = Path(_under_root(root, path))
        if target.is_file() or target.is_symlink():
            target.unlink()
    return ok()
