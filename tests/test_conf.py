"""Round-trip editing of audit's `key = value` files (wizard/conf.py)."""
import difflib
from pathlib import Path

import pytest

from wizard.conf import MAX_LINE_BYTES, KeyValueFile

# Hand-written texts shaped like the upstream defaults, with their awkward corners:
# trailing spaces, `##key = value` and `#args =` templates, an empty value.
AUDISP_REMOTE = (
    "#\n"
    "# This file controls the configuration of the audit remote \n"
    "# logging subsystem, audisp-remote.\n"
    "#\n"
    "\n"
    "remote_server = \n"
    "port = 60\n"
    "##local_port =\n"
    "transport = tcp\n"
    "queue_file = /var/spool/audit/remote.log\n"
    "mode = immediate\n"
    "queue_depth = 10240\n"
    "format = managed\n"
    "heartbeat_timeout = 0 \n"
    "\n"
    "network_failure_action = stop\n"
    "remote_ending_action = reconnect\n"
    "\n"
    "##krb5_principal = \n"
    "##krb5_client_name = auditd\n"
)
AUDITD = (
    "#\n"
    "# This file controls the configuration of the audit daemon\n"
    "#\n"
    "\n"
    "local_events = yes\n"
    "log_format = ENRICHED\n"
    "name_format = NONE\n"
    "##name = mydomain\n"
    "##tcp_listen_port = 60\n"
    "tcp_listen_queue = 5\n"
    "tcp_max_per_addr = 1\n"
    "##tcp_client_ports = 1024-65535\n"
    "tcp_client_max_idle = 0\n"
    "transport = TCP\n"
    "overflow_action = SYSLOG\n"
    "plugin_dir = /etc/audit/plugins.d\n"
    "end_of_event_timeout = 2\n"
)
AU_REMOTE = (
    "\n"
    "# This file controls the auditd data path to the\n"
    "# remote event logger.\n"
    "\n"
    "active = no\n"
    "direction = out\n"
    "path = /sbin/audisp-remote\n"
    "type = always\n"
    "#args =\n"
    "format = string\n"
    "\n"
)
SYSLOG_PLUGIN = (
    "# This file controls the configuration of the syslog plugin.\n"
    "\n"
    "active = no\n"
    "direction = out\n"
    "path = /sbin/audisp-syslog\n"
    "type = always \n"
    "args = LOG_INFO\n"
    "format = string\n"
)
NO_FINAL_NEWLINE = "active = no\npath = /sbin/audisp-af_unix\nformat = string"
ODD_LINES = (
    "key_without_spaces=1\n"
    "\ttabbed = yes\n"
    "junk line with no equals sign\n"
    "   indented = value   \n"
    "dos = line\r\n"
    "\x0cform feed stays\n"
)
FIXTURES = {
    "audisp-remote": AUDISP_REMOTE,
    "auditd": AUDITD,
    "au-remote": AU_REMOTE,
    "syslog": SYSLOG_PLUGIN,
    "no-final-newline": NO_FINAL_NEWLINE,
    "odd-lines": ODD_LINES,
    "empty": "",
    "only-newline": "\n",
    "blank-lines": "\n\n\n",
}
DEFAULTS_DIR = Path("/work/shared/reference/audit-defaults")


def changed_lines(before: str, after: str):
    """The -/+ lines of a diff, without headers."""
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [line for line in diff
            if line[:1] in "+-" and not line.startswith(("---", "+++"))]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_render_is_identity(name):
    text = FIXTURES[name]
    assert KeyValueFile.parse(text).render() == text


def default_files():
    if not DEFAULTS_DIR.is_dir():
        return []
    return sorted(p for p in DEFAULTS_DIR.rglob("*") if p.is_file())


@pytest.mark.skipif(not DEFAULTS_DIR.is_dir(),
                    reason="upstream default files are only on the build machine "
                           "(/work/shared/reference/audit-defaults)")
@pytest.mark.parametrize("path", default_files(), ids=lambda p: "/".join(p.parts[-2:]))
def test_render_is_identity_on_upstream_defaults(path):
    text = path.read_bytes().decode("utf-8")
    assert KeyValueFile.parse(text).render() == text


def test_get_reads_values_without_trailing_space():
    conf = KeyValueFile.parse(AUDISP_REMOTE)
    assert conf.get("heartbeat_timeout") == "0"
    assert conf.get("remote_server") == ""
    assert conf.get("port") == "60"
    assert conf.get("local_port") is None  # only a commented template
    assert KeyValueFile.parse(SYSLOG_PLUGIN).get("type") == "always"


def test_get_matches_keys_case_insensitively_and_last_wins():
    conf = KeyValueFile.parse("PORT = 60\nport = 61\nPort = 62\n")
    assert conf.get("port") == "62"
    assert "port" in conf
    assert "local_port" not in conf


def test_items_lists_active_settings_in_order():
    conf = KeyValueFile.parse(AU_REMOTE)
    assert conf.items() == [("active", "no"), ("direction", "out"),
                            ("path", "/sbin/audisp-remote"), ("type", "always"),
                            ("format", "string")]


def test_set_changes_exactly_one_line():
    before = AUDISP_REMOTE
    conf = KeyValueFile.parse(before)
    assert conf.set("remote_server", "logs.example.com") is True
    after = conf.render()
    assert changed_lines(before, after) == ["-remote_server = \n",
                                            "+remote_server = logs.example.com\n"]


def test_set_rewrites_a_trailing_space_line_only_when_the_value_differs():
    conf = KeyValueFile.parse(AUDISP_REMOTE)
    assert conf.set("heartbeat_timeout", "0") is False
    assert conf.render() == AUDISP_REMOTE
    assert conf.set("heartbeat_timeout", "30") is True
    assert changed_lines(AUDISP_REMOTE, conf.render()) == [
        "-heartbeat_timeout = 0 \n", "+heartbeat_timeout = 30\n"]


def test_equal_value_leaves_bytes_unchanged():
    conf = KeyValueFile.parse(SYSLOG_PLUGIN)
    for key, value in [("type", "always"), ("args", "LOG_INFO"), ("active", "no")]:
        assert conf.set(key, value) is False
    assert conf.render() == SYSLOG_PLUGIN


def test_equal_value_is_case_sensitive():
    conf = KeyValueFile.parse(AUDITD)
    assert conf.set("name_format", "hostname") is True
    assert changed_lines(AUDITD, conf.render()) == ["-name_format = NONE\n",
                                                   "+name_format = hostname\n"]


def test_set_rewrites_only_the_last_duplicate():
    text = "port = 60\nport = 61\n"
    conf = KeyValueFile.parse(text)
    conf.set("port", "62")
    assert conf.render() == "port = 60\nport = 62\n"


def test_set_uncomments_a_double_hash_template_in_place():
    conf = KeyValueFile.parse(AUDITD)
    conf.set("tcp_listen_port", "60")
    after = conf.render()
    assert changed_lines(AUDITD, after) == ["-##tcp_listen_port = 60\n",
                                           "+tcp_listen_port = 60\n"]
    lines = after.splitlines()
    assert lines.index("tcp_listen_port = 60") == AUDITD.splitlines().index("##tcp_listen_port = 60")


def test_set_uncomments_a_bare_args_template():
    conf = KeyValueFile.parse(AU_REMOTE)
    conf.set("args", "LOG_INFO LOG_LOCAL6")
    assert changed_lines(AU_REMOTE, conf.render()) == ["-#args =\n", "+args = LOG_INFO LOG_LOCAL6\n"]


def test_set_appends_after_the_last_key_line():
    conf = KeyValueFile.parse(AU_REMOTE)
    conf.set("direction_extra", "x")
    lines = conf.render().splitlines()
    assert lines[lines.index("format = string") + 1] == "direction_extra = x"
    assert conf.render().endswith("direction_extra = x\n\n")  # trailing blank line kept
    assert len(changed_lines(AU_REMOTE, conf.render())) == 1


def test_append_to_a_file_without_final_newline_terminates_both_lines():
    conf = KeyValueFile.parse(NO_FINAL_NEWLINE)
    conf.set("args", "0640 /run/audit/audispd_events")
    assert conf.render() == NO_FINAL_NEWLINE + "\nargs = 0640 /run/audit/audispd_events\n"


def test_set_on_an_empty_file():
    conf = KeyValueFile.parse("")
    conf.set("active", "yes")
    assert conf.render() == "active = yes\n"


def test_set_repairs_a_line_the_parser_rejects_even_with_an_equal_value():
    conf = KeyValueFile.parse("key_without_spaces=1\n")
    assert conf.set("key_without_spaces", "1") is True
    assert conf.render() == "key_without_spaces = 1\n"


def test_remove_deletes_active_lines_and_keeps_comments():
    text = "##enable_krb5 = no\nenable_krb5 = no\nport = 60\nENABLE_KRB5 = yes\n"
    conf = KeyValueFile.parse(text)
    assert conf.remove("enable_krb5") == 2
    assert conf.render() == "##enable_krb5 = no\nport = 60\n"
    assert conf.remove("enable_krb5") == 0


@pytest.mark.parametrize("value", [
    "two  spaces", " leading", "trailing ", "tab\there", "new\nline", "cr\rhere",
    "hash#value", "bell\x07", "", "caf\u00e9", "nbsp\u00a0x",
])
def test_set_refuses_values_audit_cannot_read_back(value):
    conf = KeyValueFile.parse(AU_REMOTE)
    with pytest.raises(ValueError):
        conf.set("args", value)
    assert conf.render() == AU_REMOTE


def test_set_refuses_lines_of_128_bytes_or_more():
    conf = KeyValueFile.parse("")
    # "key = " is 6 bytes, plus the newline: a 120-byte value makes a 127-byte line.
    conf.set("key", "v" * 120)
    with pytest.raises(ValueError):
        conf.set("key", "v" * 121)
    assert conf.get("key") == "v" * 120


@pytest.mark.parametrize("key", ["", "bad key", "a=b", "#x", "k\n"])
def test_set_refuses_bad_keys(key):
    with pytest.raises(ValueError):
        KeyValueFile.parse("").set(key, "1")


def test_lines_over_counts_bytes_with_the_newline():
    text = "a = " + "x" * 122 + "\n" + "b = " + "y" * 123 + "\n"  # 127 and 128 bytes
    conf = KeyValueFile.parse(text)
    assert conf.lines_over(MAX_LINE_BYTES) == [(2, "b = " + "y" * 123)]
    assert [n for n, _ in conf.lines_over(10)] == [1, 2]
    # multi-byte characters count as bytes, not characters
    assert KeyValueFile.parse("n = \u00e9\u00e9\n").lines_over(7) == [(1, "n = \u00e9\u00e9")]


def test_parse_problems_on_clean_defaults_is_empty():
    for text in (AUDITD, AU_REMOTE, SYSLOG_PLUGIN):
        assert KeyValueFile.parse(text).parse_problems() == []


def test_parse_problems_finds_what_the_audit_parser_rejects():
    text = (
        "good = yes\n"
        "nospace=1\n"
        "tab\t= 1\n"
        "value = x # comment\n"
        "inside = a#b\n"
        "empty = \n"
        "long = " + "z" * 130 + "\n"
        "# a comment = is fine\n"
        "last = line"
    )
    problems = KeyValueFile.parse(text).parse_problems()
    by_line = {}
    for problem in problems:
        by_line.setdefault(problem.line_number, []).append(problem.reason)
    assert 1 not in by_line and 8 not in by_line
    assert any("separate word" in r for r in by_line[2])
    assert any("tab" in r for r in by_line[3])
    assert any("after the value" in r for r in by_line[4])
    assert any("inside the value" in r for r in by_line[5])
    assert any("no value" in r for r in by_line[6])
    assert any("longer than" in r for r in by_line[7])
    assert any("no newline" in r for r in by_line[9])
    assert str(problems[0]).startswith("line 2: ")
