"""Test certificates made with certtool: a CA, the receiver (server), a permitted client and
a rogue client that the same CA signed but the receiver does not list as a permitted peer."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import List

CA_TEMPLATE = 'cn = "E2E Test CA"\nca\ncert_signing_key\nexpiration_days = 30\n'
LEAF_TEMPLATE = ('cn = "{name}"\ndns_name = "{name}"\nip_address = "127.0.0.1"\n'
                 'tls_www_server\ntls_www_client\nsigning_key\nencryption_key\n'
                 'expiration_days = 30\n')
SERVER_NAME = "receiver.e2e.test"
CLIENT_NAME = "sender01.e2e.test"
ROGUE_NAME = "rogue.e2e.test"


def _certtool(args: List[str]) -> None:
    subprocess.run(["certtool"] + args, check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30, close_fds=True)


def _key(path: Path) -> None:
    _certtool(["--generate-privkey", "--key-type", "ecdsa", "--curve", "secp256r1",
               "--outfile", str(path)])


def make_pki(directory: Path) -> Path:
    """Writes ca.pem, and <role>.pem + <role>-key.pem for server, client and rogue."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.tmpl").write_text(CA_TEMPLATE)
    _key(directory / "ca-key.pem")
    _certtool(["--generate-self-signed", "--load-privkey", str(directory / "ca-key.pem"),
               "--template", str(directory / "ca.tmpl"), "--outfile", str(directory / "ca.pem")])
    for role, name in (("server", SERVER_NAME), ("client", CLIENT_NAME), ("rogue", ROGUE_NAME)):
        (directory / ("%s.tmpl" % role)).write_text(LEAF_TEMPLATE.format(name=name))
        _key(directory / ("%s-key.pem" % role))
        _certtool(["--generate-certificate",
                   "--load-privkey", str(directory / ("%s-key.pem" % role)),
                   "--load-ca-certificate", str(directory / "ca.pem"),
                   "--load-ca-privkey", str(directory / "ca-key.pem"),
                   "--template", str(directory / ("%s.tmpl" % role)),
                   "--outfile", str(directory / ("%s.pem" % role))])
    return directory
