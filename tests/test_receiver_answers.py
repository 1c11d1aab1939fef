"""Receiver answers made from a sender's: the two ends agree by construction (same port,
method, encryption; the sender let through the receiver's firewall), and several senders merge
into one receiver file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.answer_pair import write_answer_pair
from tests.test_export_ansible import answers
from wizard.answers import parse_answers
from wizard.cli import main
from wizard.conf import KeyValueFile
from wizard.receiver_answers import ReceiverAnswersError, receiver_answers_for, receiver_answers_text
from wizard.sandbox import make_demo_root
from wizard.session import Session


def _apply(root: Path, answers_path: Path) -> None:
    result = Session.open(str(root), str(answers_path)).apply()
    assert result.ok, result.error


def _keys(root: Path, path: str) -> KeyValueFile:
    return KeyValueFile.parse((root / path.lstrip("/")).read_text())


def _state(root: Path) -> dict:
    return json.loads((root / ".sandbox" / "state.json").read_text())


@pytest.mark.parametrize("os_pair,sender_toml,transport", [
    (("almalinux-9", "almalinux-9"), answers(), None),
    (("almalinux-10", "almalinux-8"), answers(remote={"port": 61}, security={"encryption": "kerberos"}), "KRB5"),
    (("almalinux-9.2", "almalinux-10"), answers(remote={"port": 6000, "server": "192.0.2.1"}), None),
], ids=["el9-to-el9-port60", "el10-to-el8-krb5-port61", "el9.2-to-el10-port6000"])
def test_sender_and_generated_receiver_agree_after_apply(os_pair, sender_toml, transport, tmp_path):
    sender_root = make_demo_root(tmp_path / "sender", os_pair[0])
    receiver_root = make_demo_root(tmp_path / "receiver", os_pair[1])
    sender_file, receiver_file = write_answer_pair(tmp_path / "answers", sender_toml, "198.51.100.7")
    _apply(sender_root, sender_file)
    _apply(receiver_root, receiver_file)

    remote = _keys(sender_root, "/etc/audit/audisp-remote.conf")
    auditd = _keys(receiver_root, "/etc/audit/auditd.conf")
    assert remote.get("port") == auditd.get("tcp_listen_port")
    assert _keys(sender_root, "/etc/audit/plugins.d/au-remote.conf").get("active") == "yes"
    assert (remote.get("transport") or "tcp").upper() == (auditd.get("transport") or "TCP").upper() \
        == (transport or "TCP")
    port = int(auditd.get("tcp_listen_port"))
    rule = ('rule family="ipv4" source address="198.51.100.7" port port="%d" protocol="tcp" accept' % port)
    firewall = _state(receiver_root)["firewall"]
    assert rule in firewall["permanent"]["public"]["rich_rules"]
    assert rule in firewall["runtime"]["public"]["rich_rules"]
    if port != 60:   # both ends label the port for SELinux
        for root in (sender_root, receiver_root):
            local = {e["port"]: e["type"] for e in _state(root)["selinux"]["local_ports"]}
            assert local.get("tcp/%d" % port) == "audit_port_t"
    # Applying the same pair again changes nothing on either end.
    for root, path in ((sender_root, sender_file), (receiver_root, receiver_file)):
        assert Session.open(str(root), str(path)).plan().empty


def test_receiver_answers_copy_method_port_and_encryption():
    sender = parse_answers(answers(remote={"port": 61}, security={"encryption": "kerberos"},
                                   auditd={"name_format": "user", "name": "web07"}))
    receiver = receiver_answers_for(sender, "2001:db8::7")
    assert (receiver.role, receiver.method) == ("receiver", sender.method)
    assert receiver.receiver.listen_port == 61
    assert receiver.security.encryption == "kerberos"
    assert receiver.receiver.allowed_senders == ["2001:db8::7"]
    assert receiver.auditd.name is None and receiver.auditd.name_format == "hostname"


def test_merging_two_senders_into_one_receiver(tmp_path):
    first = write_answer_pair(tmp_path / "one", answers(), "192.0.2.7")[1].read_text()
    _sender, merged = write_answer_pair(tmp_path / "two", answers(), "192.0.2.8", first)
    receiver = parse_answers(merged.read_text())
    assert receiver.receiver.allowed_senders == ["192.0.2.7", "192.0.2.8"]
    again = receiver_answers_for(parse_answers(answers()), "192.0.2.8", receiver)
    assert again.receiver.allowed_senders == ["192.0.2.7", "192.0.2.8"]    # no duplicate
    network = receiver_answers_for(parse_answers(answers()), "192.0.2.0/24", receiver)
    covered = receiver_answers_for(parse_answers(answers()), "192.0.2.99", network)
    assert covered.receiver.allowed_senders == ["192.0.2.7", "192.0.2.8", "192.0.2.0/24"]
    root = make_demo_root(tmp_path / "receiver")
    _apply(root, merged)
    rules = _state(root)["firewall"]["permanent"]["public"]["rich_rules"]
    assert sum('source address="192.0.2.' in r for r in rules) == 2


def test_a_sender_that_disagrees_with_the_receiver_is_refused():
    receiver = receiver_answers_for(parse_answers(answers()), "192.0.2.7")
    with pytest.raises(ReceiverAnswersError, match="port: the receiver listens on 60, this sender sends to 61"):
        receiver_answers_for(parse_answers(answers(remote={"port": 61})), "192.0.2.8", receiver)
    with pytest.raises(ReceiverAnswersError, match="security.encryption"):
        receiver_answers_for(parse_answers(answers(security={"encryption": "kerberos"})), "192.0.2.8", receiver)
    with pytest.raises(ReceiverAnswersError, match="not a receiver"):
        receiver_answers_for(parse_answers(answers()), "192.0.2.8", parse_answers(answers()))
    with pytest.raises(ReceiverAnswersError, match="need an address, not a name"):
        receiver_answers_for(parse_answers(answers()), "web01.example.com")
    with pytest.raises(ReceiverAnswersError, match="give a sender's answers"):
        receiver_answers_for(receiver, "192.0.2.8")


def test_cli_receiver_answers_writes_and_merges(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(answers())
    out = tmp_path / "r.toml"
    assert main(["receiver-answers", "--answers", str(tmp_path / "s.toml"),
                 "--sender-address", "192.0.2.7", "-o", str(out)]) == 0
    assert main(["receiver-answers", "--answers", str(tmp_path / "s.toml"),
                 "--sender-address", "192.0.2.8", "--merge", str(out)]) == 0
    printed = capsys.readouterr().out
    assert parse_answers(printed).receiver.allowed_senders == ["192.0.2.7", "192.0.2.8"]
    assert main(["receiver-answers", "--answers", str(tmp_path / "s.toml"),
                 "--sender-address", "web01"]) == 2
    assert "not an IP address" in capsys.readouterr().err


def test_session_offers_the_receiver_answers(tmp_path):
    root = make_demo_root(tmp_path / "root")
    (tmp_path / "s.toml").write_text(answers())
    session = Session.open(str(root), str(tmp_path / "s.toml"))
    text = session.receiver_answers("192.0.2.7")
    assert parse_answers(text).receiver.allowed_senders == ["192.0.2.7"]
    merged = session.receiver_answers("192.0.2.9", merge_into=text)
    assert parse_answers(merged).receiver.allowed_senders == ["192.0.2.7", "192.0.2.9"]


# ---------------------------------------------------------------- issue #10 item 5c
RSYSLOG = {"port": 7514}


def test_rsyslog_receiver_answers_carry_the_rsyslog_port_and_ends_agree(tmp_path):
    sender_toml = answers(method="rsyslog", rsyslog=RSYSLOG, remote={"port": 61})
    receiver = receiver_answers_for(parse_answers(sender_toml), "192.0.2.7")
    assert receiver.rsyslog.port == 7514
    sender_root = make_demo_root(tmp_path / "sender")
    receiver_root = make_demo_root(tmp_path / "receiver")
    sender_file, receiver_file = write_answer_pair(tmp_path / "answers", sender_toml, "192.0.2.7")
    _apply(sender_root, sender_file)
    _apply(receiver_root, receiver_file)
    forward = (sender_root / "etc/rsyslog.d/auditd-wizard-forward.conf").read_text()
    collect = (receiver_root / "etc/rsyslog.d/auditd-wizard-collect.conf").read_text()
    assert 'port="7514"' in forward and 'port="7514"' in collect
    # remote.port means nothing to the rsyslog method: no conflict on merging another sender
    merged = receiver_answers_for(parse_answers(answers(method="rsyslog", rsyslog=RSYSLOG)),
                                  "192.0.2.8", parse_answers(receiver_file.read_text()))
    assert merged.receiver.allowed_senders == ["192.0.2.7", "192.0.2.8"]
    with pytest.raises(ReceiverAnswersError, match="rsyslog.port: the receiver listens on 7514, "
                                                   "this sender sends to 6514"):
        receiver_answers_for(parse_answers(answers(method="rsyslog")), "192.0.2.9", merged)


def test_the_kerberos_service_name_goes_to_the_receiver_and_a_different_one_is_refused():
    custom = parse_answers(answers(security={"encryption": "kerberos", "krb5_principal": "audit-fwd"}))
    receiver = receiver_answers_for(custom, "192.0.2.7")
    assert receiver.security.krb5_principal == "audit-fwd"   # else "Unauthorized GSS client name"
    plain = parse_answers(answers(security={"encryption": "kerberos"}))
    with pytest.raises(ReceiverAnswersError, match="security.krb5_principal: the receiver accepts "
                                                   "the service 'audit-fwd', this sender uses 'auditd'"):
        receiver_answers_for(plain, "192.0.2.8", receiver)


def test_answers_from_an_rsyslog_tls_sender_plan_and_merge_the_sender_names(tmp_path):
    tls = {"encryption": "tls", "peer_names": ["logs.example.com"]}
    sender = parse_answers(answers(method="rsyslog", security=tls))
    with pytest.raises(ReceiverAnswersError, match="sender name: is required with rsyslog TLS"):
        receiver_answers_for(sender, "192.0.2.7")
    receiver = receiver_answers_for(sender, "192.0.2.7", sender_name="web01.example.com")
    assert receiver.security.peer_names == ["web01.example.com"]     # not the sender's peer_names
    root = make_demo_root(tmp_path / "receiver")
    path = tmp_path / "r.toml"
    path.write_text(receiver_answers_text(sender, "192.0.2.7", sender_name="web01.example.com"))
    assert Session.open(str(root), str(path)).plan_error() is None
    second = receiver_answers_for(sender, "192.0.2.8", receiver, sender_name="db01.example.com")
    assert second.security.peer_names == ["web01.example.com", "db01.example.com"]
    wild = receiver.model_copy(update={"security": receiver.security.model_copy(
        update={"peer_names": ["*.example.com"]})})
    covered = receiver_answers_for(sender, "192.0.2.8", wild, sender_name="db01.example.com")
    assert covered.security.peer_names == ["*.example.com"]


def test_tls_psk_receiver_answers_carry_the_key_path_and_identity_never_the_key():
    psk = {"encryption": "tls", "tls_psk_file": "/etc/audit/fleet.psk", "tls_psk_identity": "web01"}
    sender = parse_answers(answers(security=psk))
    text = receiver_answers_text(sender, "192.0.2.7")
    receiver = parse_answers(text)
    assert (receiver.security.tls_psk_file, receiver.security.tls_psk_identity) == \
        ("/etc/audit/fleet.psk", "web01")
    other = parse_answers(answers(security=dict(psk, tls_psk_identity="db01")))
    with pytest.raises(ReceiverAnswersError, match="security.tls_psk_identity: the receiver "
                                                   "accepts only 'web01', this sender presents 'db01'"):
        receiver_answers_for(other, "192.0.2.8", receiver)


def test_no_sender_only_values_in_receiver_answers():
    sender = parse_answers(answers(method="rsyslog", auditd={"log_format": "RAW"},
                                   rsyslog={"facility": "local3", "queue_max_disk": "5g"},
                                   remote={"server": "logs.example.com", "port": 61}))
    text = receiver_answers_text(sender, "192.0.2.7")
    for sender_only in ("[remote]", "log_format", "facility", "queue_max_disk", "logs.example.com",
                        "RAW"):
        assert sender_only not in text
    assert parse_answers(text).auditd.log_format == "ENRICHED"


def test_cli_takes_the_sender_certificate_name(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(answers(method="rsyslog", security={"encryption": "tls"}))
    assert main(["receiver-answers", "--answers", str(tmp_path / "s.toml"),
                 "--sender-address", "192.0.2.7", "--sender-name", "web01.example.com"]) == 0
    assert parse_answers(capsys.readouterr().out).security.peer_names == ["web01.example.com"]
    assert main(["receiver-answers", "--answers", str(tmp_path / "s.toml"),
                 "--sender-address", "192.0.2.7", "--sender-name", "bad name"]) == 2
    assert "sender name:" in capsys.readouterr().err
