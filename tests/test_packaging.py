"""What the wheel (and so the pyz, pipx and a venv) installs: one top-level package,
auditd_wizard, with every file the layers need."""
import ast
import fnmatch
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _setup_constants():
    """LAYERS and PACKAGE_DATA as setup.py spells them, read without importing setup.py
    (that needs setuptools, which a venv of Python 3.12 does not have)."""
    tree = ast.parse((REPO / "setup.py").read_text())
    return {target.id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) for target in node.targets
            if isinstance(target, ast.Name) and target.id in ("LAYERS", "PACKAGE_DATA")}


def test_every_data_file_of_the_layers_is_installed():
    setup = _setup_constants()
    tracked = subprocess.run(["git", "ls-files", *setup["LAYERS"]], cwd=str(REPO), check=True,
                             capture_output=True, text=True).stdout.splitlines()
    data = [p for p in tracked if not p.endswith(".py")]
    assert data, "git ls-files found nothing"
    missing = [p for p in data
               if not any(fnmatch.fnmatch(p.split("/", 1)[1], pattern)
                          for pattern in setup["PACKAGE_DATA"].get(p.split("/", 1)[0], []))]
    assert missing == []


def test_the_installed_program_does_not_expose_the_layers_as_top_level_packages(tmp_path):
    """The venv's own `auditd-wizard` runs, while `import wizard` from elsewhere finds nothing
    (the layers are inside auditd_wizard; an editable install maps them the same way)."""
    script = Path(sys.executable).parent / "auditd-wizard"
    ran = subprocess.run([str(script), "--version"], cwd=str(tmp_path), capture_output=True,
                         text=True, timeout=120)
    assert ran.returncode == 0 and ran.stdout.startswith("auditd-wizard "), ran.stderr
    probe = subprocess.run([sys.executable, "-c", "import importlib.util as u; print("
                            "[n for n in ('wizard', 'screens', 'backends') if u.find_spec(n)], "
                            "u.find_spec('auditd_wizard') is not None)"],
                           cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "[] True", probe.stderr
