"""Inside the private namespace: let the wizard's own commands run on "/" for real.

`auditd-wizard` acts on "/" only on an AlmaLinux/RHEL-family host, and asks rpm for the audit
version. The real-stack machine is Debian, so inside the namespace (never outside it):
- /etc/os-release is bind-mounted over with an AlmaLinux 9 one;
- an `rpm` in /usr/bin answers `rpm -q [--qf FMT] NAME...` from dpkg, for the real installed
  packages (audit = Debian's auditd). The wizard runs commands from the system's folders only,
  never through PATH, so the shim is laid over /usr/bin with a read-only overlay mount, which
  only this namespace sees.
Everything else the wizard runs is the machine's real program (ausearch, the TCP connect)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict

from tests.realstack.ns import bind, run

OS_RELEASE = ('NAME="AlmaLinux"\nVERSION="9.5 (Teal Serval)"\nID="almalinux"\n'
              'ID_LIKE="rhel centos fedora"\nVERSION_ID="9.5"\n'
              'PRETTY_NAME="AlmaLinux 9.5 (Teal Serval)"\n')
DEBIAN_PACKAGE = {"audit": "auditd", "audispd-plugins": "audispd-plugins", "rsyslog": "rsyslog"}
RPM_SHIM = '''#!{python}
"""rpm -q for the real-stack tests: the Debian package's version, as rpm would print it."""
import subprocess, sys
args = sys.argv[1:]
qf = args[args.index("--qf") + 1] if "--qf" in args else None
names = [a for a in args if not a.startswith("-") and a != qf]
missing = 0
for name in names:
    deb = {mapping!r}.get(name, name)
    done = subprocess.run(["dpkg-query", "-W", "-f", "${{Version}}", deb],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    version = done.stdout.decode().split(":")[-1]
    if done.returncode or not version:
        print("package %s is not installed" % name)
        missing += 1      # real rpm exits with the number of names not installed
    elif qf:              # the fields the wizard asks for: %{{NAME}}, %{{VERSION}}-%{{RELEASE}}
        sys.stdout.write(qf.replace("%{{NAME}}", name).replace("%{{VERSION}}-%{{RELEASE}}", version)
                         .replace("\\\\n", "\\n"))
    else:
        print("%s-%s.x86_64" % (name, version))
sys.exit(min(missing, 255))
'''


def pose_as_el(workdir: Path) -> Dict[str, str]:
    """Bind the AlmaLinux os-release over /etc/os-release; the environment (PATH with the rpm
    shim first) to run the wizard with."""
    workdir.mkdir(parents=True, exist_ok=True)
    release = workdir / "os-release"
    release.write_text(OS_RELEASE)
    bind(str(release), "/etc/os-release")
    shims = workdir / "bin"
    shims.mkdir(exist_ok=True)
    rpm = shims / "rpm"
    rpm.write_text(RPM_SHIM.format(python=sys.executable, mapping=DEBIAN_PACKAGE))
    rpm.chmod(0o755)
    run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%s:/usr/bin" % shims, "/usr/bin"])
    return dict(os.environ, PATH="%s:%s" % (shims, os.environ.get("PATH", "/usr/bin:/bin")),
                LC_ALL="C")


def wizard_argv(*args: str) -> list:
    """The installed `auditd-wizard` of this Python (its console script)."""
    script = Path(sys.executable).parent / "auditd-wizard"
    if script.exists():
        return [str(script)] + list(args)
    return [sys.executable, "-c", "import sys; from wizard.cli import main; sys.exit(main())"] + list(args)
