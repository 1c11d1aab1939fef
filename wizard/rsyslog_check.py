"""Validate a planned rsyslog drop-in with the real parser: `rsyslogd -N1 -f MAIN`, where
MAIN is a minimal main configuration that includes the drop-in, as /etc/rsyslog.conf does.
Runs through a Runner, so only where rsyslogd exists (a real host, CI)."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

from backends.runner import CommandError

MAIN = 'global(workDirectory="{work}")\ninclude(file="{dropin}")\n'


@dataclass(frozen=True)
class DropinCheck:
    ok: bool
    exit_code: int
    output: str

    @property
    def summary(self) -> str:
        if self.ok:
            return "rsyslogd -N1 accepts the drop-in"
        lines = [l for l in self.output.splitlines() if "error" in l.lower()] or self.output.splitlines()
        return "rsyslogd -N1 rejects the drop-in (exit %d): %s" % (
            self.exit_code, (lines[-1] if lines else "no output").strip())


def check_dropin(text: str, runner, name: str = "dropin.conf") -> DropinCheck:
    directory = tempfile.mkdtemp(prefix="auditd-wizard-rsyslog-")
    try:
        work = os.path.join(directory, "work")
        os.mkdir(work)
        dropin = os.path.join(directory, name)
        with open(dropin, "w") as out:
            out.write(text)
        main = os.path.join(directory, "rsyslog.conf")
        with open(main, "w") as out:
            out.write(MAIN.format(work=work, dropin=dropin))
        try:
            result = runner.run(["rsyslogd", "-N1", "-f", main], timeout=60)
        except CommandError as error:
            return DropinCheck(False, error.exit_code, (error.stdout or "") + (error.stderr or ""))
        return DropinCheck(True, result.exit_code, result.stdout + result.stderr)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
