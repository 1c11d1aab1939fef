"""Certificates for the rsyslog method: checks of the CA/cert/key files, and a lab CA.

Certificates are read with Python's own ssl module (no new dependency). The lab CA is made
with openssl (always installed on EL) as planned Changes, marked "lab only, not for production".
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import ssl
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

from backends.changes import Change, FileAttributes, RunCommand
from wizard.kerberos import Finding

KEY_MODES = (0o600, 0o400)
LAB_DAYS = "365"
LAB_NOTICE = "LAB ONLY, NOT FOR PRODUCTION"


# ---------------------------------------------------------------- reading certificates
def certificate_names(pem: bytes) -> Optional[List[str]]:
    """The DNS names and CN of a PEM certificate (what x509/name compares), or None when it
    cannot be read."""
    decode = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if decode is None or b"BEGIN CERTIFICATE" not in pem:
        return None
    handle, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pem)
        info = decode(path)
    except (ssl.SSLError, OSError, ValueError):
        return None
    finally:
        os.unlink(path)
    names = [value for kind, value in info.get("subjectAltName", ()) if kind == "DNS"]
    for rdn in info.get("subject", ()):
        for key, value in rdn:
            if key == "commonName" and value not in names:
                names.append(value)
    return names


def name_matches(pattern: str, name: str) -> bool:
    """rsyslog's permitted-peer match: exact (case-insensitive) or `*.domain` for one label."""
    pattern, name = pattern.lower(), name.lower()
    if pattern.startswith("*."):
        head, _, rest = name.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == name


def certificate_findings(answers, own_names: Sequence[str], read_bytes, stats: Dict) -> List[Finding]:
    """Checks for this host's TLS files. `own_names`: names this host's certificate must carry
    for its peer (a receiver: its FQDN as senders pin it; a sender: a name the receiver lists)."""
    s = answers.security
    findings: List[Finding] = []
    for label, path in (("CA certificate", s.ca_file), ("certificate", s.cert_file)):
        data = read_bytes(path)
        if data is None:
            findings.append(Finding("error", path, "%s %s does not exist" % (label, path)))
        elif certificate_names(data) is None:
            findings.append(Finding("error", path, "%s is not a readable PEM certificate" % path))
    key_stat = stats.get(s.key_file)
    if key_stat is None:
        findings.append(Finding("error", s.key_file, "private key %s does not exist" % s.key_file))
    else:
        fix = key_fix(s.key_file, key_stat)
        if fix is not None:
            findings.append(Finding("error", s.key_file, "private key %s is mode %04o owned by uid "
                                    "%d; it must be root-owned, mode 0600 or 0400"
                                    % (s.key_file, key_stat.mode, key_stat.uid), fix.describe()))
        else:
            findings.append(Finding("ok", s.key_file, "private key %s is root-owned, mode %04o"
                                    % (s.key_file, key_stat.mode)))
    cert = read_bytes(s.cert_file)
    names = certificate_names(cert) if cert is not None else None
    if names is not None:
        wanted = [n for n in own_names if n]
        if any(name_matches(w, n) for w in wanted for n in names):
            findings.append(Finding("ok", s.cert_file, "certificate names %s match what the peer "
                                    "expects (%s)" % (", ".join(names), ", ".join(wanted))))
        else:
            findings.append(Finding("error", s.cert_file, "certificate names %s do not match what "
                                    "the peer expects (%s): x509/name will refuse the connection"
                                    % (", ".join(names) or "(none)", ", ".join(wanted))))
    return findings


def key_fix(path: str, stat) -> Optional[FileAttributes]:
    if stat is None or (stat.mode in KEY_MODES and stat.uid == 0):
        return None
    return FileAttributes(path, mode=stat.mode if stat.mode in KEY_MODES else 0o600, uid=0, gid=0,
                          group="8")


# ---------------------------------------------------------------- the lab CA
def lab_dir(answers) -> str:
    return posixpath.join(posixpath.dirname(answers.security.ca_file), "lab")


def _serial(name: str) -> str:
    return "0x" + hashlib.sha256(name.encode()).hexdigest()[:16]


def _ext_file(name: str) -> str:
    return ("# %s: extensions for %s\nsubjectAltName = DNS:%s\n"
            "extendedKeyUsage = serverAuth, clientAuth\n" % (LAB_NOTICE, name, name))


def _host_cert(ca: str, ca_key: str, name: str, cert: str, key: str, ext: str, step: str) -> List[Change]:
    csr = cert + ".csr"
    return [
        RunCommand(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=%s" % name,
                    "-keyout", key, "-out", csr], creates=[key, csr], new_files_only=True,
                   description="Lab key and request for %s (%s)" % (name, LAB_NOTICE), group=step),
        RunCommand(["openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                    "-set_serial", _serial(name), "-days", LAB_DAYS, "-extfile", ext, "-out", cert],
                   creates=[cert], new_files_only=True,
                   description="Lab certificate for %s signed by the lab CA (%s)" % (name, LAB_NOTICE),
                   group=step),
        FileAttributes(key, mode=0o600, uid=0, gid=0, group=step),
    ]


def _hosts(answers, own_name: str) -> List[Tuple[str, str, str]]:
    """(name, cert, key) for this host and each permitted sender (wildcards are patterns,
    not hosts to make a certificate for)."""
    s, lab = answers.security, lab_dir(answers)
    out = [(own_name, s.cert_file, s.key_file)]
    out += [(peer, posixpath.join(lab, "%s.pem" % peer), posixpath.join(lab, "%s-key.pem" % peer))
            for peer in s.peer_names if not peer.startswith("*.")]
    return out


def lab_files(answers, own_name: str) -> List[Tuple[str, str]]:
    """(path, text): a README that says what this is, and each host's openssl extensions."""
    lab = lab_dir(answers)
    files = [(posixpath.join(lab, "README"),
              "%s\nMade by auditd-wizard: a throw-away CA for trying TLS.\nCopy ca.pem and "
              "<sender>.pem + <sender>-key.pem to each sender; use a real CA in production.\n"
              % LAB_NOTICE)]
    files += [(posixpath.join(lab, "%s.ext" % name), _ext_file(name))
              for name, _cert, _key in _hosts(answers, own_name)]
    return files


def lab_outputs(answers, own_name: str) -> List[str]:
    """Every key, certificate and request the lab CA's openssl commands would write: none may
    exist already (an existing key is never overwritten)."""
    out = [posixpath.join(lab_dir(answers), "ca-key.pem"), answers.security.ca_file]
    for _name, cert, key in _hosts(answers, own_name):
        out += [key, cert + ".csr", cert]
    return out


def lab_changes(answers, own_name: str, step: str = "8") -> List[Change]:
    """On the receiver: a lab CA, this host's certificate at cert_file/key_file, and one
    certificate per permitted sender name under <ca dir>/lab/ to copy to that sender.
    The files of lab_files() must be written first."""
    s, lab = answers.security, lab_dir(answers)
    ca_key = posixpath.join(lab, "ca-key.pem")
    changes: List[Change] = [
        RunCommand(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", LAB_DAYS,
                    "-subj", "/CN=auditd-wizard lab CA - not for production",
                    "-keyout", ca_key, "-out", s.ca_file], creates=[ca_key, s.ca_file],
                   new_files_only=True, description="Lab CA (%s)" % LAB_NOTICE, group=step),
        FileAttributes(ca_key, mode=0o600, uid=0, gid=0, group=step),
    ]
    for name, cert, key in _hosts(answers, own_name):
        changes += _host_cert(s.ca_file, ca_key, name, cert, key,
                              posixpath.join(lab, "%s.ext" % name), step)
    return changes
