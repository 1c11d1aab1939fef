"""Issue #11 on the command line, as an admin meets it: edit after apply, apply twice, kill -9,
a rollback that cannot finish. Exit codes as in the README: 4 refused (nothing changed), 3 status
found changes, 6 rollback incomplete, 2 unknown id."""
import json
import re
from pathlib import Path

from tests.fault_harness import _run_child, tree_snapshot
from tests.test_cli import root  # noqa: F401  (the fixture: a fresh AlmaLinux 9 demo root)
from tests.test_cli import run as cli
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\nmode = "forward"\n'
OTHER = 'role = "sender"\n[remote]\nserver = "other.example.com"\nmode = "forward"\n'


def apply(capsys, root, tmp_path, answers, name="a.toml"):
    (tmp_path / name).write_text(answers)
    code, out, err = cli(capsys, "apply", "--answers", str(tmp_path / name), "--root", str(root), "--yes")
    assert code == 0, err
    return re.search(r"Applied transaction (\S+)\.", out).group(1)


def test_edit_after_apply_status_refusal_and_force(root, tmp_path, capsys):
    before = tree_snapshot(root)
    tx_id = apply(capsys, root, tmp_path, SENDER)
    code, out, _ = cli(capsys, "status", "--root", str(root))
    assert code == 0 and f"the wizard set (transaction {tx_id}) are as it left them" in out
    conf = root / "etc/audit/auditd.conf"
    conf.write_text(conf.read_text().replace("\nnum_logs = 5\n", "\nnum_logs = 8\n"))

    code, out, _ = cli(capsys, "status", "--root", str(root))
    assert code == 3
    assert "..5......  /etc/audit/auditd.conf  (content; set by " + tx_id + ")" in out
    assert "+num_logs = 8" in out

    edited = tree_snapshot(root)
    code, out, err = cli(capsys, "rollback", "--last", "--root", str(root))
    assert code == 4
    assert "/etc/audit/auditd.conf: content" in err and "+num_logs = 8" in err
    assert "--force" in err and tree_snapshot(root) == edited

    code, out, err = cli(capsys, "rollback", tx_id, "--force", "--root", str(root))
    assert code == 0, err
    kept = re.search(r"Your version of /etc/audit/auditd.conf is kept in (\S+)", out).group(1)
    assert kept.startswith(f"/var/lib/auditd-wizard/transactions/{tx_id}/kept/")
    assert "num_logs = 8" in (root / kept.lstrip("/")).read_text()
    assert tree_snapshot(root) == before
    code, out, _ = cli(capsys, "verify", "--root", str(root))
    assert code == 0 and "changed nothing" in out


def test_apply_twice_then_roll_back_the_first(root, tmp_path, capsys):
    before = tree_snapshot(root)
    first = apply(capsys, root, tmp_path, SENDER)
    second = apply(capsys, root, tmp_path, OTHER, "b.toml")
    code, _, err = cli(capsys, "rollback", first, "--root", str(root))
    assert code == 4 and second in err and "--cascade" in err
    code, out, _ = cli(capsys, "history", "--root", str(root))
    assert f"roll back {second} first" in out
    code, out, err = cli(capsys, "rollback", first, "--cascade", "--root", str(root))
    assert code == 0, err
    assert f"Rolled back transactions {second} and {first}" in out
    # each transaction's undo steps are numbered within it, under its own "Rolling back" line
    sections = [part.splitlines()[1:] for part in err.split("Rolling back ")[1:]]
    assert [part.split(":")[0] for part in err.split("Rolling back ")[1:]] == [second, first]
    for lines in sections:
        undo = [line for line in lines if ": Undo: " in line or "] Undo: " in line]
        totals = {re.match(r"\[\d+/(\d+)\]", line).group(1) for line in undo}
        assert totals == {str(len(undo))}, lines
    assert tree_snapshot(root) == before


def test_kill_9_then_apply_is_refused_until_the_rollback(root, tmp_path, capsys):
    (tmp_path / "a.toml").write_text(SENDER)
    changes = Session.open(str(root), str(tmp_path / "a.toml")).plan().transaction()
    (tmp_path / "plan.json").write_text(json.dumps([c.to_dict() for c in changes]))
    _run_child(root, tmp_path / "plan.json", "after-apply", 2, "backends.host:Host.for_root")
    code, _, err = cli(capsys, "apply", "--answers", str(tmp_path / "a.toml"), "--root", str(root), "--yes")
    assert code == 4
    tx_id = re.search(r"auditd-wizard rollback (\S+)", err).group(1)
    code, out, _ = cli(capsys, "history", "--root", str(root))
    assert "interrupted: nothing can be applied until it is rolled back" in out and tx_id in out
    code, out, _ = cli(capsys, "doctor", "--role", "sender", "--root", str(root))
    # wrapped between words only: the command stays copyable (a path has hyphens under xdist)
    assert f"auditd-wizard rollback {tx_id} --root {root}" in " ".join(out.split())
    assert f" {root}" in out
    code, out, err = cli(capsys, "rollback", "--last", "--root", str(root))   # the interrupted one
    assert code == 0, err
    assert f"Rolled back transaction {tx_id}" in out
    assert apply(capsys, root, tmp_path, SENDER)


def test_kill_9_on_the_last_change_is_not_hidden_by_an_empty_plan(root, tmp_path, capsys):
    (tmp_path / "a.toml").write_text(SENDER)
    changes = Session.open(str(root), str(tmp_path / "a.toml")).plan().transaction()
    (tmp_path / "plan.json").write_text(json.dumps([c.to_dict() for c in changes]))
    last = len(changes) - 1   # every file is written: the plan is empty now
    _run_child(root, tmp_path / "plan.json", "after-apply", last, "backends.host:Host.for_root")
    assert Session.open(str(root), str(tmp_path / "a.toml")).plan().empty
    code, out, err = cli(capsys, "apply", "--answers", str(tmp_path / "a.toml"), "--root", str(root), "--yes")
    assert code == 4 and "was interrupted" in err and "Nothing to change" not in out


def test_a_rollback_that_cannot_finish_exits_6_and_names_what_is_left(root, tmp_path, capsys, monkeypatch):
    tx_id = apply(capsys, root, tmp_path, SENDER)
    monkeypatch.setenv("AUDITD_WIZARD_FAIL", "dnf remove")
    code, out, err = cli(capsys, "rollback", tx_id, "--root", str(root))
    assert code == 6
    assert "INCOMPLETE" in err and "not restored: 'Install audispd-plugins'" in err
    monkeypatch.delenv("AUDITD_WIZARD_FAIL")
    code, out, err = cli(capsys, "rollback", tx_id, "--root", str(root))
    assert code == 0, err


def test_an_unknown_transaction_id_is_a_usage_error(root, capsys):
    code, _, err = cli(capsys, "rollback", "20990101-000000-beef", "--root", str(root))
    assert code == 2 and "no transaction with id" in err and "Traceback" not in err
