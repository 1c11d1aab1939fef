"""The rsyslog method's drop-ins, as text: the sender's omfwd forwarding (TLS with gtls or
ossl), the receiver's imtcp listener writing one file per sender, and (on request) logging of
authentication and daemon messages. Pure functions of the answers; the planner
(methods/rsyslog.py), detect and the Ansible export all use them.

seed-errors #13: RainerScript only (`module(load=...)`), never legacy `$ModLoad`.
"""
from __future__ import annotations

from typing import FrozenSet, List

from wizard.plan.queues import rsyslog_queue

SENDER_DROPIN = "auditd-wizard-forward.conf"
RECEIVER_DROPIN = "auditd-wizard-collect.conf"
QUEUE_NAME = "auditd-wizard-forward"
ACCESS_DROPIN = "auditd-wizard-access.conf"
# One directory per sender, named after the connection (the DNS name of its address, else the
# address: %FROMHOST%), never after %HOSTNAME%, which the sender writes into each message: a
# sender with a valid certificate for web01 and localHostname="db01" wrote into remote/db01/.
# rsyslog has no property for the TLS peer's certificate name (checked 8.2302 and master).
# secpath-replace: the name can never climb out of remote_dir.
PER_HOST_DIR = "/%FROMHOST:::lowercase,secpath-replace%/"
RULESET = "auditd-wizard-remote"
PER_HOST, PER_HOST_OTHER = "auditd-wizard-per-host", "auditd-wizard-per-host-other"


def dropin_paths(layout) -> List[str]:
    return ["%s/%s" % (layout.rsyslog_dropin_dir, name) for name in (SENDER_DROPIN, RECEIVER_DROPIN)]


def access_path(layout) -> str:
    return "%s/%s" % (layout.rsyslog_dropin_dir, ACCESS_DROPIN)


def is_tls(answers) -> bool:
    return answers.security.encryption == "tls"


def _q(value) -> str:
    """A RainerScript string literal (the model already refuses quotes and newlines)."""
    return '"%s"' % str(value).replace("\\", "\\\\").replace('"', '\\"')


def sender_peer_names(answers) -> List[str]:
    """The names the receiver's certificate may carry (StreamDriverPermittedPeers)."""
    return list(answers.security.peer_names) or [answers.remote.server]


def _global_tls(answers, skip: FrozenSet[str] = frozenset()) -> List[str]:
    """The TLS defaults, without those another global() already sets to the same value
    (rsyslogd refuses a parameter set twice; see rsyslog_fit.py)."""
    s = answers.security
    params = [(name, value) for name, value in (
        ("DefaultNetstreamDriver", s.tls_driver), ("DefaultNetstreamDriverCAFile", s.ca_file),
        ("DefaultNetstreamDriverCertFile", s.cert_file), ("DefaultNetstreamDriverKeyFile", s.key_file))
        if name.lower() not in skip]
    if not params:
        return []
    return ["global("] + ["    %s=%s" % (name, _q(value)) for name, value in params] + [")"]


def _imjournal_unlimited() -> List[str]:
    """EL's rsyslog reads the journal (and with it audit's syslog plugin) through imjournal,
    which drops what exceeds 20000 messages per 600 s by default (about 33 a second,
    plugins/imjournal/imjournal.c). Its parameters can only be given where it is loaded
    (rsyslog.conf); the legacy directive, read after that load, sets the same value
    (seen with rsyslogd 8.2302 -d: "imjournal: ratelimiting burst 20000, interval 0")."""
    return ["# imjournal (how this host's rsyslog reads the journal, where audit's syslog plugin",
            "# writes) drops what exceeds 20000 messages per 600 s by default: no limit.",
            "$imjournalRatelimitInterval 0"]


def sender_dropin(answers, skip_globals: FrozenSet[str] = frozenset(), imjournal: bool = False,
                  event_rate=None) -> str:
    """/etc/rsyslog.d/auditd-wizard-forward.conf: forward the audit facility only, or (forward =
    "all") every message of this host. Either way the audit records stay out of the local log
    files: auditd keeps its own log. `imjournal`: rsyslog reads the journal with imjournal (its
    rate limit is lifted). `event_rate`: this host's, to size an unset queue_max_disk."""
    r, s = answers.rsyslog, answers.security
    tls, everything = is_tls(answers), r.forward == "all"
    if everything:
        lines = ["# Written by auditd-wizard. Forwards every message of this host (the audit records",
                 "# travel as %s, from audit's syslog plugin) to %s:%d over TCP%s."
                 % (r.facility, answers.remote.server, r.port, " with TLS" if tls else ""),
                 "# The disk-assisted queue keeps messages while the receiver is unreachable."]
    else:
        lines = ["# Written by auditd-wizard. Forwards audit records (facility %s, from audit's"
                 % r.facility,
                 "# syslog plugin) to %s:%d over TCP%s; nothing else is forwarded."
                 % (answers.remote.server, r.port, " with TLS" if tls else ""),
                 "# The disk-assisted queue keeps records while the receiver is unreachable."]
    if imjournal:
        lines += _imjournal_unlimited()
    if tls:
        lines += _global_tls(answers, skip_globals)
    action = ['action(type="omfwd" name=%s' % _q(QUEUE_NAME),
              "       target=%s port=%s protocol=\"tcp\"" % (_q(answers.remote.server), _q(r.port))]
    if tls:
        action += ["       StreamDriver=%s StreamDriverMode=\"1\"" % _q(s.tls_driver),
                   "       StreamDriverAuthMode=\"x509/name\"",
                   "       StreamDriverPermittedPeers=%s" % _q(",".join(sender_peer_names(answers)))]
    action += ["       queue.type=\"LinkedList\" queue.filename=%s" % _q(QUEUE_NAME),
               "       queue.maxDiskSpace=%s queue.saveOnShutdown=\"on\"" % _q(rsyslog_queue(answers, event_rate).max_disk),
               "       action.resumeRetryCount=\"-1\" action.resumeInterval=\"10\")"]
    stay = "# audit records stay out of /var/log/messages: auditd keeps its own log"
    if everything:
        # The selector and the action on lines of their own: the two forms the STIG rules read
        # (`*.* action(type="omfwd" ...)` and an action( line) both see it.
        lines += ["*.*"] + action + [stay, "if $syslogfacility-text == %s then stop" % _q(r.facility)]
    else:
        lines += ["if $syslogfacility-text == %s then {" % _q(r.facility)]
        lines += ["    " + line for line in action]
        lines += ["    " + stay, "    stop", "}"]
    return "\n".join(lines) + "\n"


def receiver_dropin(answers, skip_globals: FrozenSet[str] = frozenset(), load_imtcp: bool = True) -> str:
    """/etc/rsyslog.d/auditd-wizard-collect.conf: imtcp (TLS, permitted peers only) into a
    ruleset of its own that writes <remote_dir>/<sender>/audit.log, and the other messages of
    senders that forward everything to <remote_dir>/<sender>/messages.log. `load_imtcp` is False
    when another file loads imtcp (without TLS settings) before this one is read."""
    r, s = answers.rsyslog, answers.security
    tls = is_tls(answers)
    lines = ["# Written by auditd-wizard. Receives audit records from senders on TCP port %d%s"
             % (r.port, " with TLS" if tls else ""),
             "# and writes them to %s/<sender>/audit.log (a sender's other messages, when it"
             % r.remote_dir,
             "# forwards everything, to %s/<sender>/messages.log)." % r.remote_dir]
    if tls:
        peers = ", ".join(_q(p) for p in s.peer_names)
        lines += ["# Only senders whose certificate names one of the permitted peers may send."]
        lines += _global_tls(answers, skip_globals)
        lines += ['module(load="imtcp" StreamDriver.Name=%s StreamDriver.Mode="1"' % _q(s.tls_driver),
                  '       StreamDriver.AuthMode="x509/name" PermittedPeer=[%s])' % peers]
    elif load_imtcp:
        lines += ['module(load="imtcp")']
    lines += ['input(type="imtcp" port=%s ruleset=%s)' % (_q(r.port), _q(RULESET))]
    for name, file_name in ((PER_HOST, "audit.log"), (PER_HOST_OTHER, "messages.log")):
        lines += ['template(name=%s type="string"' % _q(name),
                  '         string=%s)' % _q(r.remote_dir + PER_HOST_DIR + file_name)]
    lines += ["ruleset(name=%s) {" % _q(RULESET),
              "    if $syslogfacility-text == %s then {" % _q(r.facility),
              '        action(type="omfile" dynaFile=%s' % _q(PER_HOST),
              '               dirCreateMode="0750" fileCreateMode="0640")',
              "    } else {",
              '        action(type="omfile" dynaFile=%s' % _q(PER_HOST_OTHER),
              '               dirCreateMode="0750" fileCreateMode="0640")',
              "    }",
              "}"]
    return "\n".join(lines) + "\n"


def access_dropin() -> str:
    """/etc/rsyslog.d/auditd-wizard-access.conf: authentication and daemon messages logged,
    as the DISA fix text for "remote access methods are monitored" writes it."""
    return ("# Written by auditd-wizard. Logs authentication and daemon messages to /var/log/secure\n"
            "# (the STIGs' \"remote access methods are monitored\": RHEL-08-010070, RHEL-09-652030,\n"
            "# RHEL-10-200647).\n"
            "auth.*;authpriv.*;daemon.*    /var/log/secure\n")
