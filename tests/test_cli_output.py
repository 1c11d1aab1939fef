"""What the command line prints and how it ends, as an admin meets it (issue #12 item 10):
one line per change with its result, --version, help for every option, a closed pipe, no TUI
without a terminal, the prompt's own exit code, a file named once, `test` on a receiver."""
import argparse
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_cli import EXAMPLES, run, snapshot
from wizard.cli import build_parser
from wizard.errors import EXIT_DECLINED, EXIT_USAGE
from wizard.sandbox import make_demo_root

REPO = Path(__file__).resolve().parent.parent
WIZARD = [sys.executable, "-m", "wizard.cli"]


@pytest.fixture
def root(tmp_path):
    return make_demo_root(tmp_path / "root", "almalinux-9")


def subcommands(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def test_apply_and_rollback_print_one_line_per_change_with_its_result(root, capsys):
    code, out, err = run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"),
                         "--root", str(root), "--yes")
    assert code == 0
    lines = err.strip().splitlines()
    changes = [l for l in lines if l.startswith("[")]
    # 8 with the delivery defaults: mode = forward and heartbeat_timeout = 30 are set too
    assert changes[0] == ("[1/6] Record what auditd-wizard set in /var/lib/auditd-wizard/ledger "
                          "(8 recorded) ... done")
    assert changes[1] == "[2/6] Install audispd-plugins ... done"
    assert all(l.endswith(" ... done") for l in changes) and len(changes) == 6
    assert len(set(changes)) == len(changes) and not any("[-/" in l for l in lines)
    code, out, err = run(capsys, "rollback", "--last", "--root", str(root))
    assert code == 0 and not any("[-/" in l for l in err.splitlines())
    undo = [l for l in err.splitlines() if "Undo:" in l]
    assert len(undo) == 6 and len(set(undo)) == 6


def test_a_failed_change_says_failed_on_its_own_line(root, capsys, monkeypatch):
    monkeypatch.setenv("AUDITD_WIZARD_FAIL", "service auditd restart")
    code, _, err = run(capsys, "apply", "--answers", str(EXAMPLES / "sender.toml"),
                       "--root", str(root), "--yes")
    assert code == 6   # the restart after the rollback fails too: rollback incomplete
    failed = [l for l in err.splitlines() if l.startswith("[6/6] Restart auditd")]
    assert len(failed) == 1 and " ... failed: `service auditd restart` failed" in failed[0]


def test_doctor_fix_prints_each_fix_once(tmp_path, capsys):
    broken = make_demo_root(tmp_path / "broken", "almalinux-9", broken=True)
    code, out, err = run(capsys, "doctor", "--fix", "--yes", "--root", str(broken))
    lines = [l for l in err.splitlines() if l.startswith("[")]
    assert lines and all(l.endswith(" ... done") for l in lines), err
    assert len(set(lines)) == len(lines) and not any("[-/" in l for l in err.splitlines())
    assert "Fixed (transaction" in out


def test_version_names_the_program_python_and_the_sandbox_audit(root, capsys):
    code, out, _ = run(capsys, "--version", "--root", str(root))
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("auditd-wizard ") and lines[0] != "auditd-wizard "
    assert lines[1].startswith("Python %d.%d." % sys.version_info[:2])
    assert lines[2] == f"audit 3.1.5-8.el9 (sandbox {root})"


def test_every_option_and_argument_has_help():
    parser = build_parser()
    missing = []
    for name, sub in [("", parser)] + list(subcommands(parser).items()):
        for action in sub._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []


def test_a_closed_pipe_ends_quietly():
    """`auditd-wizard answers --schema | head -1`: the reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    proc = subprocess.run(WIZARD + ["answers", "--schema"], stdout=write_end,
                          stderr=subprocess.PIPE, cwd=str(REPO), timeout=60)
    os.close(write_end)
    assert proc.returncode == 0 and proc.stderr == b""


def test_the_wizard_without_a_terminal_says_so_and_exits_2(root):
    start = time.monotonic()
    proc = subprocess.run(WIZARD + ["--root", str(root)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, cwd=str(REPO), timeout=60)
    assert proc.returncode == EXIT_USAGE and "needs a terminal" in proc.stderr
    assert "apply --answers" in proc.stderr and time.monotonic() - start < 30


def test_demo_with_root_is_refused(root, capsys, tmp_path):
    code, _, err = run(capsys, "--demo", "--root", str(root))
    assert code == EXIT_USAGE and "--demo" in err and "--root" in err
    code, _, err = run(capsys, "encrypt", "--demo", "--root", str(root))
    assert code == EXIT_USAGE and "--demo" in err


def _on_a_terminal(argv, answer: bytes):
    """Run the wizard on a pseudo-terminal; type `answer` at its [y/N] prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(str(REPO))
        os.execv(sys.executable, [sys.executable, "-m", "wizard.cli"] + argv)
    out, sent, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
        if not sent and b"[y/N]" in out:
            os.write(fd, answer)
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


@pytest.mark.parametrize("answer", [b"n\n", b"\n", b"\x04"])
def test_answering_no_at_the_apply_prompt_exits_5_and_changes_nothing(root, answer):
    before = snapshot(root)
    code, out = _on_a_terminal(["apply", "--answers", str(EXAMPLES / "sender.toml"),
                                "--root", str(root)], answer)
    assert code == EXIT_DECLINED == 5
    # 6 = what apply numbers [1/6]..[6/6]: the ledger's record is listed and counted
    assert "Apply these 6 changes? [y/N]" in out and "not applied; nothing was changed" in out
    assert "# Record what auditd-wizard set in /var/lib/auditd-wizard/ledger" in out
    assert snapshot(root) == before


def test_the_readme_documents_exit_code_5():
    readme = (REPO / "README.md").read_text()
    assert "| 5 |" in readme


def test_a_bad_answers_file_is_named_once(root, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("role = \n")
    code, _, err = run(capsys, "plan", "--answers", str(bad), "--root", str(root))
    assert code == EXIT_USAGE and err.count(str(bad)) == 1 and "not valid TOML" in err
    code, _, err = run(capsys, "export", "ansible", "--answers", str(bad), "-o", str(tmp_path / "o"))
    assert code == EXIT_USAGE and err.count(str(bad)) == 1


def test_demo_root_reads_well(tmp_path, capsys):
    code, out, _ = run(capsys, "demo-root", "--os", "almalinux-8", str(tmp_path / "r"))
    assert code == 0 and out.startswith(f"Created a sandbox root (almalinux-8) in {tmp_path / 'r'}.")


def test_test_on_a_receiver_says_what_to_run_and_writes_nothing(root, capsys):
    assert run(capsys, "apply", "--answers", str(EXAMPLES / "receiver.toml"), "--root", str(root),
               "--yes")[0] == 0
    before = snapshot(root)
    ran_before = len(json.loads((root / ".sandbox/state.json").read_text())["log"])
    code, out, err = run(capsys, "test", "--root", str(root))
    assert code == EXIT_USAGE and "receiver" in err and "test --expect TAG" in err
    assert "Nothing was sent" in err and out == ""
    assert snapshot(root) == before
    ran = json.loads((root / ".sandbox/state.json").read_text())["log"][ran_before:]
    assert not any("auditctl" in str(argv) for argv in ran), ran   # no test event made


@pytest.mark.parametrize("argv", [["--node", "web01"], ["--log", "/var/log/x"], ["--wait", "3"],
                                  ["--node", "web01", "--wait", "3"]])
def test_receiver_options_without_expect_are_refused(root, capsys, argv):
    code, _, err = run(capsys, "test", *argv, "--root", str(root))
    assert code == EXIT_USAGE and "only with --expect" in err and argv[0] in err
