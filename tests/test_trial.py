"""Trial apply: an unconfirmed trial reverts byte for byte by itself (even after the wizard
has exited), a confirmed one stays; on a real host the timer is a transient systemd unit."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backends.host import Host
from backends.runner import CommandResult
from wizard import trial
from wizard.cli import main
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "192.0.2.10"\n'
REPO = Path(__file__).resolve().parent.parent


def tree(root: Path):
    """Every file's bytes, mode and owner, but the wizard's journal and the simulator's files."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if rel.startswith(("var/lib/auditd-wizard", ".sandbox")):
            continue
        st = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        out[rel] = (data, st.st_mode, st.st_uid, st.st_gid)
    return out


@pytest.fixture
def root(tmp_path):
    root = make_demo_root(tmp_path / "root")
    (tmp_path / "a.toml").write_text(SENDER)
    return root


def wait_for_status(host, tx_id, wanted, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if trial.load(host, tx_id).status == wanted:
            return True
        time.sleep(0.2)
    return False


def test_unconfirmed_trial_reverts_byte_for_byte(root, tmp_path):
    before = tree(root)
    session = Session.open(str(root), str(tmp_path / "a.toml"))
    result = session.apply_trial(1)
    assert result.tx.ok and result.trial.status == trial.PENDING
    assert result.trial.timer.startswith("pid ")
    assert {c.check for c in result.checks} >= {"auditd-service", "plugin-running", "test-event"}
    assert tree(root) != before
    host = Host.for_root(root)
    assert wait_for_status(host, result.tx.tx_id, trial.ROLLED_BACK)
    assert tree(root) == before
    assert session.history()[0].status == "rolled-back"


def test_confirmed_trial_stays(root, tmp_path):
    session = Session.open(str(root), str(tmp_path / "a.toml"))
    result = session.apply_trial(2)
    applied = tree(root)
    assert session.pending_trial().tx_id == result.tx.tx_id
    kept = session.confirm_trial()
    assert kept.status == trial.CONFIRMED and session.pending_trial() is None
    time.sleep(3.5)
    assert trial.load(Host.for_root(root), result.tx.tx_id).status == trial.CONFIRMED
    assert tree(root) == applied
    assert session.history()[0].status == "applied"
    with pytest.raises(trial.TrialError):
        session.confirm_trial()


def test_the_rollback_happens_after_the_wizard_has_exited(root, tmp_path):
    before = tree(root)
    done = subprocess.run([sys.executable, "-m", "wizard.cli", "apply", "--yes",
                           "--answers", str(tmp_path / "a.toml"), "--root", str(root),
                           "--confirm-within", "10"], cwd=str(REPO), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "auditd-wizard confirm --root" in done.stdout
    tx_id = Session.open(str(root)).history()[0].id
    assert tree(root) != before   # the wizard is gone; the changes are still there ...
    assert wait_for_status(Host.for_root(root), tx_id, trial.ROLLED_BACK, timeout=40)
    assert tree(root) == before   # ... until the timer took them back


def test_cli_confirm_and_its_refusals(root, tmp_path, capsys):
    assert main(["confirm", "--root", str(root)]) == 2
    assert "no trial apply is waiting" in capsys.readouterr().err
    session = Session.open(str(root), str(tmp_path / "a.toml"))
    tx_id = session.apply_trial(60).tx.tx_id
    assert main(["confirm", tx_id, "--root", str(root)]) == 0
    assert f"Kept transaction {tx_id}" in capsys.readouterr().out
    assert main(["rollback", tx_id, "--if-unconfirmed", "--root", str(root)]) == 0
    assert "confirmed" in capsys.readouterr().out
    assert session.history()[0].status == "applied"


def test_rollback_if_unconfirmed_by_hand(root, tmp_path):
    before = tree(root)
    armed = Session.open(str(root), str(tmp_path / "a.toml")).apply_trial(600)
    tx_id = armed.tx.tx_id
    # the sandbox's timer is a process this test started: after the rollback by hand it would
    # only wait out its 600 s (CI's clean machine found it still sleeping)
    os.kill(int(armed.trial.timer.split()[1]), signal.SIGTERM)
    assert main(["rollback", tx_id, "--if-unconfirmed", "--root", str(root)]) == 0
    assert tree(root) == before
    with pytest.raises(trial.TrialError):
        Session.open(str(root)).confirm_trial(tx_id)


class RecordingRunner:
    def __init__(self):
        self.calls = []

    def run(self, argv, ok_codes=(0,), timeout=600, input=None):
        self.calls.append(list(argv))
        return CommandResult(tuple(argv), 0, "", "")

    def has_command(self, program):
        return True


class RealLookingHost(Host):
    """root "/" (so the real-host timer is used) with the wizard's state in a temp dir."""

    def __init__(self, state: Path):
        super().__init__("/", RecordingRunner())
        self._state = state

    def state_dir(self):
        return self._state


def test_real_host_arms_a_transient_systemd_timer(tmp_path):
    host = RealLookingHost(tmp_path / "state")
    armed = trial.start(host, "20250101-000000-abcd", 45)
    argv = host.runner.calls[0]
    assert argv[:4] == ["systemd-run", "--unit=auditd-wizard-trial-20250101-000000-abcd",
                        "--on-active=45s", "--timer-property=AccuracySec=1s"]
    assert argv[-3:] == ["rollback", "20250101-000000-abcd", "--if-unconfirmed"]
    assert "--root" not in argv and armed.timer == "auditd-wizard-trial-20250101-000000-abcd.timer"
    trial.confirm(host)
    assert host.runner.calls[-1] == ["systemctl", "stop",
                                     "auditd-wizard-trial-20250101-000000-abcd.timer"]
