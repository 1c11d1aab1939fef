"""The answers model (wizard/model.py), the field validators and the example files."""
from pathlib import Path

import pytest

from wizard import validators
from wizard.answers import load_answers
from wizard.model import Answers, field_error, field_names, validate_answers, with_field

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SENDER = {"remote": {"server": "logs.example.com"}}

# (section or None, key, every allowed value)
ENUMERATIONS = [
    (None, "role", ["sender", "receiver"]),
    (None, "method", ["audisp-remote", "rsyslog"]),
    ("auditd", "name_format", ["none", "hostname", "fqd", "numeric", "user"]),
    ("auditd", "log_format", ["RAW", "ENRICHED"]),
    ("auditd", "overflow_action", ["ignore", "syslog", "suspend", "single", "halt"]),
    ("remote", "mode", ["auto", "immediate", "forward"]),
    ("remote", "network_failure_action", ["ignore", "syslog", "warn_once", "warn_once_continue",
                                          "suspend", "single", "halt", "stop"]),
    ("security", "encryption", ["none", "kerberos", "tls"]),
]


def sender_with(section, key, value):
    data = {"remote": {"server": "logs.example.com"}, "auditd": {"name": "node1"}}
    if section is None:
        data[key] = value
    else:
        data.setdefault(section, {})[key] = value
    return data


def only_message(data):
    answers, messages = validate_answers(data)
    assert answers is None
    assert len(messages) == 1, messages
    return messages[0]


@pytest.mark.parametrize("section,key,allowed", ENUMERATIONS)
def test_every_enumeration_value_is_accepted(section, key, allowed):
    for value in allowed:
        answers, messages = validate_answers(sender_with(section, key, value))
        assert messages == []
        holder = answers if section is None else getattr(answers, section)
        assert getattr(holder, key) == value


@pytest.mark.parametrize("section,key,allowed", ENUMERATIONS)
def test_enumeration_rejects_others_and_lists_the_choices(section, key, allowed):
    message = only_message(sender_with(section, key, "bogus"))
    dotted = key if section is None else "%s.%s" % (section, key)
    assert message.startswith(dotted + ": \"bogus\" is not allowed; allowed: ")
    assert message.split("allowed: ")[-1] == ", ".join(allowed)


def test_reconnect_is_not_a_network_failure_action():
    message = only_message(sender_with("remote", "network_failure_action", "reconnect"))
    assert message.startswith("remote.network_failure_action:")


@pytest.mark.parametrize("given,stored", [("raw", "RAW"), ("Enriched", "ENRICHED"),
                                          ("ENRICHED", "ENRICHED")])
def test_log_format_is_normalised_to_upper_case(given, stored):
    answers, _ = validate_answers(sender_with("auditd", "log_format", given))
    assert answers.auditd.log_format == stored


def test_other_choices_are_normalised_to_lower_case():
    answers, _ = validate_answers(sender_with("auditd", "overflow_action", "SYSLOG"))
    assert answers.auditd.overflow_action == "syslog"


def test_defaults():
    answers, messages = validate_answers(SENDER)
    assert messages == []
    assert answers.role == "sender" and answers.method == "audisp-remote"
    assert answers.auditd.model_dump() == {"name_format": "hostname", "name": None,
                                           "log_format": "ENRICHED", "overflow_action": "syslog",
                                           "disk_full_action": "keep", "disk_error_action": "keep"}
    assert answers.remote.model_dump() == {
        "server": "logs.example.com", "port": 60, "mode": "auto", "outage": "10m",
        "peak_rate": None, "network_failure_action": "syslog", "local_port": 0,
        "heartbeat_timeout": 30, "queue_file": "/var/spool/audit/remote.log"}
    assert answers.receiver.model_dump() == {
        "listen_port": 60, "allowed_senders": [], "max_per_addr": 2, "local_events": True,
        "client_ports": None, "client_max_idle": 60, "listen_queue": 5}
    assert answers.security.encryption == "none"
    assert answers.firewall.manage is True and answers.firewall.zone is None
    assert answers.selinux.manage is True


def test_every_field_has_a_description():
    for model in [Answers] + [type(getattr(Answers(role="receiver"), s)) for s in
                              ("auditd", "remote", "receiver", "security", "firewall", "selinux")]:
        for name, field in model.model_fields.items():
            if name in ("auditd", "remote", "receiver", "security", "firewall", "selinux"):
                continue
            assert field.description, "%s.%s" % (model.__name__, name)


def test_sender_without_server_fails():
    assert validate_answers({}) == (None, [
        "remote.server: required for a sender: the receiver's hostname or IP address"])
    assert only_message({"remote": {"server": ""}}).startswith("remote.server: required")


def test_receiver_needs_no_server():
    answers, messages = validate_answers({"role": "receiver"})
    assert messages == [] and answers.remote.server is None


def test_missing_server_is_reported_together_with_other_problems():
    _, messages = validate_answers({"remote": {"port": 0}})
    assert [m.split(":")[0] for m in messages] == ["remote.port", "remote.server"]


def test_user_name_format_needs_a_name():
    message = only_message({"remote": {"server": "h"}, "auditd": {"name_format": "user"}})
    assert message == 'auditd.name: required when auditd.name_format is "user"'


def test_kerberos_needs_the_native_method():
    message = only_message({"remote": {"server": "h"}, "method": "rsyslog",
                            "security": {"encryption": "kerberos"}})
    assert message.startswith("security.encryption:")


@pytest.mark.parametrize("data,dotted", [
    ({"remote": {"server": "h", "sever": "x"}}, "remote.sever"),
    ({"remote": {"server": "h"}, "remot": {}}, "remot"),
    ({"remote": {"server": "h"}, "receiver": {"listen_ports": 1}}, "receiver.listen_ports"),
])
def test_unknown_keys_are_rejected_with_the_allowed_list(data, dotted):
    message = only_message(data)
    assert message.startswith(dotted + ": unknown key; allowed: ")


def test_unknown_key_message_lists_the_section_keys():
    message = only_message({"remote": {"server": "h", "sever": "x"}})
    assert message == ("remote.sever: unknown key; allowed: server, port, mode, outage, "
                       "peak_rate, network_failure_action, local_port, heartbeat_timeout, "
                       "queue_file")


@pytest.mark.parametrize("section,key,bad,good", [
    ("remote", "port", 0, 65535), ("remote", "port", 65536, 1),
    ("remote", "peak_rate", 0, 1000000), ("remote", "peak_rate", 1000001, 1),
    ("remote", "local_port", -1, 0), ("remote", "local_port", 65536, 65535),
    ("remote", "heartbeat_timeout", -1, 0),
    ("receiver", "listen_port", 0, 60), ("receiver", "max_per_addr", 0, 1),
    ("receiver", "max_per_addr", 1025, 1024), ("receiver", "client_max_idle", -1, 0),
    ("receiver", "listen_queue", 0, 5),
])
def test_number_ranges(section, key, bad, good):
    message = only_message(sender_with(section, key, bad))
    assert message.startswith("%s.%s: %s is out of range; allowed: whole numbers" % (section, key, bad))
    assert validate_answers(sender_with(section, key, good))[1] == []


@pytest.mark.parametrize("value", [True, 60.0, "sixty", [60], {"a": 1}])
def test_numbers_refuse_other_types(value):
    message = only_message(sender_with("remote", "port", value))
    assert message.startswith("remote.port: ") and "whole number" in message


def test_numbers_typed_as_text_are_accepted():
    answers, _ = validate_answers(sender_with("remote", "port", "6000"))
    assert answers.remote.port == 6000


@pytest.mark.parametrize("value", ["yes", 1, "true", None])
def test_booleans_must_be_booleans(value):
    message = only_message(sender_with("receiver", "local_events", value))
    assert message.startswith("receiver.local_events: must be true or false")


@pytest.mark.parametrize("server", ["logs.example.com", "logs", "logs.example.com.", "192.0.2.10",
                                    "2001:db8::10", "a-b.c-d.example"])
def test_good_servers(server):
    assert validate_answers({"remote": {"server": server}})[1] == []
    assert field_error("remote.server", server) is None


@pytest.mark.parametrize("server", ["bad host", "-x.example.com", "x-.example.com", "a..b",
                                    "under_score.example", "10.0.0.300", "x" * 64 + ".com",
                                    "logs#1", "logs\nexample", "caf\u00e9.example", 12345,
                                    ("a." * 60) + "com"])
def test_bad_servers(server):
    message = only_message({"remote": {"server": server}})
    assert message.startswith("remote.server: ")
    assert "\n" not in message


def test_bad_server_message_matches_the_contract():
    assert only_message({"remote": {"server": "bad host"}}).startswith(
        "remote.server: \"bad host\" is not a hostname or IP address "
        "(RFC 1123 letters, digits, '-' and '.')")


@pytest.mark.parametrize("senders,ok", [
    (["192.0.2.0/24", "198.51.100.7", "2001:db8::/32"], True),
    (["192.0.2.7/24"], False), (["not-an-ip"], False), (["10.0.0.0/33"], False),
    ("192.0.2.0/24", False), ([["192.0.2.0/24"]], False),
])
def test_allowed_senders(senders, ok):
    answers, messages = validate_answers({"role": "receiver", "receiver": {"allowed_senders": senders}})
    assert (answers is not None) == ok
    assert all(m.startswith("receiver.allowed_senders") for m in messages)


def test_host_bits_message_suggests_the_network():
    message = only_message({"role": "receiver", "receiver": {"allowed_senders": ["192.0.2.0/24", "192.0.2.7/24"]}})
    assert message.startswith("receiver.allowed_senders[1]: ")
    assert "192.0.2.0/24" in message


@pytest.mark.parametrize("ports,ok", [("1024-65535", True), ("2000", True), (2000, True), ("", True),
                                      ("2000-1000", False), ("0-10", False), ("1-70000", False),
                                      ("a-b", False), ("1024 - 2000", False)])
def test_client_ports(ports, ok):
    answers, messages = validate_answers({"role": "receiver", "receiver": {"client_ports": ports}})
    assert (answers is not None) == ok, messages
    assert all(m.startswith("receiver.client_ports: ") for m in messages)


@pytest.mark.parametrize("path,ok", [("/var/spool/audit/remote.log", True), ("spool.log", False),
                                     ("/var/spool/audit/", False), ("/var/../etc/shadow", False),
                                     ("/var/spool/a b", False), ("/" + "x" * 120, False)])
def test_queue_file(path, ok):
    answers, messages = validate_answers({"remote": {"server": "h", "queue_file": path}})
    assert (answers is not None) == ok
    assert all(m.startswith("remote.queue_file: ") for m in messages)


@pytest.mark.parametrize("zone,ok", [("public", True), ("internal-2", True), ("", True),
                                     ("a b", False), ("x#", False), ("z" * 40, False)])
def test_firewall_zone(zone, ok):
    answers, messages = validate_answers({"remote": {"server": "h"}, "firewall": {"zone": zone}})
    assert (answers is not None) == ok
    assert all(m.startswith("firewall.zone: ") for m in messages)


@pytest.mark.parametrize("name,ok", [("web01", True), ("two words", False), ("a#b", False),
                                     ("tab\tname", False)])
def test_node_name_is_a_safe_value(name, ok):
    data = {"remote": {"server": "h"}, "auditd": {"name_format": "user", "name": name}}
    answers, messages = validate_answers(data)
    assert (answers is not None) == ok
    assert all(m.startswith("auditd.name: ") for m in messages)


def test_sections_must_be_tables():
    assert only_message({"remote": "logs.example.com"}) == "remote: must be a table (a [remote] section)"


def test_top_level_must_be_a_table():
    answers, messages = validate_answers(["role"])
    assert answers is None and messages[0].startswith("(answers file): must be a table")


def test_field_error_checks_one_field():
    assert field_error("remote.port", 60) is None
    assert field_error("remote.port", "60") is None
    assert field_error("remote.port", "70000").startswith("remote.port: ")
    assert field_error("auditd.log_format", "raw") is None
    assert field_error("role", "client").startswith("role: \"client\" is not allowed; allowed: sender, receiver")
    assert field_error("receiver.allowed_senders", ["192.0.2.0/24", "x"]).startswith(
        "receiver.allowed_senders[1]: ")
    assert field_error("remote.nope", 1).startswith('"remote.nope": unknown field')
    assert field_error(None, 1).startswith("None: unknown field")  # never raises


def test_field_names_cover_every_field():
    names = field_names()
    assert names[:2] == ["role", "method"]
    assert "remote.server" in names and "receiver.allowed_senders" in names
    for name in names:
        assert field_error(name, object()) is not None  # a real field that checks its type


def test_with_field_validates_the_whole():
    answers, _ = validate_answers(SENDER)
    changed, messages = with_field(answers, "remote.port", 6000)
    assert messages == [] and changed.remote.port == 6000 and answers.remote.port == 60
    assert with_field(answers, "remote.server", "")[1][0].startswith("remote.server: required")
    assert with_field(answers, "role.x", 1)[1][0].startswith('"role.x": unknown field')


def test_validators_never_raise_on_odd_types():
    for check in (validators.hostname, validators.ip_address, validators.host_or_ip,
                  validators.cidr, validators.port, validators.safe_config_value):
        for value in (None, 1, 1.5, [], {}, b"x", object()):
            result = check(value)
            assert result is None or isinstance(result, str)
    assert validators.port(None) is not None and validators.hostname(None) == "must be text"


def test_safe_config_value_inner_spaces():
    assert validators.safe_config_value("LOG_INFO LOG_LOCAL6", allow_inner_spaces=True) is None
    assert validators.safe_config_value("LOG_INFO LOG_LOCAL6") is not None
    assert validators.safe_config_value("a  b", allow_inner_spaces=True) is not None


@pytest.mark.parametrize("name,role", [("sender.toml", "sender"), ("receiver.toml", "receiver")])
def test_examples_load(name, role):
    answers = load_answers(EXAMPLES / name)
    assert answers.role == role


def test_example_values():
    sender = load_answers(EXAMPLES / "sender.toml")
    receiver = load_answers(EXAMPLES / "receiver.toml")
    assert sender.remote.server == "logs.example.com"
    assert receiver.receiver.allowed_senders == ["192.0.2.0/24"]
