"""The rsyslog method's drop-ins, as text: the sender's omfwd forwarding (TLS with gtls or
ossl) and the receiver's imtcp listener writing one file per sender. Pure functions of the
answers; the planner (methods/rsyslog.py), detect and the Ansible export all use them.

seed-errors #13: RainerScript only (`module(load=...)`), never legacy `$ModLoad`.
"""
from __future__ import annotations

from typing import List

SENDER_DROPIN = "auditd-wizard-forward.conf"
RECEIVER_DROPIN = "auditd-wizard-collect.conf"
QUEUE_NAME = "auditd-wizard-forward"
RULESET = "auditd-wizard-remote"


def dropin_paths(layout) -> List[str]:
    return ["%s/%s" % (layout.rsyslog_dropin_dir, name) for name in (SENDER_DROPIN, RECEIVER_DROPIN)]


def is_tls(answers) -> bool:
    return answers.security.encryption == "tls"


def _q(value) -> str:
    """A RainerScript string literal (the model already refuses quotes and newlines)."""
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


def sender_peer_names(answers) -> List[str]:
    """The names the receiver's certificate may carry (StreamDriverPermittedPeers)."""
    return list(answers.security.peer_names) or [answers.remote.server]


def _global_tls(answers) -> List[str]:
    s = answers.security
    return ["global(",
            "    DefaultNetstreamDriver=%s" % _q(s.tls_driver),
            "    DefaultNetstreamDriverCAFile=%s" % _q(s.ca_file),
            "    DefaultNetstreamDriverCertFile=%s" % _q(s.cert_file),
            "    DefaultNetstreamDriverKeyFile=%s" % _q(s.key_file),
            ")"]


def sender_dropin(answers) -> str:
    """/etc/rsyslog.d/auditd-wizard-forward.conf: forward only the audit facility."""
    r, s = answers.rsyslog, answers.security
    tls = is_tls(answers)
    lines = ["# Written by auditd-wizard. Forwards audit records (facility %s, from audit's"
             % r.facility,
             "# syslog plugin) to %s:%d over TCP%s; nothing else is forwarded."
             % (answers.remote.server, r.port, " with TLS" if tls else ""),
             "# The disk-assisted queue keeps records while the receiver is unreachable."]
    if tls:
        lines += _global_tls(answers)
    action = ['action(type="omfwd" name=%s' % _q(QUEUE_NAME),
              "       target=%s port=%s protocol=\"tcp\"" % (_q(answers.remote.server), _q(r.port))]
    if tls:
        action += ["       StreamDriver=%s StreamDriverMode=\"1\"" % _q(s.tls_driver),
                   "       StreamDriverAuthMode=\"x509/name\"",
                   "       StreamDriverPermittedPeers=%s" % _q(",".join(sender_peer_names(answers)))]
    action += ["       queue.type=\"LinkedList\" queue.filename=%s" % _q(QUEUE_NAME),
               "       queue.maxDiskSpace=%s queue.saveOnShutdown=\"on\"" % _q(r.queue_max_disk),
               "       action.resumeRetryCount=\"-1\" action.resumeInterval=\"10\")"]
    lines += ["if $syslogfacility-text == %s then {" % _q(r.facility)]
    lines += ["    " + line for line in action]
    lines += ["    # audit records stay out of /var/log/messages: auditd keeps its own log",
              "    stop", "}"]
    return "\n".join(lines) + "\n"


def receiver_dropin(answers) -> str:
    """/etc/rsyslog.d/auditd-wizard-collect.conf: imtcp (TLS, permitted peers only) into a
    ruleset of its own that writes <remote_dir>/<sender>/audit.log."""
    r, s = answers.rsyslog, answers.security
    tls = is_tls(answers)
    lines = ["# Written by auditd-wizard. Receives audit records from senders on TCP port %d%s"
             % (r.port, " with TLS" if tls else ""),
             "# and writes them to %s/<sender>/audit.log." % r.remote_dir]
    if tls:
        peers = ", ".join(_q(p) for p in s.peer_names)
        lines += ["# Only senders whose certificate names one of the permitted peers may send."]
        lines += _global_tls(answers)
        lines += ['module(load="imtcp" StreamDriver.Name=%s StreamDriver.Mode="1"' % _q(s.tls_driver),
                  '       StreamDriver.AuthMode="x509/name" PermittedPeer=[%s])' % peers]
    else:
        lines += ['module(load="imtcp")']
    lines += ['input(type="imtcp" port=%s ruleset=%s)' % (_q(r.port), _q(RULESET)),
              # secpath-replace: a sender's host name must never climb out of remote_dir
              'template(name="auditd-wizard-per-host" type="string"',
              '         string=%s)' % _q(r.remote_dir + "/%HOSTNAME:::secpath-replace%/audit.log"),
              "ruleset(name=%s) {" % _q(RULESET),
              '    action(type="omfile" dynaFile="auditd-wizard-per-host"',
              '           dirCreateMode="0750" fileCreateMode="0640")',
              "}"]
    return "\n".join(lines) + "\n"
