"""Shared by the Security-step tests: a sandbox session from answers text, file helpers."""
import os
from pathlib import Path

from backends.changes import WriteFile
from wizard.sandbox import make_demo_root
from wizard.session import Session

OSES = ["almalinux-8", "almalinux-9", "almalinux-10"]
FQDN = {"almalinux-8": "alma8.example.com", "almalinux-9": "alma9.example.com",
        "almalinux-10": "alma10.example.com"}

# Self-signed, valid until 2126: names logs.example.com / alma9.example.com (CN and DNS SAN).
CERT_LOGS = """-----BEGIN CERTIFICATE-----
MIIBqTCCAVCgAwIBAgIUIPJe0gvMokdu00gdYULr+ShhjB4wCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQbG9ncy5leGFtcGxlLmNvbTAgFw0yNjExMjQxNzA4MDFaGA8y
MTI2MTAzMTE3MDgwMVowGzEZMBcGA1UEAwwQbG9ncy5leGFtcGxlLmNvbTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABJgUW1U/2BpCx2TPQ5WC4iGv1Tnm70TW9ST2
+K2/PV0hQsU5JJf4lxEQR/rapmjowUx8JDPFm6l8KnUr3UOdhhmjcDBuMB0GA1Ud
DgQWBBRy1yLguAOksIV1CeTjdgDc0hKgtTAfBgNVHSMEGDAWgBRy1yLguAOksIV1
CeTjdgDc0hKgtTAPBgNVHRMBAf8EBTADAQH/MBsGA1UdEQQUMBKCEGxvZ3MuZXhh
bXBsZS5jb20wCgYIKoZIzj0EAwIDRwAwRAIgSRMUS9cdFDpXaI1m9mDpt91LRJw7
B9XaKrM9bKSzsoYCIDkNXpYYRK2gNu8d+85pjLr1jngq/dsqAIA952FKhYQi
-----END CERTIFICATE-----
"""
CERT_ALMA9 = """-----BEGIN CERTIFICATE-----
MIIBrjCCAVOgAwIBAgIUSloNB3bPBeGjij0fnaOw8yn+nG8wCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRYWxtYTkuZXhhbXBsZS5jb20wIBcNMjYxMTI0MTcwODA0WhgP
MjEyNjEwMzExNzA4MDRaMBwxGjAYBgNVBAMMEWFsbWE5LmV4YW1wbGUuY29tMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkEWvD3VcqLi0p8RuxooIrMLGjpE4LUDz
FXdUhc2ogxVAPZWZw9dTV2UrBe9nhEnK4F6X2g0U4P8gjn2Akr1sfKNxMG8wHQYD
VR0OBBYEFIdmpTqlFoFoSXg6gW63Yhs6OFiPMB8GA1UdIwQYMBaAFIdmpTqlFoFo
SXg6gW63Yhs6OFiPMA8GA1UdEwEB/wQFMAMBAf8wHAYDVR0RBBUwE4IRYWxtYTku
ZXhhbXBsZS5jb20wCgYIKoZIzj0EAwIDSQAwRgIhAI13vdZQPhkLUVlHh9wyOpwx
oR1G+cAOiZo9S7nRLXRuAiEAnWugG1cbcY0oic8LcqA8kw+hJgy1dqOLZVEjQyG0
q2Y=
-----END CERTIFICATE-----
"""


def demo(tmp_path: Path, os_name: str = "almalinux-9", realm: str = "EXAMPLE.COM") -> Path:
    root = tmp_path / "root"
    if not root.exists():
        make_demo_root(root, os_name)
        if realm:
            conf = root / "etc" / "krb5.conf"
            conf.write_text(conf.read_text().replace("#    default_realm = EXAMPLE.COM",
                                                     "    default_realm = %s" % realm))
    return root


def open_session(tmp_path: Path, answers: str, os_name: str = "almalinux-9",
                 realm: str = "EXAMPLE.COM") -> Session:
    root = demo(tmp_path, os_name, realm)
    path = tmp_path / "answers.toml"
    path.write_text(answers)
    return Session.open(str(root), str(path))


def seed_admin_files(root: Path) -> None:
    """What an admin provides before the wizard: the realm, the keytabs, the certificates."""
    conf = root / "etc" / "krb5.conf"
    conf.write_text(conf.read_text().replace("#    default_realm = EXAMPLE.COM",
                                             "    default_realm = EXAMPLE.COM"))
    for keytab in ("/etc/audit/audisp-remote.key", "/etc/audit/audit.key", "/etc/audit/auditlog.key"):
        put_file(root, keytab, b"\x05\x02keytab", 0o400)
    put_file(root, "/etc/pki/rsyslog/ca.pem", CERT_LOGS, 0o644)
    put_file(root, "/etc/pki/rsyslog/cert.pem", CERT_ALMA9, 0o644)
    put_file(root, "/etc/pki/rsyslog/key.pem", "-----BEGIN PRIVATE KEY-----\n", 0o600)


def put_file(root: Path, abs_path: str, content, mode: int, uid: int = 0, gid: int = 0) -> Path:
    target = root / abs_path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    target.write_bytes(content)
    os.chown(str(target), uid, gid)
    os.chmod(str(target), mode)
    return target


def writes(session: Session) -> dict:
    return {c.path: c.content for c in session.plan().changes if isinstance(c, WriteFile)}


def kinds(session: Session, kind: str) -> list:
    return [c for c in session.plan().changes if c.kind == kind]


def firewall_opened(session: Session, option: str = "rich-rule") -> list:
    """Values the plan makes present in the firewall (both configurations), sorted, once each."""
    return sorted({e["value"] for c in kinds(session, "firewall-rules") for e in c.entries
                   if e["option"] == option and e["present"]})


def all_notes(session: Session) -> str:
    return "\n".join(n for step in session.plan().steps.values() for n in step.notes)
