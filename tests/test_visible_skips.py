"""The README's test command says why a real-daemon test did not run (pyproject's addopts has
-rs), and with CI=true the same test fails instead of skipping (tests/realstack/conftest.py)."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRETEND = '''import tests.realstack.conftest as realstack
realstack.missing_prerequisites = lambda: ["program `auditd` (Debian package auditd)"]

def test_needs_the_real_stack():
    realstack.require_realstack()
'''


def _pytest(tmp_path, ci: bool):
    test = tmp_path / "test_pretend_missing.py"
    test.write_text(PRETEND)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path), str(test)],
                          cwd=str(tmp_path), env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def test_a_skipped_real_daemon_test_says_why(tmp_path):
    done = _pytest(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SKIPPED [1]" in done.stdout
    assert "real-stack prerequisites missing: program `auditd` (Debian package auditd)" in done.stdout


def test_on_ci_it_fails_instead(tmp_path):
    done = _pytest(tmp_path, ci=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CI=true: failing instead of skipping" in done.stdout
