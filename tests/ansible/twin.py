"""Twin sandbox roots: the wizard applies answers to one, the exported playbook to the other,
and the test compares what they hold."""
from __future__ import annotations

import json
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from backends.simulated import SimulatedRunner
from tests.ansible.tools import AnsibleTools
from wizard.answers import parse_answers
from wizard.event_rate import measure
from wizard.sandbox import demo_audit_log
from wizard.export import export_ansible
from wizard.export.playbook import group_name
from wizard.export.recording import record
from wizard.sandbox import make_demo_root
from wizard.session import Session

_RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


@dataclass
class PlaybookRun:
    returncode: int
    ok: int
    changed: int
    failed: int
    output: str
    seconds: float = 0.0


def wizard_apply(root: Path, answers_text: str) -> None:
    path = root.parent / (root.name + "-answers.toml")
    path.write_text(answers_text)
    result = Session.open(str(root), str(path)).apply()
    assert result.ok, result.error


def install_planned_packages(root: Path, answers_text: str) -> None:
    """What the playbook's dnf task would do (the sandbox has no real dnf)."""
    packages = record(parse_answers(answers_text)).packages
    runner = SimulatedRunner(root)
    missing = [p for p in packages if p not in json.loads((root / ".sandbox" / "state.json").read_text())["packages"]]
    if missing:
        runner.run(["dnf", "install", "-y", *missing])


def export(answers_text: str, directory: Path) -> Path:
    """Exported as from a demo root: the queues sized for its audit log's rate, like the
    wizard's own apply on the twin root."""
    export_ansible(parse_answers(answers_text), directory,
                   event_rate=measure(demo_audit_log().encode()))
    return directory


def run_playbook(tools: AnsibleTools, playbook_dir: Path, root: Path, answers_text: str,
                 extra: Optional[dict] = None, check: bool = False, diff: bool = True) -> PlaybookRun:
    import time
    group = group_name(parse_answers(answers_text))
    inventory = playbook_dir / "test-inventory.ini"
    inventory.write_text(f"[{group}]\nlocalhost ansible_connection=local "
                         f"ansible_python_interpreter={tools.python}\n")
    variables = {"auditd_wizard_root": str(root), "auditd_wizard_manage_system": False,
                 "ansible_become": False}
    variables.update(extra or {})
    argv = tools.playbook_argv() + ["-i", str(inventory), "site.yml", "-e", json.dumps(variables)]
    if check:
        argv.append("--check")
    if diff:
        argv.append("--diff")
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=str(playbook_dir), capture_output=True, text=True, env=tools.env())
    seconds = time.perf_counter() - start
    recap = _RECAP.search(result.stdout)
    output = result.stdout + result.stderr
    if not recap:
        return PlaybookRun(result.returncode, 0, 0, 1, output, seconds)
    ok, changed, _unreachable, failed = (int(n) for n in recap.groups())
    return PlaybookRun(result.returncode, ok, changed, failed, output, seconds)


def config_tree(root: Path) -> Dict[str, Tuple[bytes, int]]:
    """Every file under etc/ and var/spool: content and permission bits."""
    found = {}
    for top in ("etc", "var/spool"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and not path.is_symlink():
                found[str(path.relative_to(root))] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return found


def twin_roots(tmp: Path, os_name: str, broken: bool = False) -> Tuple[Path, Path]:
    wizard_root, ansible_root = tmp / "wizard-root", tmp / "ansible-root"
    make_demo_root(wizard_root, os_name, broken=broken)
    make_demo_root(ansible_root, os_name, broken=broken)
    return wizard_root, ansible_root
