"""How long the exported Ansible playbook takes against the wizard's own apply, for the same
change on twin demo roots (a script, not a timed test).

Both run as a user would run them, as separate processes, wall time by time.perf_counter:
  wizard : auditd-wizard apply --answers F --root ROOT --yes
  ansible: ansible-playbook (connection local) on the exported playbook, files only
           (auditd_wizard_manage_system=false: the sandbox has no real dnf/semanage/firewalld)
The wizard's run does more (simulated dnf install, service start/restart, journal with
backups); the playbook run edits the same files. Each is timed for the first run (the change)
and a second run (nothing left to change).

Usage: python bench/ansible_vs_wizard.py [--os almalinux-9] [--runs 3] [--role sender|receiver]
       [--answers FILE] [--ansible-playbook PATH]
(--answers times any answers file, such as an rsyslog TLS sender; --role picks an example.)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from backends.simulated import SimulatedRunner  # noqa: E402
from wizard.answers import load_answers  # noqa: E402
from wizard.export import export_ansible  # noqa: E402
from wizard.export.playbook import group_name  # noqa: E402
from wizard.export.recording import record  # noqa: E402
from wizard.sandbox import make_demo_root  # noqa: E402


def find_playbook_command(given):
    candidates = [given, str(Path(sys.executable).parent / "ansible-playbook"), shutil.which("ansible-playbook"),
                  str(Path.home() / ".cache/auditd-wizard/ansible-venv/bin/ansible-playbook")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("ansible-playbook not found: pip install ansible-core, or give --ansible-playbook PATH")


def timed(argv, **kwargs) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{argv[0]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds


def one_round(os_name: str, answers_path: Path, playbook_cmd: str, work: Path):
    wizard_root, ansible_root = work / "wizard-root", work / "ansible-root"
    make_demo_root(wizard_root, os_name)
    make_demo_root(ansible_root, os_name)
    wizard_cli = [sys.executable, "-m", "wizard.cli", "apply", "--answers", str(answers_path),
                  "--root", str(wizard_root), "--yes"]
    wizard = [timed(wizard_cli, cwd=str(HERE.parent)) for _ in range(2)]

    answers = load_answers(answers_path)
    playbook = work / "playbook"
    export_ansible(answers, playbook)
    SimulatedRunner(ansible_root).run(["dnf", "install", "-y", *record(answers).packages], ok_codes=(0, 1))
    python = Path(playbook_cmd).parent / "python"
    (playbook / "bench.ini").write_text(
        f"[{group_name(answers)}]\nlocalhost ansible_connection=local ansible_python_interpreter="
        f"{python if python.exists() else sys.executable}\n")
    extra = json.dumps({"auditd_wizard_root": str(ansible_root), "auditd_wizard_manage_system": False,
                        "ansible_become": False})
    env = dict(os.environ, ANSIBLE_NOCOLOR="1")
    ansible = [timed([playbook_cmd, "-i", "bench.ini", "site.yml", "-e", extra], cwd=str(playbook), env=env)
               for _ in range(2)]
    def tree(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "etc").rglob("*"))
                if p.is_file() and not p.is_symlink()}
    same = tree(wizard_root) == tree(ansible_root)
    return wizard, ansible, same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--os", default="almalinux-9")
    parser.add_argument("--role", choices=("sender", "receiver"), default="sender")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--answers", help="an answers file instead of examples/<role>.toml")
    parser.add_argument("--ansible-playbook", dest="playbook")
    args = parser.parse_args()
    playbook_cmd = find_playbook_command(args.playbook)
    answers_path = Path(args.answers).resolve() if args.answers else HERE.parent / "examples" / f"{args.role}.toml"
    rounds = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="auditd-wizard-bench-") as work:
            rounds.append(one_round(args.os, answers_path, playbook_cmd, Path(work)))
    def median(which, index):
        return statistics.median(r[which][index] for r in rounds)
    label = load_answers(answers_path)
    print(f"{label.role} ({label.method}, {label.security.encryption}) on {args.os}, median of {args.runs} rounds (seconds, wall time):")
    print(f"  {'':28} {'first run':>10} {'second run':>11}")
    print(f"  {'auditd-wizard apply':28} {median(0, 0):10.2f} {median(0, 1):11.2f}")
    print(f"  {'ansible-playbook (files)':28} {median(1, 0):10.2f} {median(1, 1):11.2f}")
    print(f"  ratio ansible / wizard: {median(1, 0) / median(0, 0):.1f}x first run, "
          f"{median(1, 1) / median(0, 1):.1f}x second run; files identical: {all(r[2] for r in rounds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
