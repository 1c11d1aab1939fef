"""The manual page auditd-wizard(8) (`auditd-wizard --man`): made from the parser, renders with
man, groff and mandoc without a warning, documents every subcommand, the answers file, every
exit code and the state files."""
import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import build_parser
from wizard.errors import EXIT_MEANINGS
from wizard.model import field_names

REPO = Path(__file__).resolve().parent.parent


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (.ci/run installs it with apt-get)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    proc = subprocess.run([sys.executable, "-m", "wizard.cli", "--man"], cwd=str(REPO),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    path = tmp_path_factory.mktemp("man") / "auditd-wizard.8"
    path.write_text(proc.stdout)
    return path


def _rendered(page: Path) -> str:
    proc = subprocess.run([_need("man"), "-l", str(page)], capture_output=True, text=True,
                          env=dict(os.environ, MANWIDTH="200", MANPAGER="cat", PAGER="cat"),
                          timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def test_groff_renders_it_without_a_warning(page):
    proc = subprocess.run([_need("groff"), "-ww", "-man", "-z", str(page)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""


def test_mandoc_finds_nothing_to_warn_about(page):
    proc = subprocess.run([_need("mandoc"), "-T", "lint", "-W", "warning", str(page)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout + proc.stderr == ""


def test_it_is_section_8_and_lists_every_subcommand_the_parser_has(page):
    text = _rendered(page)
    assert text.startswith("AUDITD-WIZARD(8)")
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    documented = set(re.findall(r"^COMMAND 'auditd-wizard ([a-z-]+)'$", text, re.M))
    assert documented == set(subparsers.choices)


def test_it_has_the_answers_file_exit_status_and_files(page):
    text = _rendered(page)
    sections = re.findall(r"^([A-Z][A-Z ]+)$", text, re.M)
    assert {"ANSWERS FILE", "EXIT STATUS", "FILES", "ENVIRONMENT", "SEE ALSO"} <= set(sections)
    answers = text.split("\nANSWERS FILE\n")[1].split("\nEXIT STATUS\n")[0]
    assert [n for n in field_names()
            if not re.search(rf"^ {{7}}{re.escape(n)}( |\n)", answers, re.M)] == []
    exits = text.split("\nEXIT STATUS\n")[1].split("\nFILES\n")[0]
    assert [c for c in EXIT_MEANINGS if not re.search(rf"^ {{7}}{c}( |\n)", exits, re.M)] == []
    assert "/var/lib/auditd-wizard/transactions/ID/" in text


def test_the_readme_lists_every_exit_code():
    readme = (REPO / "README.md").read_text()
    table = readme.split("### Exit codes")[1].split("\n## ")[0]
    assert sorted(int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)) == sorted(EXIT_MEANINGS)
