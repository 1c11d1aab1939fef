"""Issue #11 item 4, for every command a plan runs: each file a command names is either an input
that is there (on the host, or made by an earlier change of the same transaction) or one it
declares in `creates` (journaled before it runs, put back by the undo; never overwritten when
it is a key). A new command kind that writes a file it does not declare fails here."""
import shlex

import pytest

from backends.changes import RunCommand
from backends.host import Host
from tests.security_helpers import open_session, put_file

SCENARIOS = {
    "rsyslog TLS receiver, lab certificates": (
        'role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
        'peer_names = ["web01.example.com"]\nlab_certificates = true\n'),
    "Kerberos sender, kadmin run by the wizard": (
        'role = "sender"\n[remote]\nserver = "logs.example.com"\n[security]\n'
        'encryption = "kerberos"\nrun_kadmin = true\nkadmin_principal = "admin/admin"\n'
        'kadmin_keytab = "/root/admin.keytab"\n'),
}


def named_paths(argv):
    """Absolute paths in the arguments, also inside a quoted query (kadmin -q "ktadd -k PATH")."""
    words = []
    for option, arg in zip(argv, argv[1:]):
        if option == "-subj":          # openssl's subject (/CN=...), not a file
            continue
        words += shlex.split(arg) if option == "-q" else [arg]
    return [w for w in words if w.startswith("/")]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_file_a_command_names_is_there_or_declared(tmp_path, scenario):
    session = open_session(tmp_path, SCENARIOS[scenario])
    put_file(session.root, "/root/admin.keytab", "\x05\x02admin keytab", 0o600)
    host = Host.for_root(session.root)
    made = set()     # what earlier changes of the same transaction write
    commands = 0
    for change in session.plan().transaction():
        if isinstance(change, RunCommand):
            commands += 1
            undeclared = [p for p in named_paths(change.argv)
                          if p not in change.creates and p not in made and host.stat(p) is None]
            assert not undeclared, f"{change.argv} writes {undeclared} without declaring them"
        made.update(change.paths())
    assert commands >= 2, "the scenario no longer runs the commands it is here for"
