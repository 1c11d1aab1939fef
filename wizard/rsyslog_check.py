"""Validate rsyslog configuration with the real parser, `rsyslogd -N1` (it parses only: it
loads no network stream driver, so a missing TLS driver package shows only at run time).
check_config() checks a whole configuration (includes inlined, wizard.rsyslog_config);
check_dropin() a drop-in under a minimal main configuration that includes it, as
/etc/rsyslog.conf does. Runs through a Runner, so only where rsyslogd exists (a real host, CI)."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Callable, Dict

from backends.runner import CommandError

MAIN = 'global(workDirectory="{work}")\ninclude(file="{dropin}")\n'


@dataclass(frozen=True)
class DropinCheck:
    ok: bool
    exit_code: int
    output: str
    what: str = "the drop-in"

    @property
    def summary(self) -> str:
        if self.ok:
            return "rsyslogd -N1 accepts %s" % self.what
        lines = ([line for line in self.output.splitlines() if "error" in line.lower()]
                 or self.output.splitlines())
        return "rsyslogd -N1 rejects %s (exit %d): %s" % (
            self.what, self.exit_code, (lines[-1] if lines else "no output").strip())


def _check(texts: Callable[[str, str], Dict[str, str]], runner, what: str) -> DropinCheck:
    """Write texts(folder, work folder) = {file name: text} to a temporary folder and run
    rsyslogd -N1 on its rsyslog.conf."""
    directory = tempfile.mkdtemp(prefix="auditd-wizard-rsyslog-")
    try:
        work = os.path.join(directory, "work")
        os.mkdir(work)
        for name, text in texts(directory, work).items():
            with open(os.path.join(directory, name), "w") as out:
                out.write(text)
        argv = ["rsyslogd", "-N1", "-f", os.path.join(directory, "rsyslog.conf")]
        try:
            result = runner.run(argv, timeout=60)
        except CommandError as error:
            return DropinCheck(False, error.exit_code, (error.stdout or "") + (error.stderr or ""), what)
        return DropinCheck(True, result.exit_code, result.stdout + result.stderr, what)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def check_dropin(text: str, runner, name: str = "dropin.conf") -> DropinCheck:
    return _check(lambda directory, work: {
        name: text, "rsyslog.conf": MAIN.format(work=work, dropin=os.path.join(directory, name))},
        runner, "the drop-in")


def check_config(text: str, runner) -> DropinCheck:
    """The whole configuration as one text (wizard.rsyslog_config.combined_text; its paths are
    the host's own)."""
    return _check(lambda directory, work: {"rsyslog.conf": text}, runner,
                  "the whole rsyslog configuration")
