"""The receiver's answers that match a sender's: same method, port and encryption, and the
sender's address in allowed_senders, so `apply` on both ends gives two ends that agree by
construction. Several senders merge into one receiver file.

firewalld rich rules need addresses, not names: the caller gives the sender's address (the CLI
takes --sender-address, or this host's primary address when run on the sender itself).
"""
from __future__ import annotations

import ipaddress
import socket
from typing import List, Optional, Tuple

from wizard.answers import answers_data, dump_answers
from wizard.model import Answers, ReceiverSection, validate_answers
from wizard.validators import cidr


class ReceiverAnswersError(Exception):
    """The sender cannot be added to this receiver; str() says why and what to do."""


def _covered(address: str, allowed: List[str]) -> bool:
    """True when `address` is already let in by an entry of `allowed`."""
    wanted = ipaddress.ip_network(address, strict=False)
    for entry in allowed:
        network = ipaddress.ip_network(entry, strict=False)
        if network.version == wanted.version and wanted.subnet_of(network):
            return True
    return False


def _conflicts(sender: Answers, receiver: Answers) -> List[str]:
    problems = []
    if receiver.role != "receiver":
        problems.append("the file to merge into is not a receiver's answers (role = %r)" % receiver.role)
    if receiver.method != sender.method:
        problems.append("method: the receiver uses %r, this sender %r" % (receiver.method, sender.method))
    if receiver.receiver.listen_port != sender.remote.port:
        problems.append("port: the receiver listens on %d, this sender sends to %d"
                        % (receiver.receiver.listen_port, sender.remote.port))
    if receiver.security.encryption != sender.security.encryption:
        problems.append("security.encryption: the receiver has %r, this sender %r"
                        % (receiver.security.encryption, sender.security.encryption))
    return problems


def _idle_for_heartbeat(receiver: dict, heartbeat: int, fresh: bool) -> None:
    """tcp_client_max_idle twice the sender's heartbeat_timeout (audisp-remote.conf(5) NOTES),
    and when senders are merged, twice the largest (auditd.conf(5)): a live but quiet sender
    is never cut off, a dead connection is closed as soon as that allows."""
    if heartbeat <= 0:
        return
    current = receiver.get("client_max_idle", ReceiverSection.model_fields["client_max_idle"].default)
    if fresh or current == 0 or current < 2 * heartbeat:
        receiver["client_max_idle"] = 2 * heartbeat


def receiver_answers_for(sender: Answers, sender_address: str,
                         existing: Optional[Answers] = None) -> Answers:
    """The receiver answers for `sender`, or `existing` with this sender added.
    Raises ReceiverAnswersError when the address is not an address or the ends disagree."""
    if sender.role != "sender":
        raise ReceiverAnswersError("these answers are for a receiver; give a sender's answers")
    problem = cidr(sender_address)
    if problem:
        raise ReceiverAnswersError(f"sender address: {problem} (firewalld rules need an address, "
                                   "not a name)")
    if existing is None:
        data = {"role": "receiver", "method": sender.method,
                "auditd": answers_data(sender).get("auditd", {}),
                "receiver": {"listen_port": sender.remote.port, "allowed_senders": []},
                "security": {"encryption": sender.security.encryption},
                "firewall": answers_data(sender).get("firewall", {}),
                "selinux": answers_data(sender).get("selinux", {})}
        data["auditd"].pop("name", None)   # the sender's own node name is not the receiver's
        if data["auditd"].get("name_format") == "user":
            data["auditd"]["name_format"] = "hostname"
    else:
        conflicts = _conflicts(sender, existing)
        if conflicts:
            raise ReceiverAnswersError("cannot add this sender: " + "; ".join(conflicts))
        data = answers_data(existing)
    _idle_for_heartbeat(data["receiver"], sender.remote.heartbeat_timeout, existing is None)
    allowed = list(data["receiver"].get("allowed_senders", []))
    if not _covered(sender_address, allowed):
        allowed.append(sender_address)
    data["receiver"]["allowed_senders"] = allowed
    answers, messages = validate_answers(data)
    if answers is None:   # the sender's answers were valid, so this is a bug, said plainly
        raise ReceiverAnswersError("the receiver answers would be invalid: " + "; ".join(messages))
    return answers


def receiver_answers_text(sender: Answers, sender_address: str,
                          existing: Optional[Answers] = None) -> str:
    header = ("# Receiver answers made by auditd-wizard from a sender's answers.\n"
              "# Apply on the receiver: auditd-wizard apply --answers THIS_FILE\n")
    return header + dump_answers(receiver_answers_for(sender, sender_address, existing))


def primary_address() -> Optional[str]:
    """This host's main address (the first non-loopback one its name resolves to), or None."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return None
    for info in infos:
        address = info[4][0]
        try:
            parsed = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            continue
        if not (parsed.is_loopback or parsed.is_link_local or parsed.is_unspecified):
            return str(parsed)
    return None


def sender_and_receiver(sender: Answers, sender_address: str,
                        existing: Optional[Answers] = None) -> Tuple[str, str]:
    """(sender TOML, receiver TOML): the pair an end-to-end test applies to two hosts."""
    return dump_answers(sender), receiver_answers_text(sender, sender_address, existing)
