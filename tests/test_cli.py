"""The headless CLI as an admin uses it: plan, apply, history, rollback, answers, demo-root;
exit codes and messages; bad input changes nothing and never shows a traceback."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wizard.cli import build_parser, main
from wizard.sandbox import make_demo_root

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def snapshot(root: Path):
    """Every file and dir under root (but the wizard's own journal): content, mode, owner; the
    simulated system state without its log of the commands that ran (queries are logged too)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if rel.startswith("var/lib/auditd-wizard") or rel == ".sandbox/state.lock":
            continue
        st_ = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        if rel == ".sandbox/state.json":  # restarts are counted, and a restart cannot be unmade
            data = {k: v for k, v in json.loads(data).items() if k != "log"}
            for service in data["services"].values():
                service.pop("restarts", None)
        out[rel] = (data, st_.st_mode, st_.st_uid, st_.st_gid)
    return out


@pytest.fixture
def root(tmp_path):
    return make_demo_root(tmp_path / "root", "almalinux-9")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_prints_diffs_and_commands_and_changes_nothing(root, capsys):
    before = snapshot(root)
    code, out, _ = run(capsys, "plan", "--answers", str(EXAMPLES / "sender.toml"), "--root", str(root))
    assert code == 0
    assert "+active = yes" in out and "$ dnf install -y audispd-plugins" in out
    assert snapshot(root) == before


def test_apply_history_rollback_round_trip(root, capsys):
    before = snapshot(root)
    code, out, _ = run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"),
                       "--root", str(root), "--yes")
    assert code == 0 and "Applied transaction" in out
    tx_id = out.split("Applied transaction ")[1].split(".")[0]
    assert snapshot(root) != before
    code, out, _ = run(capsys, "history", "--root", str(root))
    assert code == 0 and tx_id in out and "applied" in out
    code, out, _ = run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"),
                       "--root", str(root), "--yes")
    assert code == 0 and "Nothing to change" in out
    code, out, _ = run(capsys, "rollback", "--last", "--root", str(root))
    assert code == 0 and tx_id in out
    after = snapshot(root)
    assert after == before


def test_answers_reads_back_what_apply_wrote(root, tmp_path, capsys):
    assert run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"), "--root", str(root),
               "--yes")[0] == 0
    out_file = tmp_path / "current.toml"
    code, _, _ = run(capsys, "answers", "--root", str(root), "-o", str(out_file))
    assert code == 0 and 'server = "logs.example.com"' in out_file.read_text()
    code, out, _ = run(capsys, "plan", "--answers", str(out_file), "--root", str(root))
    assert code == 0 and "Nothing to change" in out


def test_schema_is_json_with_the_sections(capsys):
    code, out, _ = run(capsys, "answers", "--schema")
    schema = json.loads(out)
    assert code == 0
    assert {"role", "method", "auditd", "remote", "receiver", "security", "firewall",
            "selinux"} <= set(schema["properties"])


def test_invalid_answers_exit_2_name_the_field_and_write_nothing(root, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('role = "sender"\n[remote]\nserver = "bad host#"\nport = 70000\n')
    before = snapshot(root)
    code, out, err = run(capsys, "apply", "--answers", str(bad), "--root", str(root), "--yes")
    assert code == 2
    lines = err.strip().splitlines()
    assert any("remote.server" in l for l in lines) and any("remote.port" in l for l in lines)
    assert "Traceback" not in err + out
    assert snapshot(root) == before


def test_failed_apply_whose_restart_fails_again_exits_6(root, capsys, monkeypatch):
    before = snapshot(root)
    monkeypatch.setenv("AUDITD_WIZARD_FAIL", "service auditd restart")
    code, out, err = run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"),
                         "--root", str(root), "--yes")
    assert code == 6   # rollback incomplete: auditd's restart after it failed too
    assert "service auditd restart" in err
    # The files are back, but the injected failure also stops auditd's restart after the
    # rollback: the message says so instead of claiming everything was restored.
    assert "NOT everything was restored" in err and "after the rollback failed" in err
    assert snapshot(root) == before


def test_without_root_on_a_non_el_machine_refuses_with_advice(capsys):
    if Path("/etc/os-release").exists() and "rhel" in Path("/etc/os-release").read_text():
        pytest.skip("this machine is an EL host; the refusal is for other machines")
    code, _, err = run(capsys, "history")
    assert code == 4 and "--demo" in err and "--root" in err


def test_root_that_is_not_a_sandbox_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "history", "--root", str(tmp_path))
    assert code == 4 and "demo-root" in err


def test_demo_root_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep").write_text("mine")
    code, _, err = run(capsys, "demo-root", str(tmp_path / "x"))
    assert code == 2 and (tmp_path / "x" / "keep").read_text() == "mine"


def test_second_instance_is_refused_while_one_applies(root, tmp_path, capsys):
    from backends.lock import HostLock  # the transaction's own lock
    with HostLock(root / "var/lib/auditd-wizard"):
        code, _, err = run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"),
                           "--root", str(root), "--yes")
    assert code == 4 and "another auditd-wizard" in err


@pytest.mark.parametrize("command", ["plan", "apply", "rollback", "history", "answers",
                                     "demo-root", "encrypt"])
def test_every_subcommand_has_help(command):
    proc = subprocess.run([sys.executable, "-m", "wizard.cli", command, "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "usage: auditd-wizard" in proc.stdout


hostile = st.one_of(st.text(max_size=40), st.integers(min_value=-10**12, max_value=10**12),
                    st.booleans(), st.lists(st.text(max_size=5), max_size=3),
                    st.sampled_from(["x\ny", "a b", "#", "\x00", "é", "1e9", "", " 60"]))
FIELDS = [("remote", "server"), ("remote", "port"), ("remote", "mode"), ("remote", "local_port"),
          ("remote", "network_failure_action"), ("receiver", "listen_port"),
          ("receiver", "allowed_senders"), ("receiver", "client_ports"), ("auditd", "name_format"),
          ("auditd", "name"), ("firewall", "zone"), ("security", "encryption")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=hostile)
def test_hostile_values_never_traceback_nor_write(tmp_path_factory, capsys, field, value):
    import tomli_w
    base = tmp_path_factory.mktemp("h")
    root = make_demo_root(base / "root", "almalinux-9")
    data = {"role": "sender", "remote": {"server": "logs.example.com"}}
    data.setdefault(field[0], {})[field[1]] = value
    answers = base / "a.toml"
    answers.write_text(tomli_w.dumps(data))
    before = snapshot(root)
    code, out, err = run(capsys, "apply", "--answers", str(answers), "--root", str(root), "--yes")
    assert "Traceback" not in out + err and "internal error" not in err
    if code == 2:
        assert f"{field[0]}.{field[1]}" in err
        assert snapshot(root) == before
    else:
        assert code == 0, err


def _subparsers(parser):
    import argparse
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def test_every_command_names_a_handler_that_exists():
    import importlib
    parser = build_parser()
    handlers = [parser.get_default("handler")] + [p.get_default("handler")
                                                  for p in _subparsers(parser).values()]
    for handler in handlers:
        module, function = handler.split(":")
        assert callable(getattr(importlib.import_module(f"wizard.cli.{module}"), function)), handler


def test_building_the_parser_loads_no_command_module():
    code = ("import sys; from wizard.cli import build_parser; build_parser().parse_args(['plan', "
            "'--answers', 'x']); loaded = [m for m in sys.modules if m.startswith(('wizard.', "
            "'pydantic', 'textual', 'backends'))]; print(sorted(loaded))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("['wizard.cli', 'wizard.cli.main', 'wizard.cli.options', "
                                   "'wizard.cli.output', 'wizard.cli.parser', 'wizard.errors', "
                                   "'wizard.validators']")
