"""The receiver's answers that match a sender's: same method, port and encryption (with what
the encryption must agree on: the Kerberos service name, the TLS-PSK key file and identity,
the sender's certificate name for rsyslog TLS), and the sender's address in allowed_senders,
so `apply` on both ends gives two ends that agree by construction. Several senders merge into
one receiver file; a sender that disagrees with it on the method in use is refused.

firewalld rich rules need addresses, not names: the caller gives the sender's address (the CLI
takes --sender-address, or this host's primary address when run on the sender itself).
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Any, Dict, List, Optional, Tuple

import tomli_w

from wizard.answers import answers_data, dump_answers
from wizard.model import Answers, ReceiverSection, validate_answers
from wizard.tls import name_matches
from wizard.validators import cidr, hostname

# Values only a sender uses: never written into a receiver's answers (None: the whole section).
SENDER_ONLY = {"remote": None, "rsyslog": ("facility", "queue_max_disk")}


class ReceiverAnswersError(Exception):
    """The sender cannot be added to this receiver; str() says why and what to do."""


def _covered(address: str, allowed: List[str]) -> bool:
    """True when `address` is already let in by an entry of `allowed`."""
    wanted = ipaddress.ip_network(address, strict=False)
    for entry in allowed:
        network = ipaddress.ip_network(entry, strict=False)
        # (`in` is False across IPv4 and IPv6)
        if wanted.prefixlen >= network.prefixlen and wanted.network_address in network:
            return True
    return False


def _service(answers: Answers) -> str:
    return answers.security.krb5_principal or "auditd"


def _port(answers: Answers) -> int:
    """The port both ends share: rsyslog.port, or the native receiver's listen port / the
    native sender's remote port."""
    if answers.method == "rsyslog":
        return answers.rsyslog.port
    return answers.remote.port if answers.role == "sender" else answers.receiver.listen_port


def _conflicts(sender: Answers, receiver: Answers) -> List[str]:
    """What the two ends would disagree on, in the fields of the method in use."""
    if receiver.role != "receiver":
        return ["the file to merge into is not a receiver's answers (role = %r)" % receiver.role]
    if receiver.method != sender.method:
        return ["method: the receiver uses %r, this sender %r" % (receiver.method, sender.method)]
    problems = []
    if _port(receiver) != _port(sender):
        problems.append("%s: the receiver listens on %d, this sender sends to %d"
                        % ("rsyslog.port" if sender.method == "rsyslog" else "port",
                           _port(receiver), _port(sender)))
    r, s = receiver.security, sender.security
    if r.encryption != s.encryption:
        problems.append("security.encryption: the receiver has %r, this sender %r"
                        % (r.encryption, s.encryption))
    elif s.encryption == "kerberos" and _service(receiver) != _service(sender):
        # auditd would refuse the client: "Unauthorized GSS client name"
        problems.append("security.krb5_principal: the receiver accepts the service %r, this "
                        "sender uses %r" % (_service(receiver), _service(sender)))
    elif s.encryption == "tls" and sender.method == "audisp-remote" and \
            r.tls_psk_identity != s.tls_psk_identity:
        problems.append("security.tls_psk_identity: the receiver accepts only %r, this sender "
                        "presents %r" % (r.tls_psk_identity, s.tls_psk_identity))
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


def _needs_sender_name(sender: Answers) -> bool:
    return sender.method == "rsyslog" and sender.security.encryption == "tls"


def _security(sender: Answers, sender_name: Optional[str]) -> Dict[str, Any]:
    """The receiver's [security]: what must match the sender (never the sender's own key or
    certificate files, whose paths are the sender's)."""
    s = sender.security
    out: Dict[str, Any] = {"encryption": s.encryption}
    if s.encryption == "kerberos":
        out.update(krb5_principal=s.krb5_principal, krb5_key_file=s.krb5_key_file)
    elif s.encryption == "tls" and sender.method == "audisp-remote":
        out.update(tls_psk_file=s.tls_psk_file, tls_psk_identity=s.tls_psk_identity)
    elif s.encryption == "tls":
        # the sender's peer_names name the receiver; the receiver permits the sender's name
        out.update(tls_driver=s.tls_driver, ca_file=s.ca_file, peer_names=[sender_name],
                   lab_certificates=s.lab_certificates)
    return {key: value for key, value in out.items() if value is not None}


def _new_receiver(sender: Answers, sender_name: Optional[str]) -> Dict[str, Any]:
    data: Dict[str, Any] = {"role": "receiver", "method": sender.method,
                            "receiver": {"allowed_senders": []},
                            "security": _security(sender, sender_name),
                            "firewall": answers_data(sender).get("firewall", {}),
                            "selinux": answers_data(sender).get("selinux", {})}
    if sender.method == "rsyslog":
        data["rsyslog"] = {"port": sender.rsyslog.port, "remote_dir": sender.rsyslog.remote_dir}
    else:
        data["receiver"]["listen_port"] = sender.remote.port
    return data


def receiver_answers_for(sender: Answers, sender_address: str,
                         existing: Optional[Answers] = None,
                         sender_name: Optional[str] = None) -> Answers:
    """The receiver answers for `sender`, or `existing` with this sender added. `sender_name`
    is the name on the sender's certificate (rsyslog TLS: the receiver permits it). Raises
    ReceiverAnswersError when the address or name is not one, or the ends disagree."""
    if sender.role != "sender":
        raise ReceiverAnswersError("these answers are for a receiver; give a sender's answers")
    problem = cidr(sender_address)
    if problem:
        raise ReceiverAnswersError(f"sender address: {problem} (firewalld rules need an address, "
                                   "not a name)")
    if _needs_sender_name(sender):
        problem = hostname(sender_name) if sender_name else "is required with rsyslog TLS"
        if problem:
            raise ReceiverAnswersError(f"sender name: {problem} (the name on the sender's "
                                       "certificate, which the receiver lets in)")
    if existing is None:
        data = _new_receiver(sender, sender_name)
    else:
        conflicts = _conflicts(sender, existing)
        if conflicts:
            raise ReceiverAnswersError("cannot add this sender: " + "; ".join(conflicts))
        data = answers_data(existing)
        if _needs_sender_name(sender) and sender_name:     # (checked above: it is given)
            peers = list(data["security"].get("peer_names", []))
            if not any(name_matches(peer, sender_name) for peer in peers):
                peers.append(sender_name)
            data["security"]["peer_names"] = peers
    _idle_for_heartbeat(data["receiver"], sender.remote.heartbeat_timeout, existing is None)
    allowed = list(data["receiver"].get("allowed_senders", []))
    if not _covered(sender_address, allowed):
        allowed.append(sender_address)
    data["receiver"]["allowed_senders"] = allowed
    answers, messages = validate_answers(data)
    if answers is None:   # the sender's answers were valid, so this is a bug, said plainly
        raise ReceiverAnswersError("the receiver answers would be invalid: " + "; ".join(messages))
    return answers


def receiver_data(answers: Answers) -> Dict[str, Any]:
    """A receiver's answers as plain data: role, method, the shared port, the allowed senders,
    the encryption and every other value that is not the default; nothing only a sender uses."""
    data, defaults = answers_data(answers), answers_data(Answers(role="receiver"))
    port = ("rsyslog", "port") if answers.method == "rsyslog" else ("receiver", "listen_port")
    always = {port, ("receiver", "allowed_senders"), ("security", "encryption")}
    out: Dict[str, Any] = {"role": answers.role, "method": answers.method}
    for section, values in data.items():
        sender_only = SENDER_ONLY.get(section, ())
        if not isinstance(values, dict) or sender_only is None:
            continue
        kept = {key: value for key, value in values.items()
                if key not in sender_only
                and ((section, key) in always or value != defaults[section].get(key))}
        if kept:
            out[section] = kept
    return out


def receiver_answers_text(sender: Answers, sender_address: str,
                          existing: Optional[Answers] = None,
                          sender_name: Optional[str] = None) -> str:
    header = ("# Receiver answers made by auditd-wizard from a sender's answers.\n"
              "# Apply on the receiver: auditd-wizard apply --answers THIS_FILE\n")
    answers = receiver_answers_for(sender, sender_address, existing, sender_name)
    return header + tomli_w.dumps(receiver_data(answers))


def primary_address() -> Optional[str]:
    """This host's main address (the first non-loopback one its name resolves to), or None."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        try:
            parsed = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            continue
        if not (parsed.is_loopback or parsed.is_link_local or parsed.is_unspecified):
            return str(parsed)
    return None


def sender_and_receiver(sender: Answers, sender_address: str,
                        existing: Optional[Answers] = None,
                        sender_name: Optional[str] = None) -> Tuple[str, str]:
    """(sender TOML, receiver TOML): the pair an end-to-end test applies to two hosts."""
    return dump_answers(sender), receiver_answers_text(sender, sender_address, existing, sender_name)
