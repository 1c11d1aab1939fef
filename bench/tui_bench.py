"""Benchmark of the wizard's TUI on a demo root (a script, not a timed test).

Everything is measured in one run against a bare Textual app (a header, an input, a footer),
so the ratios hold on a busy machine:
  * interactive Welcome: from process start until the host's facts and the role choice are on
    the screen and a key pressed at that moment has been answered (Right chooses "receiver" and
    its explanation shows);
    the bare app's equivalent is its input on the screen and a letter typed at that moment
    echoed. Target <= 1.5x the bare app. Reported apart: the splash ("Reading this host...",
    drawn before the host is read) and F1 pressed next (Help, a whole-screen repaint).
  * peak memory, max RSS of that run (Welcome, Help, quit): target <= 1.4x the bare app.
    Welcome needs neither the answers model (pydantic) nor the steps: they load at the first
    F10. So reported apart, without a target: the time of that first F10 (Welcome -> step 1)
    and the max RSS of a run that walks every step to Review.
  * bytes written to the terminal for each screen change at 80x24 with TERM=linux, Welcome ->
    step 1 -> ... -> Review, on a real pty, counted after each key until nothing more arrives
    for 0.4 s: target <= 2 KB each. The same with TERM=xterm-256color is shown (no target).
  * one step's preview, plan recomputed each time (CPU time): target <= 20 ms.
Both apps run with their bytecode compiled, as installed packages have it (Textual's is compiled
by pip; the project's is compiled here first, and PYTHONDONTWRITEBYTECODE is dropped for them).

Usage: python bench/tui_bench.py [--os almalinux-9] [--runs 5]
"""
from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Callable, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from vt_screen import VtScreen                      # noqa: E402
from wizard.sandbox import make_demo_root           # noqa: E402
from wizard.session import Session                  # noqa: E402

F1, F9, F10 = b"\x1bOP", b"\x1b[20~", b"\x1b[21~"
RIGHT, ESC = b"\x1b[C", b"\x1b"

BARE_APP = r'''
from textual.app import App
from textual.widgets import Footer, Header, Input
class Bare(App):
    TITLE = "bench-bare"
    def compose(self):
        yield Header()
        yield Input(placeholder="bench-ready")
        yield Footer()
Bare().run()
'''


class PtyProcess:
    """A child process on a pseudo-terminal of a given size; what it drew is kept in a VT."""

    def __init__(self, argv: List[str], term: str, cols: int = 80, rows: int = 24):
        env = dict(os.environ, TERM=term, COLUMNS=str(cols), LINES=str(rows))
        env.pop("TEXTUAL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.start = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = VtScreen(cols, rows)
        self.total = 0

    def _read(self, timeout: float) -> int:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return 0
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return -1
        self.screen.feed(chunk.decode(errors="replace"))
        self.total += len(chunk)
        return len(chunk)

    def read_for(self, quiet: float, limit: float = 10.0) -> int:
        """Read until nothing arrives for `quiet` seconds; returns the bytes read."""
        got, deadline, last = 0, time.perf_counter() + limit, time.perf_counter()
        while time.perf_counter() < deadline:
            n = self._read(0.02)
            if n < 0:
                break
            if n:
                got, last = got + n, time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                break
        return got

    def wait_until(self, shown: Callable[[str], bool], limit: float = 60.0) -> Optional[float]:
        """Seconds from process start until the screen satisfies `shown`."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if shown(self.screen.text()):
                return time.perf_counter() - self.start
            if self._read(0.005) < 0:
                return None
        return None

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def cpu_now(self) -> float:
        """CPU seconds (user + system) the child has used so far, from /proc: unlike the
        wall clock, what the machine's load does not inflate."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def finish(self, keys: List[bytes]) -> Tuple[int, float]:
        """Send the quit keys, reap the child; returns its max RSS in KiB and the CPU seconds
        it used in all (user + system: what the machine's load does not inflate)."""
        for key in keys:
            self.send(key)
            self.read_for(0.3, limit=3)
        deadline = time.time() + 5
        while time.time() < deadline:
            pid, _status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return usage.ru_maxrss, usage.ru_utime + usage.ru_stime
            self.read_for(0.05, limit=0.2)
        os.kill(self.pid, 9)
        _pid, _status, usage = os.wait4(self.pid, 0)
        os.close(self.fd)
        return usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def run_bare(term: str) -> Tuple[float, int, float]:
    """(seconds until a letter typed as soon as the input shows is echoed, max RSS KiB, CPU
    seconds used by then)"""
    proc = PtyProcess([sys.executable, "-c", BARE_APP], term)
    if proc.wait_until(lambda text: "bench-ready" in text) is None:
        raise SystemExit("the bare app never drew its input")
    proc.send(b"Z")
    ready = proc.wait_until(lambda text: "bench-ready" not in text and "Z" in text)
    cpu = proc.cpu_now()
    proc.read_for(0.3)
    return ready or float("nan"), proc.finish([b"\x11"])[0], cpu


def wizard_argv(root: str, *extra: str) -> List[str]:
    return [sys.executable, "-m", "wizard.cli", "--root", root, *extra]


def run_wizard(root: str, term: str) -> Tuple[float, float, float, int, float]:
    """(splash seconds, interactive Welcome seconds, F1 seconds, max RSS KiB, CPU seconds used
    until interactive): interactive is the host's facts and the role choice on the screen and
    Right, pressed at that moment, answered with the receiver's explanation; F1 is the time
    from F1, pressed next, to the Help box."""
    proc = PtyProcess(wizard_argv(root), term)
    splash = proc.wait_until(lambda text: "forward Linux audit records" in text)
    if proc.wait_until(lambda text: "Host: " in text and "firewalld:" in text
                       and "This host is the" in text) is None:
        raise SystemExit("Welcome never showed the host's facts and the role choice")
    proc.send(RIGHT)
    ready = proc.wait_until(lambda text: "Receiver: this host collects" in text)
    cpu = proc.cpu_now()
    proc.read_for(0.3)
    asked = time.perf_counter() - proc.start
    proc.send(F1)
    helped = proc.wait_until(lambda text: "Help: Welcome" in text)
    proc.read_for(0.3)
    return (splash or float("nan"), ready or float("nan"),
            (helped or float("nan")) - asked, proc.finish([ESC, F9, b"y"])[0], cpu)


def _where(text: str) -> Optional[str]:
    """"Welcome", "step N" or "Review": which screen the terminal shows."""
    step = re.search(r"Step ([0-9]) of 9:", text)
    if "Review & apply" in text:
        return "Review"
    return f"step {step.group(1)}" if step else "Welcome" if "This host is the" in text else None


def first_step_seconds(root: str, term: str) -> float:
    """From F10 on an interactive Welcome to step 1 on the screen: the answers model, the
    Session and the steps load then."""
    proc = PtyProcess(wizard_argv(root), term)
    if proc.wait_until(lambda text: "This host is the" in text) is None:
        raise SystemExit("Welcome never showed the role choice")
    proc.read_for(0.3)
    sent = time.perf_counter()
    proc.send(F10)
    shown = proc.wait_until(lambda text: "Step 1 of 9" in text)
    took = time.perf_counter() - sent
    proc.read_for(0.3)
    proc.finish([F9, b"y"])
    return took if shown is not None else float("nan")


def screen_change_bytes(root: str, term: str, answers: Path) -> Tuple[List[Tuple[str, int]], int]:
    """Bytes written after each key from Welcome through the steps to Review, until the
    screen is idle, and the walk's max RSS KiB. The answers file fills every form, so each
    F10 really moves on."""
    proc = PtyProcess(wizard_argv(root, "--answers", str(answers)), term)
    if proc.wait_until(lambda text: "This host is the" in text) is None:
        raise SystemExit("Welcome never became interactive")
    proc.read_for(0.5)
    sizes = []
    where = "Welcome"
    for _ in range(12):
        before = proc.total
        proc.send(F10)
        proc.wait_until(lambda text: _where(text) not in (None, where), limit=20)
        proc.read_for(0.4)
        size = proc.total - before
        now = _where(proc.screen.text())
        if now is None or now == where:
            raise SystemExit(f"F10 did not move on from {where}: the measure would be wrong")
        sizes.append((f"{where} -> {now}", size))
        where = now
        if now == "Review":
            break
    return sizes, proc.finish([F9, b"y"])[0]


def preview_times(root: str) -> Tuple[float, List[float]]:
    session = Session.open(root)
    session.set_field("role", "sender")
    session.set_field("remote.server", "logs.example.com")
    start = time.process_time()
    session.step_preview(1)          # the first plan also reads the system state
    cold = (time.process_time() - start) * 1000
    times = []
    for _ in range(5):
        for step in range(1, 10):
            session.set_field("remote.port", session.answers.remote.port)   # forces a re-plan
            start = time.process_time()  # CPU time: what the machine's load does not inflate
            session.step_preview(step)
            times.append((time.process_time() - start) * 1000)
    return cold, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--os", default="almalinux-9")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    for package in ("wizard", "screens", "backends"):
        compileall.compile_dir(str(HERE.parent / package), quiet=1)
    tmp = tempfile.mkdtemp(prefix="auditd-wizard-bench-")
    root = str(make_demo_root(Path(tmp) / "root", args.os))
    bare_t, bare_m, bare_c, splash_t, wiz_t, wiz_m, wiz_c, help_t, step_t = ([] for _ in range(9))
    for _ in range(args.runs):       # interleaved: both see the same machine load
        t, m, c = run_bare("xterm-256color")
        bare_t.append(t)
        bare_m.append(m)
        bare_c.append(c)
        s, t, h, m, c = run_wizard(root, "xterm-256color")
        splash_t.append(s)
        help_t.append(h)
        wiz_t.append(t)
        wiz_m.append(m)
        wiz_c.append(c)
        step_t.append(first_step_seconds(root, "xterm-256color"))
    answers = HERE.parent / "examples" / "sender.toml"
    sizes, walk_m = screen_change_bytes(root, "linux", answers)
    sizes_normal, _ = screen_change_bytes(root, "xterm-256color", answers)
    cold, previews = preview_times(root)

    bt, wt, st = statistics.median(bare_t), statistics.median(wiz_t), statistics.median(splash_t)
    bm, wm = statistics.median(bare_m), statistics.median(wiz_m)
    bc, wc = statistics.median(bare_c), statistics.median(wiz_c)
    console = [size for _, size in sizes]
    rows = [
        ("interactive Welcome", f"{wt * 1000:.0f} ms", f"bare {bt * 1000:.0f} ms",
         f"{wt / bt:.2f}x", "<= 1.50x", wt / bt <= 1.5),
        ("  splash (first frame)", f"{st * 1000:.0f} ms", "", f"{st / bt:.2f}x", "", True),
        ("  CPU to interactive", f"{wc * 1000:.0f} ms", f"bare {bc * 1000:.0f} ms",
         f"{wc / bc:.2f}x", "", True),
        ("  F1 next: Help shown", f"{statistics.median(help_t) * 1000:.0f} ms", "", "", "", True),
        ("  first F10: step 1", f"{statistics.median(step_t) * 1000:.0f} ms", "the steps load",
         "", "", True),
        ("peak memory (max RSS)", f"{wm / 1024:.1f} MiB", f"bare {bm / 1024:.1f} MiB",
         f"{wm / bm:.2f}x", "<= 1.40x", wm / bm <= 1.4),
        ("  walk to Review", f"{walk_m / 1024:.1f} MiB", "TERM=linux", f"{walk_m / bm:.2f}x",
         "", True),
        ("bytes per screen change", f"max {max(console)} B", f"mean {statistics.mean(console):.0f} B",
         "TERM=linux", "<= 2048 B", max(console) <= 2048),
        ("  same, normal mode", f"max {max(s for _, s in sizes_normal)} B",
         f"mean {statistics.mean(s for _, s in sizes_normal):.0f} B", "xterm-256", "", True),
        ("step preview (re-plan)", f"max {max(previews):.1f} ms",
         f"median {statistics.median(previews):.1f} ms", f"1st {cold:.0f} ms", "<= 20 ms",
         max(previews) <= 20),
    ]
    print(f"auditd-wizard TUI benchmark ({args.os} demo root, 80x24, {args.runs} runs, medians)")
    print(f"{'measure':<26}{'wizard':>14}{'reference':>20}{'ratio':>12}{'target':>11}  ok")
    for name, value, ref, ratio, target, ok in rows:
        print(f"{name:<26}{value:>14}{ref:>20}{ratio:>12}{target:>11}  {'yes' if ok else 'NO'}")
    print("bytes per screen change, TERM=linux:")
    for (change, size), (_, normal) in zip(sizes, sizes_normal):
        print(f"  {change:<26}{size:>6} B   (xterm-256color {normal} B)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
