"""Issue #11 item 7: the key = value editor works on bytes. Lines it does not change stay
byte-identical whatever their encoding; lines it writes end like the file's lines; a rollback
puts the exact bytes back."""
from pathlib import Path

import pytest

from tests.fault_harness import tree_snapshot
from wizard.conf import KeyValueFile
from wizard.sandbox import make_demo_root
from wizard.session import Session

SENDER = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n[auditd]\nlog_format = "RAW"\n'
LATIN1_COMMENT = "# Ger\xe4t: M\xfcnchen \xa9 Fran\xe7ois\n".encode("latin-1")


def apply_on(tmp_path, edit_auditd_conf):
    root = make_demo_root(tmp_path / "root", "almalinux-9")
    conf = root / "etc/audit/auditd.conf"
    conf.write_bytes(edit_auditd_conf(conf.read_bytes()))
    before_bytes, before = conf.read_bytes(), tree_snapshot(root)
    (tmp_path / "answers.toml").write_text(SENDER)
    session = Session.open(str(root), str(tmp_path / "answers.toml"))
    preview = session.plan()  # the diff must show the bytes it keeps
    result = session.apply()
    assert result.ok, result.error
    return root, session, result.tx_id, before_bytes, before, conf.read_bytes()


def test_a_latin1_comment_stays_byte_identical_and_comes_back(tmp_path):
    root, session, tx_id, before_bytes, before, after = apply_on(
        tmp_path, lambda data: LATIN1_COMMENT + data)
    assert after.startswith(LATIN1_COMMENT)                  # not U+FFFD
    assert b"\nlog_format = RAW\n" in after
    changed = [line for line in after.split(b"\n") if line not in before_bytes.split(b"\n")]
    assert changed and all(line.startswith((b"log_format = ", b"name_format = ")) for line in changed)
    assert session.rollback(tx_id).ok
    assert tree_snapshot(root) == before


def test_the_diff_shows_a_byte_that_is_not_utf8_instead_of_hiding_it(tmp_path):
    root = make_demo_root(tmp_path / "root", "almalinux-9")
    conf = root / "etc/audit/auditd.conf"
    conf.write_bytes(conf.read_bytes().replace(b"\nlog_format = ENRICHED\n",
                                               b"\n# caf\xe9\nlog_format = ENRICHED\n"))
    (tmp_path / "answers.toml").write_text(SENDER)
    session = Session.open(str(root), str(tmp_path / "answers.toml"))
    [diff] = [i for i in session.step_preview(2) if i.title == "/etc/audit/auditd.conf"]
    assert " # caf\\xe9" in diff.text and "\ufffd" not in diff.text
    diff.text.encode("utf-8")   # printable on any terminal


def test_a_crlf_file_keeps_crlf_in_the_lines_the_wizard_writes(tmp_path):
    root, session, tx_id, before_bytes, before, after = apply_on(
        tmp_path, lambda data: data.replace(b"\n", b"\r\n"))
    lines = after.split(b"\n")[:-1]
    assert all(line.endswith(b"\r") for line in lines), [l for l in lines if not l.endswith(b"\r")]
    assert b"\nlog_format = RAW\r\n" in after
    assert session.rollback(tx_id).ok
    assert tree_snapshot(root) == before


@pytest.mark.parametrize("data", [
    b"# \xff\xfe odd bytes\nactive = no\n", b"active = no\r\ndirection = out\r\n",
    b"\xe9t\xe9 = \xe9\nport = 60", b"",
])
def test_editor_round_trips_bytes_and_writes_the_files_line_ending(data):
    conf = KeyValueFile.parse_bytes(data)
    assert conf.render_bytes() == data
    conf.set("port", "61")
    out = conf.render_bytes()
    crlf = data.count(b"\r\n") * 2 > data.count(b"\n")
    assert (b"port = 61\r\n" if crlf else b"port = 61") in out
    kept = [line for line in data.split(b"\n") if not line.startswith(b"port")]
    assert all(line in out.split(b"\n") for line in kept)
