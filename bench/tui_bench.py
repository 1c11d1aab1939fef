"""Benchmark of the wizard's TUI on a demo root (a script, not a timed test).

Measures, in one run and against a bare Textual app (header, input, footer):
  * time from process start to the first interactive frame (ratio; target <= 1.3x)
  * peak memory, max RSS of the process (ratio; target <= 1.5x)
  * bytes written to the terminal for each step change at 80x24 with TERM=linux (target <= 4 KB),
    under a real pty, counted after each F10 until nothing more arrives for 0.4 s; and the same
    with TERM=xterm-256color (normal mode, no target)
  * time to compute one step's preview, plan recomputed each time (target <= 20 ms)

Usage: python bench/tui_bench.py [--os almalinux-9] [--runs 3]
"""
from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import List, Optional, Tuple

HERE = Path(__file__).resolve().parent
F10 = b"\x1b[21~"
F9 = b"\x1b[20~"

BARE_APP = r'''
from textual.app import App
from textual.widgets import Footer, Header, Input
class Bare(App):
    TITLE = "bench-bare-ready"
    def compose(self):
        yield Header()
        yield Input(placeholder="bench-ready")
        yield Footer()
Bare().run()
'''


class PtyProcess:
    """A child process on a pseudo-terminal of a given size, read without blocking."""

    def __init__(self, argv: List[str], term: str, cols: int = 80, rows: int = 24):
        env = dict(os.environ, TERM=term, COLUMNS=str(cols), LINES=str(rows))
        env.pop("TEXTUAL", None)
        self.start = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.output = bytearray()

    def read_for(self, quiet: float, limit: float = 10.0) -> int:
        """Read until nothing arrives for `quiet` seconds; returns the bytes read."""
        got, deadline, last = 0, time.perf_counter() + limit, time.perf_counter()
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.output += chunk
                got += len(chunk)
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                break
        return got

    def wait_for(self, marker: bytes, limit: float = 30.0) -> Optional[float]:
        """Seconds from process start until `marker` appears in the output."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if marker in self.output:
                return time.perf_counter() - self.start
            ready, _, _ = select.select([self.fd], [], [], 0.01)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    return None
        return None

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def finish(self, keys: List[bytes]) -> int:
        """Send the quit keys, reap the child; returns its max RSS in KiB."""
        for key in keys:
            self.send(key)
            self.read_for(0.3, limit=3)
        deadline = time.time() + 5
        while time.time() < deadline:
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return usage.ru_maxrss
            self.read_for(0.05, limit=0.2)
        os.kill(self.pid, 9)
        _pid, _status, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return usage.ru_maxrss


def run_bare(term: str) -> Tuple[float, int]:
    proc = PtyProcess([sys.executable, "-c", BARE_APP], term)
    ready = proc.wait_for(b"bench-bare-ready")
    proc.read_for(0.3)
    return ready or float("nan"), proc.finish([b"\x11"])


def wizard_argv(root: str, *extra: str) -> List[str]:
    return [sys.executable, "-m", "wizard.cli", "--root", root, *extra]


def run_wizard(root: str, term: str) -> Tuple[float, int]:
    proc = PtyProcess(wizard_argv(root), term)
    ready = proc.wait_for(b"forward Linux audit records")
    proc.read_for(0.3)
    return ready or float("nan"), proc.finish([F9, b"y"])


def step_change_bytes(root: str, term: str, answers: Path) -> List[int]:
    """Bytes written after each F10 until the screen is idle. The answers file fills every
    form, so each F10 really changes step (a refused Next only draws a small notice)."""
    proc = PtyProcess(wizard_argv(root, "--answers", str(answers), "--start-at", "1"), term)
    proc.wait_for(b"Step 1 of 9")
    proc.read_for(0.5)
    from vt_screen import VtScreen
    sizes = []
    for step in range(2, 10):
        proc.send(F10)
        sizes.append(proc.read_for(0.4))
        screen = VtScreen()
        screen.feed(proc.output.decode(errors="replace"))
        if f"Step {step} of 9" not in screen.text():
            raise SystemExit(f"F10 did not reach step {step}: the measure would be wrong")
    proc.finish([F9, b"y"])
    return sizes


def preview_times(root: str) -> List[float]:
    sys.path.insert(0, str(HERE.parent))
    from wizard.session import Session
    session = Session.open(root)
    session.set_field("role", "sender")
    session.set_field("remote.server", "logs.example.com")
    start = time.perf_counter()
    session.step_preview(1)          # the first plan also pays one-off lazy imports
    cold = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(5):
        for step in range(1, 10):
            session.set_field("remote.port", session.answers.remote.port)   # forces a re-plan
            start = time.perf_counter()
            session.step_preview(step)
            times.append((time.perf_counter() - start) * 1000)
    return cold, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--os", default="almalinux-9")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    from wizard.sandbox import make_demo_root

    tmp = tempfile.mkdtemp(prefix="auditd-wizard-bench-")
    root = str(make_demo_root(Path(tmp) / "root", args.os))
    bare_t, bare_m, wiz_t, wiz_m = [], [], [], []
    for _ in range(args.runs):
        t, m = run_bare("xterm-256color")
        bare_t.append(t)
        bare_m.append(m)
        t, m = run_wizard(root, "xterm-256color")
        wiz_t.append(t)
        wiz_m.append(m)
    answers = HERE.parent / "examples" / "sender.toml"
    sizes = step_change_bytes(root, "linux", answers)
    sizes_normal = step_change_bytes(root, "xterm-256color", answers)
    cold, previews = preview_times(root)

    bt, wt = statistics.median(bare_t), statistics.median(wiz_t)
    bm, wm = max(bare_m), max(wiz_m)
    rows = [
        ("first interactive frame", f"{wt * 1000:.0f} ms", f"bare {bt * 1000:.0f} ms",
         f"{wt / bt:.2f}x", "<= 1.30x", wt / bt <= 1.3),
        ("peak memory (max RSS)", f"{wm / 1024:.1f} MiB", f"bare {bm / 1024:.1f} MiB",
         f"{wm / bm:.2f}x", "<= 1.50x", wm / bm <= 1.5),
        ("bytes per step change", f"max {max(sizes)} B", f"mean {statistics.mean(sizes):.0f} B",
         "TERM=linux", "<= 4096 B", max(sizes) <= 4096),
        ("  same, normal mode", f"max {max(sizes_normal)} B",
         f"mean {statistics.mean(sizes_normal):.0f} B", "xterm-256", "", True),
        ("step preview (re-plan)", f"max {max(previews):.1f} ms",
         f"median {statistics.median(previews):.1f} ms", f"1st {cold:.0f} ms", "<= 20 ms",
         max(previews) <= 20),
    ]
    print(f"auditd-wizard TUI benchmark ({args.os} demo root, 80x24, {args.runs} runs)")
    print(f"{'measure':<26}{'wizard':>16}{'reference':>22}{'ratio':>12}{'target':>11}  ok")
    for name, value, ref, ratio, target, ok in rows:
        print(f"{name:<26}{value:>16}{ref:>22}{ratio:>12}{target:>11}  {'yes' if ok else 'NO'}")
    print("bytes for each step change 1->2 ... 8->9, TERM=linux:", " ".join(map(str, sizes)))
    print("                                  xterm-256color:", " ".join(map(str, sizes_normal)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
