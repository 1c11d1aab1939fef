"""TLS-PSK for the audisp-remote method (audit >= 4.2, built with TLS): the key file and its
checks. Pure: callers pass the file's stat.

What real audit 4.2.1 needs (audisp/plugins/remote/remote-config.c, src/auditd-config.c,
autls/autls-psk.c; seen between two real 4.2.1 daemons, shared/reference/real-tools.md):
- both ends: `transport = tls`, `tls_psk_file` and `tls_psk_identity` (the sender presents the
  identity, the receiver accepts only that one); the sender keeps `format = managed`;
- the key file: a regular file (not a link), owned by root, mode exactly 0400, whose first
  line is at least 32 bytes written as hex (`openssl rand -hex 32`), the same on both ends.
"""
from __future__ import annotations

import shlex
from typing import List, Optional

from backends.changes import Change, FileAttributes, RunCommand
from wizard.kerberos import Finding

KEY_MODE = 0o400
KEY_BYTES = 32
MIN_FILE_SIZE = 2 * KEY_BYTES          # hex digits; the file has a newline too
AUDIT_ETC = "/etc/audit"


def generate_argv(path: str) -> List[str]:
    return ["openssl", "rand", "-hex", "-out", path, str(KEY_BYTES)]


def key_changes(path: str, step: str = "8") -> List[Change]:
    """Make a new key where there is none (the planner calls this only when `path` does not
    exist: an existing key is never overwritten), then make it root's and 0400."""
    return [RunCommand(generate_argv(path), undo_argv=["rm", "-f", path],
                       description="Generate the TLS pre-shared key %s (32 random bytes as hex)" % path,
                       group=step),
            FileAttributes(path, mode=KEY_MODE, uid=0, gid=0, group=step)]


def key_fix(path: str, stat) -> Optional[FileAttributes]:
    if stat is None or (stat.mode == KEY_MODE and stat.uid == 0):
        return None
    return FileAttributes(path, mode=KEY_MODE, uid=0, gid=0, group="8")


def key_findings(path: str, stat, who: str) -> List[Finding]:
    """`who` reads the key ("audisp-remote" / "auditd"). A missing key is not a finding: the
    plan makes one."""
    out: List[Finding] = []
    if not path.startswith(AUDIT_ETC + "/"):
        out.append(Finding("warning", path, "%s is outside %s: SELinux lets %s read keys only "
                           "there (auditd_etc_t)" % (path, AUDIT_ETC, who)))
    if stat is None:
        return out
    fix = key_fix(path, stat)
    if fix is not None:
        out.append(Finding("error", path, "%s is mode %04o, owner uid %d; %s refuses a key that "
                           "is not root's with mode exactly 0400" % (path, stat.mode, stat.uid, who),
                           fix.describe()))
    if stat.size < MIN_FILE_SIZE:
        out.append(Finding("error", path, "%s has %d bytes; %s needs at least %d hex digits "
                           "(openssl rand -hex %d). The wizard never overwrites a key: replace it "
                           "on both ends" % (path, stat.size, who, MIN_FILE_SIZE, KEY_BYTES)))
    return out or [Finding("ok", path, "%s exists, owned by root, mode 0400" % path)]


def copy_note(path: str, peer: str) -> str:
    """How to give the other end the same key, without showing it anywhere."""
    quoted = shlex.quote(path)
    return ("Both ends need the same key file. Copy %s to %s at the same path, root-owned, mode "
            "0400, before applying there, e.g. `ssh root@OTHER install -m 0400 -o root -g root "
            "/dev/stdin %s < %s`. The key itself is never shown, logged or put in an answers "
            "file." % (path, peer, quoted, quoted))
