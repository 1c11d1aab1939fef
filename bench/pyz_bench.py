"""Start-up of the one-file install against a venv install, measured in the same run, runs
interleaved (a script, not a timed test).

  * `auditd-wizard --version`: process start to exit
  * the TUI on a demo root: process start to its first frame (the marker tui_bench.py waits for)
  * the pyz's first start (it unpacks into an empty cache) and its size

Both use the same Python (3.9 or 3.12: the pyz holds wheels for those). The venv is a plain,
non-editable `pip install .` into build/bench-venv-X.Y (made once; needs PyPI).

Usage: python3.12 bench/pyz_bench.py [--runs 7] [--pyz dist/auditd-wizard.pyz]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from tui_bench import F9, PtyProcess

REPO = Path(__file__).resolve().parent.parent
READY = b"forward Linux audit records"   # in the TUI's first frame (as tui_bench.py)


def venv_install() -> Path:
    venv = REPO / "build" / ("bench-venv-%d.%d" % sys.version_info[:2])
    if not (venv / "bin" / "auditd-wizard").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(REPO)], check=True)
    return venv / "bin" / "auditd-wizard"


def seconds(argv: List[str], env: Dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def first_frame(argv: List[str], env: Dict[str, str]) -> float:
    old = dict(os.environ)
    os.environ.update(env)
    try:
        proc = PtyProcess(argv, "xterm-256color")
    finally:
        os.environ.clear()
        os.environ.update(old)
    ready = proc.wait_for(READY)
    proc.read_for(0.3)
    proc.finish([F9, b"y"])
    return ready if ready is not None else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pyz", type=Path, default=REPO / "dist" / "auditd-wizard.pyz")
    args = parser.parse_args()
    venv_cmd = [str(venv_install())]
    pyz_cmd = [sys.executable, str(args.pyz)]
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, PEX_ROOT=str(Path(scratch) / "pex"))
        first = seconds(pyz_cmd + ["--version"], env)      # unpacks into the empty cache
        root = str(Path(scratch) / "root")
        subprocess.run(venv_cmd + ["demo-root", root], env=env, check=True, stdout=subprocess.DEVNULL)
        times: Dict[str, List[float]] = {k: [] for k in ("venv", "pyz", "venv-tui", "pyz-tui")}
        for _ in range(args.runs):
            times["venv"].append(seconds(venv_cmd + ["--version"], env))
            times["pyz"].append(seconds(pyz_cmd + ["--version"], env))
            times["venv-tui"].append(first_frame(venv_cmd + ["--root", root], env))
            times["pyz-tui"].append(first_frame(pyz_cmd + ["--root", root], env))
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"Python {sys.version.split()[0]}, {args.runs} runs, medians; pyz "
          f"{args.pyz.stat().st_size / 2**20:.1f} MiB, first start (unpacking) {first * 1000:.0f} ms")
    print(f"--version:          venv {med['venv']:.0f} ms, pyz {med['pyz']:.0f} ms "
          f"({med['pyz'] / med['venv']:.2f}x)")
    print(f"TUI first frame:    venv {med['venv-tui']:.0f} ms, pyz {med['pyz-tui']:.0f} ms "
          f"({med['pyz-tui'] / med['venv-tui']:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
