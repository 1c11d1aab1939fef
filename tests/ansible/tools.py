"""Where the tests find ansible-playbook and ansible-lint.

On Python >= 3.11 they come with the `test` extra (pyproject.toml), next to the interpreter.
Python 3.9 cannot run the current ansible-core/ansible-lint, so there the tests build (once, and
keep) a separate venv with the newest pyenv Python >= 3.11 and install both into it; ansible is
a command-line tool to the tests, so which Python runs it does not matter.
A missing prerequisite skips with a message, except when CI=true: then it fails."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import pytest

PACKAGES = ("ansible-core>=2.16", "ansible-lint>=24")
CACHE = Path(os.environ.get("AUDITD_WIZARD_ANSIBLE_VENV",
                            str(Path.home() / ".cache" / "auditd-wizard" / "ansible-venv")))


@dataclass(frozen=True)
class AnsibleTools:
    bin_dir: Path

    @property
    def python(self) -> Path:
        return self.bin_dir / "python"

    def playbook_argv(self) -> List[str]:
        return [str(self.bin_dir / "ansible-playbook")]

    def lint_argv(self) -> List[str]:
        return [str(self.bin_dir / "ansible-lint")]

    def env(self) -> dict:
        env = dict(os.environ)
        env["PATH"] = f"{self.bin_dir}:{env.get('PATH', '')}"
        env.update({"ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "NO_COLOR": "1",
                    "ANSIBLE_LOCAL_TEMP": env.get("ANSIBLE_LOCAL_TEMP", "/tmp/auditd-wizard-ansible-tmp"),
                    "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_HOST_KEY_CHECKING": "0",
                    "LC_ALL": "C.UTF-8"})
        return env

    def load_yaml(self, path: Path):
        """A YAML file as data, read by the Python that runs ansible (it has PyYAML)."""
        code = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        result = subprocess.run([str(self.python), "-c", code, str(path)], capture_output=True,
                                text=True, check=True)
        return json.loads(result.stdout)


def _complete(bin_dir: Path) -> bool:
    return all((bin_dir / name).exists() for name in ("ansible-playbook", "ansible-lint", "python"))


def _newest_python() -> Optional[str]:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip() or root
    except OSError:
        pass
    candidates = []
    for path in Path(root, "versions").glob("3.*"):
        parts = path.name.split(".")
        if len(parts) >= 2 and parts[1].isdigit() and 11 <= int(parts[1]) <= 13 and (path / "bin" / "python").exists():
            candidates.append((int(parts[1]), path.name, path / "bin" / "python"))
    return str(max(candidates)[2]) if candidates else None


def _build_venv() -> Path:
    bin_dir = CACHE / "bin"
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(str(CACHE) + ".lock", "w") as lock:   # pytest-xdist workers build it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _complete(bin_dir):
            return bin_dir
        python = _newest_python()
        if python is None:
            raise RuntimeError("no pyenv Python 3.11-3.13 to run ansible-core and ansible-lint")
        subprocess.run([python, "-m", "venv", "--clear", str(CACHE)], check=True, capture_output=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PACKAGES],
                       check=True, capture_output=True, text=True)
    return bin_dir


def find_tools() -> AnsibleTools:
    here = Path(sys.executable).parent
    if _complete(here):
        return AnsibleTools(here)
    try:
        return AnsibleTools(_build_venv())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        message = f"ansible-playbook/ansible-lint not available: {error} {detail[-500:]}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
        pytest.skip(message)
