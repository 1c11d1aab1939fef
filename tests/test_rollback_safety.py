"""Issue #11 items 1-3: a rollback never loses an admin's edit (drift), never undoes a later
transaction (order), and an interrupted transaction blocks new changes until rolled back."""
import json
import os
import time
from pathlib import Path

import pytest

from backends.drift import describe
from backends.errors import UnfinishedTransaction
from backends.transaction import DriftRefused, OrderRefused, history
from tests.fault_harness import _run_child, tree_snapshot
from wizard.sandbox import make_demo_root
from wizard.session import Session
from wizard import trial
from wizard.trial import TrialError

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\nmode = "forward"\n'
OTHER_SENDER = 'role = "sender"\n[remote]\nserver = "other.example.com"\nmode = "forward"\n'
RSYSLOG_SENDER = 'role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
AUDITD_CONF = "/etc/audit/auditd.conf"
JOURNAL = "var/lib/auditd-wizard"


def session_for(root: Path, tmp_path: Path, answers: str, name: str = "answers.toml") -> Session:
    (tmp_path / name).write_text(answers)
    return Session.open(str(root), str(tmp_path / name))


@pytest.fixture
def root(tmp_path):
    return make_demo_root(tmp_path / "root", "almalinux-9")


def applied(root, tmp_path, answers=SENDER):
    before = tree_snapshot(root)
    session = session_for(root, tmp_path, answers)
    result = session.apply()
    assert result.ok, result.error
    return session, result.tx_id, before


def sed_num_logs(path: Path) -> None:
    """What `sed -i 's/^num_logs = .*/num_logs = 8/'` does."""
    text = path.read_text()
    assert "\nnum_logs = 5\n" in text
    path.write_text(text.replace("\nnum_logs = 5\n", "\nnum_logs = 8\n"))


def dropin(root: Path) -> Path:
    [path] = [p for p in (root / "etc" / "rsyslog.d").iterdir() if p.name.startswith("auditd-wizard")]
    return path


EDITS = {
    # name: (answers, what the admin does, the path, words the refusal uses)
    "edit": (SENDER, lambda r: sed_num_logs(r / AUDITD_CONF.lstrip("/")), AUDITD_CONF, "content"),
    "chmod": (SENDER, lambda r: os.chmod(str(r / AUDITD_CONF.lstrip("/")), 0o644), AUDITD_CONF,
              "mode 0640 -> 0644"),
    "chown": (SENDER, lambda r: os.chown(str(r / AUDITD_CONF.lstrip("/")), 1000, 1000), AUDITD_CONF,
              "owner 0:0 -> 1000:1000"),
    "delete": (SENDER, lambda r: (r / "etc/audit/plugins.d/au-remote.conf").unlink(),
               "/etc/audit/plugins.d/au-remote.conf", "deleted"),
    "append-to-dropin": (RSYSLOG_SENDER, lambda r: dropin(r).open("a").write("# the admin's line\n"),
                         None, "content"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_rollback_refuses_drift_then_force_keeps_the_admins_version(root, tmp_path, edit):
    answers, do_edit, path, words = EDITS[edit]
    session, tx_id, before_apply = applied(root, tmp_path, answers)
    path = path or "/" + str(dropin(root).relative_to(root))
    real = root / path.lstrip("/")
    do_edit(root)
    admins = real.read_bytes() if real.exists() else None
    edited = tree_snapshot(root)

    with pytest.raises(DriftRefused) as refused:
        session.rollback(tx_id)
    [drift] = refused.value.drift
    assert drift.path == path and words in drift.line()
    assert path in str(refused.value) and "--force" in str(refused.value)
    assert tree_snapshot(root) == edited            # refused: nothing changed
    if edit == "edit":
        assert "-num_logs = 5" in drift.diff and "+num_logs = 8" in drift.diff
    if edit == "append-to-dropin":
        assert "+# the admin's line" in drift.diff

    report = session.verify()                       # `status`, like rpm -V
    assert [d.path for d in report.drift] == [path] and report.transactions == [tx_id]
    assert report.drift[0].flags == {"edit": "..5......", "chmod": ".M.......", "chown": ".....UG..", "delete": "missing  ",
                                     "append-to-dropin": "S.5......"}[edit]

    result = session.rollback(tx_id, force=True)
    assert result.ok and result.restored
    assert tree_snapshot(root) == before_apply      # restored as before the apply
    if admins is not None:
        [kept] = result.kept
        assert kept.path == path and kept.copy.startswith("/" + JOURNAL + "/")
        assert (root / kept.copy.lstrip("/")).read_bytes() == admins
        assert oct(os.stat(str(root / kept.copy.lstrip("/"))).st_mode & 0o777) == "0o600"
    assert not session.verify().drift


def test_no_drift_when_nothing_changed_and_a_reverted_edit_is_not_drift(root, tmp_path):
    session, tx_id, before_apply = applied(root, tmp_path)
    assert session.verify().drift == [] and session.verify().checked >= 4
    # The admin puts the file back as it was before the wizard: nothing of theirs to lose.
    original = before_apply["etc/audit/auditd.conf"][1]
    (root / "etc/audit/auditd.conf").write_bytes(original)
    assert session.rollback(tx_id).ok
    assert tree_snapshot(root) == before_apply


def test_an_older_transaction_waits_for_the_later_one_or_cascades(root, tmp_path):
    first, a, before_a = applied(root, tmp_path, SENDER)
    second = session_for(root, tmp_path, OTHER_SENDER, "other.toml")
    b = second.apply().tx_id
    after_b = tree_snapshot(root)

    with pytest.raises(OrderRefused) as refused:
        first.rollback(a)
    assert [t for t, _ in refused.value.later] == [b]
    assert "file:/etc/audit/audisp-remote.conf" in refused.value.later[0][1]
    assert b in str(refused.value) and "--cascade" in str(refused.value)
    # the admin's files are named first, the wizard's own ledger files after them
    assert f"{b} (/etc/audit/audisp-remote.conf" in str(refused.value)
    assert tree_snapshot(root) == after_b
    rows = {row.id: row for row in first.history()}
    assert rows[a].later == (b,) and rows[b].later == ()

    result = first.rollback(a, cascade=True)
    assert result.ok and result.rolled_back == [b, a]
    assert tree_snapshot(root) == before_a
    assert [row.status for row in history(first._host)] == ["rolled-back", "rolled-back"]


def test_rolling_back_newest_first_needs_no_cascade(root, tmp_path):
    first, a, before_a = applied(root, tmp_path, SENDER)
    b = session_for(root, tmp_path, OTHER_SENDER, "other.toml").apply().tx_id
    assert first.rollback(b).ok
    assert first.rollback(a).ok
    assert tree_snapshot(root) == before_a


def test_an_interrupted_transaction_blocks_apply_fixes_and_confirm(root, tmp_path):
    session = session_for(root, tmp_path, SENDER)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps([c.to_dict() for c in session.plan().transaction()]))
    _run_child(root, plan_file, "after-apply", 1, "backends.host:Host.for_root")   # kill -9
    session = session_for(root, tmp_path, SENDER)
    stuck = session.interrupted()
    assert stuck is not None and stuck.interrupted
    snapshot = tree_snapshot(root)

    with pytest.raises(UnfinishedTransaction) as refused:
        session.apply()
    assert f"auditd-wizard rollback {stuck.id}" in str(refused.value)
    with pytest.raises(UnfinishedTransaction):
        session.apply_fixes(session.diagnose(role="sender"))
    with trial._locked(session._host):   # the killed apply was a trial waiting for its Keep
        trial._save(session._host, trial.Trial(stuck.id, 600, time.time() + 600))
    with pytest.raises(TrialError, match=f"auditd-wizard rollback {stuck.id}"):
        session.confirm_trial(stuck.id)
    assert tree_snapshot(root) == snapshot
    finding = [f for f in session.diagnose(role="sender") if f.check == "interrupted-transaction"]
    assert finding and f"auditd-wizard rollback {stuck.id}" in finding[0].explanation

    assert session.rollback(stuck.id).ok
    assert session.interrupted() is None
    assert session.apply().ok


def test_drift_lines_are_printable_with_the_diff(root, tmp_path):
    session, tx_id, _ = applied(root, tmp_path)
    sed_num_logs(root / "etc/audit/auditd.conf")
    with pytest.raises(DriftRefused) as refused:
        session.rollback(tx_id)
    lines = describe(refused.value.drift)
    assert lines[0] == "/etc/audit/auditd.conf: content"
    assert "+num_logs = 8" in lines
