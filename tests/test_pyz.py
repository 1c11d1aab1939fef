"""The one-file install (issue #15 item 1): dist/auditd-wizard.pyz (made by
packaging/build_pyz.py; .ci/run builds it once and names it in AUDITD_WIZARD_PYZ) runs with this
Python's own interpreter, not a venv, from an empty folder with no package index, and writes
nothing outside its cache (~/.cache/pex). Each test has its own empty home (pytest-xdist may
run them on different workers)."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PYZ = Path(os.environ.get("AUDITD_WIZARD_PYZ") or REPO / "dist" / "auditd-wizard.pyz")
PYTHON = Path(sys.base_prefix) / "bin" / ("python%d.%d" % sys.version_info[:2])


@pytest.fixture
def place(tmp_path):
    if not PYZ.is_file():
        message = f"{PYZ} is not built: python3 packaging/build_pyz.py"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    for name in ("home", "work", "tmp"):
        (tmp_path / name).mkdir()
    shutil.copy(REPO / "examples" / "sender.toml", tmp_path / "work" / "sender.toml")
    return tmp_path


def wizard(place: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(place / "home"),
           "TMPDIR": str(place / "tmp"), "PIP_NO_INDEX": "1", "LANG": "C.UTF-8"}
    return subprocess.run([str(PYTHON), str(PYZ), *args], cwd=str(place / "work"), env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)


def test_version_demo_root_headless_apply_rollback_and_nothing_written_outside(place):
    version = wizard(place, "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("auditd-wizard 0.1.0\nPython %d.%d." % sys.version_info[:2])
    assert wizard(place, "demo-root", "root").returncode == 0
    applied = wizard(place, "apply", "--answers", "sender.toml", "--root", "root", "--yes")
    assert applied.returncode == 0 and "Applied transaction" in applied.stdout, applied.stderr
    assert re.search(r"^\[\d+/\d+\] Install audispd-plugins \.\.\. done$", applied.stderr, re.M), applied.stderr
    plugin = place / "work/root/etc/audit/plugins.d/au-remote.conf"
    assert "\nactive = yes\n" in plugin.read_text()
    rolled = wizard(place, "rollback", "--last", "--root", "root")
    assert rolled.returncode == 0 and "Rolled back transaction" in rolled.stdout, rolled.stderr
    assert not plugin.exists()   # audispd-plugins removed again
    assert "rolled-back" in wizard(place, "history", "--root", "root").stdout
    man = wizard(place, "--man")
    assert man.returncode == 0 and man.stdout.startswith(".TH AUDITD\\-WIZARD \"8\"")
    # Everything the runs above left: the cache, the sandbox asked for, nothing else.
    home = [p for p in (place / "home").rglob("*") if p.is_file()]
    assert home and all(p.relative_to(place / "home").parts[:2] == (".cache", "pex") for p in home)
    assert list((place / "tmp").iterdir()) == []
    assert sorted(p.name for p in (place / "work").iterdir()) == ["root", "sender.toml"]


def test_a_trial_apply_rolls_itself_back_from_the_pyz(place):
    """The trial's timer starts the wizard again: it must find the pyz, not a `wizard` module."""
    assert wizard(place, "demo-root", "trial").returncode == 0
    trial = wizard(place, "apply", "--answers", "sender.toml", "--root", "trial", "--yes",
                   "--confirm-within", "10")
    assert trial.returncode == 0 and "as a trial" in trial.stdout, trial.stderr
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if "rolled-back" in wizard(place, "history", "--root", "trial").stdout:
            break
        time.sleep(2)
    assert "rolled-back" in wizard(place, "history", "--root", "trial").stdout
