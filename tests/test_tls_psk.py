"""TLS-PSK for audisp-remote (issue #10 item 5j): what real audit 4.2.1 needs on both ends —
transport = tls, tls_psk_file (root, 0400, >= 32 bytes as hex), tls_psk_identity, format =
managed on the sender — a key made when missing and never overwritten, and the key itself
nowhere but in its file."""
import dataclasses
import os
import re

import pytest

from tests.security_helpers import all_notes, kinds, open_session, put_file, writes
from wizard.answers import dump_answers
from wizard.detect.answers import detect
from wizard.facts import Layout
from wizard.model import field_error

KEY = "/etc/audit/audit.psk"
SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n[security]\nencryption = "tls"\n'
RECEIVER = 'role = "receiver"\n[security]\nencryption = "tls"\n'


def psk_session(tmp_path, answers):
    session = open_session(tmp_path, answers)
    session.facts = dataclasses.replace(session.facts, layout=Layout(audit_version="4.2.1-1"))
    return session


def active(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("role, conf", [("sender", "/etc/audit/audisp-remote.conf"),
                                        ("receiver", "/etc/audit/auditd.conf")])
def test_both_ends_get_transport_key_file_and_identity_and_a_new_key(tmp_path, role, conf):
    session = psk_session(tmp_path, SENDER if role == "sender" else RECEIVER)
    lines = active(writes(session)[conf])
    for line in ("transport = tls", "tls_psk_file = %s" % KEY, "tls_psk_identity = auditd-sender"):
        assert line in lines
    if role == "sender":
        assert "format = managed" in lines
    made = [c for c in kinds(session, "run-command") if c.argv[:3] == ["openssl", "rand", "-hex"]]
    assert [c.argv for c in made] == [["openssl", "rand", "-hex", "-out", KEY, "32"]]
    attrs = [c for c in kinds(session, "file-attributes") if c.path == KEY]
    assert [(a.mode, a.uid, a.gid) for a in attrs] == [(0o400, 0, 0)]
    notes = all_notes(session)
    assert "Copy %s to %s" % (KEY, "the receiver" if role == "sender" else "every sender") in notes

    result = session.apply()
    assert result.ok, result.error
    key_file = session.root / KEY.lstrip("/")
    stat = key_file.stat()
    assert (stat.st_mode & 0o7777, stat.st_uid) == (0o400, 0)
    key = key_file.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", key)
    session._refresh()
    assert session.plan().empty            # a second apply makes no new key

    # The key is in its file only: not in the plan, the answers, the journal or another file.
    secret = key.strip()
    for path in session.root.rglob("*"):
        if path.is_file() and path != key_file:
            assert secret not in path.read_text(errors="replace"), path
    assert secret not in session.answers_toml()


def test_an_existing_key_is_never_overwritten_only_made_root_0400(tmp_path):
    session = psk_session(tmp_path, SENDER)
    key = "a1" * 40 + "\n"
    put_file(session.root, KEY, key, 0o644)
    session._refresh()
    assert not [c for c in kinds(session, "run-command") if "rand" in c.argv]
    assert "is mode 0644" in all_notes(session)
    assert session.apply().ok
    key_file = session.root / KEY.lstrip("/")
    assert key_file.read_text() == key
    assert key_file.stat().st_mode & 0o7777 == 0o400


def test_a_short_key_is_reported_not_replaced(tmp_path):
    session = psk_session(tmp_path, RECEIVER)
    put_file(session.root, KEY, "ab" * 16 + "\n", 0o400)
    session._refresh()
    notes = all_notes(session)
    assert "needs at least 64 hex digits" in notes and "never overwrites" in notes
    # audit refuses it: apply refuses too, unless forced
    assert [f.level for f in session.preflight() if "hex digits" in f.text] == ["blocker"]
    assert not [c for c in kinds(session, "run-command") if "rand" in c.argv]


def test_a_key_outside_etc_audit_gets_the_selinux_warning(tmp_path):
    session = psk_session(tmp_path, SENDER + 'tls_psk_file = "/root/audit.psk"\n')
    assert "outside /etc/audit" in all_notes(session)
    assert "auditd_etc_t" in all_notes(session)
    assert [f.level for f in session.preflight() if "outside /etc/audit" in f.text] == ["warning"]


def test_identity_is_checked_like_audit_checks_it():
    assert field_error("security.tls_psk_identity", "web 01")
    assert field_error("security.tls_psk_identity", "x" * 256)
    assert field_error("security.tls_psk_identity", "web01.example.com") is None
    assert field_error("security.tls_psk_file", "audit.psk")


def test_detect_reads_tls_psk_back(tmp_path):
    session = psk_session(tmp_path, SENDER + 'tls_psk_identity = "web01"\n')
    assert session.apply().ok
    found = detect(session._host, session.facts)
    s = found.answers.security
    assert (s.encryption, s.tls_psk_file, s.tls_psk_identity) == ("tls", KEY, "web01")
    assert 'tls_psk_identity = "web01"' in dump_answers(found.answers)


def test_the_refusal_before_4_2_still_holds(tmp_path):
    session = open_session(tmp_path, SENDER)
    assert "audit 4.2" in (session.plan_error() or "")
    assert not os.path.exists(session.root / KEY.lstrip("/"))
