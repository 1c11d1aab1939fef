"""The README stays true: its two set-up commands come first, every answers key is documented,
and every subcommand is listed."""
import re
from pathlib import Path

from wizard.cli import build_parser
from wizard.model import field_names

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_starts_with_the_two_setup_commands():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert len(block) == 2
    assert block[0].endswith("auditd-wizard --demo")
    assert block[1].endswith("python -m pytest -n 2")
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "-m pytest -n 2" in ci


def test_every_answers_key_is_documented():
    missing = [name for name in field_names() if f"`{name}`" not in README]
    assert missing == []


def test_every_subcommand_is_documented():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    missing = [name for name in subparsers.choices if f"auditd-wizard {name}" not in README]
    assert missing == []


def test_the_first_command_says_how_to_leave_where_the_sandbox_is_and_the_os_choices():
    from wizard.cli.parser import OS_CHOICES
    after = README.split("```", 2)[2].split("\n## ")[0]   # the text after the two commands
    assert "F9" in after and "$TMPDIR" in after and "auditd-wizard-demo-" in after
    assert [name for name in OS_CHOICES if f"`{name}`" not in after] == []


def test_install_covers_the_pyz_then_pipx_then_a_venv():
    install = README.split("## Install")[1].split("\n## ")[0]
    places = [install.find(word) for word in ("auditd-wizard.pyz", "pipx install", "python3 -m venv")]
    assert -1 not in places and places == sorted(places)
    assert "packaging/build_pyz.py" in install and "Why pex" in install
    assert "Why not `pip install` into the system Python" in install


def test_readme_says_what_network_failure_action_stop_really_does():
    """audisp-remote exits on `stop`; auditd's dispatcher starts it again with the next event
    until it has restarted it max_restarts (10) times (audisp/audispd.c), so one failure does
    not end forwarding for good (issue #10 item 5l)."""
    row = next(line for line in README.splitlines() if line.startswith("| `remote.network_failure_action`"))
    assert "for good after one network failure" not in row
    assert "max_restarts (10)" in row
