"""Property tests: hostile answers never crash and always name the field; valid answers
survive dump -> load unchanged (wizard/model.py, wizard/answers.py)."""
import ipaddress
import os
import re
import tempfile

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wizard.answers import (AnswersError, answers_schema, dump_answers, load_answers,
                            parse_answers)
from wizard.model import SECTIONS, field_error, field_names, validate_answers

# AUDITD_WIZARD_PROP_EXAMPLES=5000 for a long soak; 150 keeps the normal run at seconds.
PROPS = settings(max_examples=int(os.environ.get("AUDITD_WIZARD_PROP_EXAMPLES", "150")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
FIELDS = field_names()
# Problems that involve two fields and so are not visible to field_error() alone.
CROSS_FIELD = ("remote.server: required", "auditd.name: required", "security.encryption: \"kerberos\"")
MESSAGE_START = re.compile(r'^(\(answers file\)|[A-Za-z0-9_"\\-][^:]*): \S')

# ---- hostile values ---------------------------------------------------------------------
nasty_text = st.one_of(
    st.text(),
    st.sampled_from(["", " ", "\n", "#", "a#b", "bad host", "\t", "\x00", "\u202e", "\ud7ff",
                     "logs.example.com\n", "{reason}", "{0}", "%s", "${HOME}", "'", '"', "\\",
                     "x" * 5000, "..", "/../", "-1", "0x10", "1e9", "60 ", " 60"]),
)
scalars = st.one_of(
    nasty_text,
    st.integers(),
    st.integers(min_value=-(2 ** 200), max_value=2 ** 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.binary(max_size=10),
    st.datetimes(),
)
hostile = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
toml_scalars = st.one_of(nasty_text.map(lambda s: s.replace("\ud800", "")), st.booleans(),
                         st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1),
                         st.floats(), st.datetimes())
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def place(data, dotted, value):
    section, _, key = dotted.partition(".")
    if key:
        data.setdefault(section, {})[key] = value
    else:
        data[section] = value
    return data


def base():
    return {"remote": {"server": "logs.example.com"}}


def check_messages(messages):
    assert messages, "an invalid file must say why"
    for message in messages:
        assert isinstance(message, str)
        assert "\n" not in message and "Traceback" not in message
        assert MESSAGE_START.match(message), message
        assert len(message) < 600


def names_field(messages, dotted):
    return any(m.startswith(dotted + ":") or m.startswith(dotted + "[") for m in messages)


# ---- never crash, always name the field --------------------------------------------------
@PROPS
@given(dotted=st.sampled_from(FIELDS), value=hostile)
def test_any_value_in_any_field_is_handled(dotted, value):
    answers, messages = validate_answers(place(base(), dotted, value))
    alone = field_error(dotted, value)
    if answers is None:
        check_messages(messages)
    if alone is not None:
        assert answers is None
        assert alone.startswith(dotted)
        assert names_field(messages, dotted), (dotted, messages)
    else:
        field_messages = [m for m in messages if names_field([m], dotted)]
        assert all(m.startswith(CROSS_FIELD) for m in field_messages), field_messages


@PROPS
@given(section=st.sampled_from(sorted(SECTIONS) + ["role", "method"]), value=hostile)
def test_any_section_value_is_handled(section, value):
    answers, messages = validate_answers(place(base(), section, value))
    if answers is None:
        check_messages(messages)
        assert any(m.startswith(section) for m in messages), messages


@PROPS
@given(section=st.sampled_from(sorted(SECTIONS)), key=st.text(min_size=1, max_size=20),
       value=hostile)
def test_unknown_keys_are_named(section, key, value):
    assume(key not in SECTIONS[section].model_fields)
    answers, messages = validate_answers(place(base(), "%s.%s" % (section, key), value))
    assert answers is None
    check_messages(messages)
    unknown = [m for m in messages if "unknown key" in m]
    assert len(unknown) == 1 and unknown[0].startswith(section + ".")


@PROPS
@given(data=hostile)
def test_any_top_level_value_is_handled(data):
    answers, messages = validate_answers(data)
    if answers is None:
        check_messages(messages)


@PROPS
@given(dotted=st.sampled_from(FIELDS), value=toml_values)
def test_load_answers_reports_bad_values_by_field(dotted, value):
    text = tomli_w.dumps(place(base(), dotted, value))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "answers.toml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            load_answers(path)
        except AnswersError as exc:
            check_messages(exc.messages)
            if field_error(dotted, value) is not None:
                assert names_field(exc.messages, dotted), exc.messages


@PROPS
@given(text=st.text())
def test_any_text_is_handled(text):
    try:
        parse_answers(text, "answers.toml")
    except AnswersError as exc:
        assert exc.messages and all("\n" not in m for m in exc.messages)


@PROPS
@given(raw=st.binary())
def test_any_bytes_on_disk_are_handled(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "answers.toml")
        with open(path, "wb") as handle:
            handle.write(raw)
        try:
            load_answers(path)
        except AnswersError as exc:
            if not exc.messages[0].startswith(path):  # readable TOML, invalid answers
                check_messages(exc.messages)


def test_bad_toml_message_has_the_line_number():
    with pytest.raises(AnswersError) as caught:
        parse_answers('role = "sender"\n\n[remote]\nport = = 60\n', "a.toml")
    assert caught.value.messages[0].startswith("a.toml: not valid TOML:")
    assert "line 4" in caught.value.messages[0]


def test_deep_nesting_is_handled():
    with pytest.raises(AnswersError):
        parse_answers("role = " + "[" * 5000 + "]" * 5000 + "\n")


def test_unreadable_file_is_an_answers_error(tmp_path):
    with pytest.raises(AnswersError) as caught:
        load_answers(tmp_path / "missing.toml")
    assert "cannot read" in caught.value.messages[0]
    with pytest.raises(AnswersError):
        load_answers(tmp_path)  # a directory


# ---- valid answers round-trip ------------------------------------------------------------
label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
hostnames = st.lists(label, min_size=1, max_size=4).map(".".join).filter(
    lambda h: not h.split(".")[-1].isdigit())
addresses = st.ip_addresses().map(str)
networks = st.tuples(st.ip_addresses(), st.integers(0, 128)).map(
    lambda pair: str(ipaddress.ip_network("%s/%d" % (pair[0], min(pair[1], pair[0].max_prefixlen)),
                                          strict=False)))
ports = st.integers(1, 65535)
safe_word = st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True)
node_names = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,18}[A-Za-z0-9])?", fullmatch=True).filter(
    lambda n: ".." not in n)   # auditd.name: host-name characters (and '_')


@st.composite
def valid_data(draw):
    role = draw(st.sampled_from(["sender", "receiver"]))
    method = draw(st.sampled_from(["audisp-remote", "rsyslog"]))
    name_format = draw(st.sampled_from(["none", "hostname", "fqd", "numeric", "user"]))
    low = draw(ports)
    client_ports = draw(st.one_of(st.none(), st.just(str(low)),
                                  st.integers(low, 65535).map(lambda high: "%d-%d" % (low, high))))
    data = {
        "role": role,
        "method": method,
        "auditd": {
            "name_format": name_format,
            "name": draw(node_names) if name_format == "user" else draw(st.none() | node_names),
            "log_format": draw(st.sampled_from(["RAW", "ENRICHED", "raw", "Enriched"])),
            "overflow_action": draw(st.sampled_from(["ignore", "syslog", "suspend", "single", "halt"])),
        },
        "remote": {
            "server": draw(hostnames | addresses) if role == "sender" else draw(st.none() | hostnames),
            "port": draw(ports),
            "mode": draw(st.sampled_from(["auto", "immediate", "forward"])),
            "outage": draw(st.sampled_from(["0", "90s", "10m", "2h", "1d"])),
            "peak_rate": draw(st.none() | st.integers(1, 1000000)),
            "network_failure_action": draw(st.sampled_from(
                ["ignore", "syslog", "warn_once", "warn_once_continue", "suspend", "single",
                 "halt", "stop"])),
            "local_port": draw(st.integers(0, 65535)),
            "heartbeat_timeout": draw(st.integers(0, 2147483647)),
            "queue_file": "/" + "/".join(draw(st.lists(st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True),
                                                       min_size=1, max_size=4))),
        },
        "receiver": {
            "listen_port": draw(ports),
            "allowed_senders": draw(st.lists(addresses | networks, max_size=4)),
            "max_per_addr": draw(st.integers(1, 1024)),
            "local_events": draw(st.booleans()),
            "client_ports": client_ports,
            "client_max_idle": draw(st.integers(0, 2147483647)),
            "listen_queue": draw(st.integers(1, 65535)),
        },
        "security": {"encryption": draw(st.sampled_from(
            ["none", "tls"] if method == "rsyslog" else ["none", "kerberos", "tls"]))},
        "firewall": {"manage": draw(st.booleans()),
                     "zone": draw(st.none() | st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True))},
        "selinux": {"manage": draw(st.booleans())},
    }
    if method == "rsyslog" and data["security"]["encryption"] == "tls":
        # x509/name needs certificate names: a receiver's senders, a sender's receiver
        data["security"]["peer_names"] = draw(st.lists(hostnames, min_size=1, max_size=3))
    return data


@PROPS
@given(data=valid_data())
def test_valid_answers_survive_dump_and_load(data):
    answers, messages = validate_answers(data)
    assert messages == []
    text = dump_answers(answers)
    again = parse_answers(text)
    assert again == answers
    assert dump_answers(again) == text  # stable order and formatting


@PROPS
@given(data=valid_data())
def test_every_valid_field_passes_field_error(data):
    answers, _ = validate_answers(data)
    dumped = answers.model_dump()
    for dotted in FIELDS:
        section, _, key = dotted.partition(".")
        value = dumped[section][key] if key else dumped[section]
        assert field_error(dotted, value) is None, dotted


def test_schema_describes_every_section():
    schema = answers_schema()
    assert set(schema["properties"]) == {"role", "method", *SECTIONS}
    remote = schema["$defs"]["RemoteSection"]
    assert remote["properties"]["port"]["maximum"] == 65535
    assert remote["additionalProperties"] is False
