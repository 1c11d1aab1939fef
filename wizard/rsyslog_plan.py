"""The rsyslog method: audit's syslog plugin on the sender, rsyslog forwarding over TCP (TLS
with gtls or ossl), rsyslog imtcp on the receiver writing one file per sender.

seed-errors #13: RainerScript only (`module(load=...)`), never legacy `$ModLoad`.
audit-facts §5: this is what the RHEL 8/9/10 STIGs ask for (omfwd over TCP, StreamDriverMode 1,
x509/name with a permitted peer, rsyslog-gnutls).
"""
from __future__ import annotations

from typing import List

from backends.changes import Restart, SELinuxPort, ServiceState
from wizard.security_plan import PlanError

SENDER_DROPIN = "auditd-wizard-forward.conf"
RECEIVER_DROPIN = "auditd-wizard-collect.conf"
QUEUE_NAME = "auditd-wizard-forward"
RULESET = "auditd-wizard-remote"
# SELinux: rsyslogd (syslogd_t) may bind and connect to ports of these types.
RSYSLOG_PORT_TYPES = ("syslogd_port_t", "syslog_tls_port_t")
TLS_PACKAGE = {"gtls": "rsyslog-gnutls", "ossl": "rsyslog-openssl"}


def dropin_paths(layout) -> List[str]:
    return ["%s/%s" % (layout.rsyslog_dropin_dir, name) for name in (SENDER_DROPIN, RECEIVER_DROPIN)]


def _tls(answers) -> bool:
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
    tls = _tls(answers)
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
    tls = _tls(answers)
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


# ---------------------------------------------------------------- the planner's steps
def _require_tls_names(ctx) -> None:
    a = ctx.answers
    if not _tls(a):
        return
    if ctx.sender and not a.security.peer_names and not _is_name(a.remote.server):
        raise PlanError("security.peer_names: remote.server is an IP address; name the receiver's "
                        "certificate (x509/name compares certificate names, not addresses)")
    if not ctx.sender and not a.security.peer_names:
        raise PlanError("security.peer_names: list the certificate names of the senders allowed "
                        "to send (like \"web01.example.com\" or \"*.example.com\"); with TLS the "
                        "receiver accepts only permitted peers")


def _is_name(server: str) -> bool:
    return any(c.isalpha() for c in server) and ":" not in server


def packages(ctx) -> None:
    """Step 1 for the rsyslog method (seed-errors #1)."""
    if ctx.sender:
        ctx.need_package(1, "audispd-plugins")   # /sbin/audisp-syslog + plugins.d/syslog.conf
    ctx.need_package(1, "rsyslog")
    if _tls(ctx.answers):
        ctx.need_package(1, TLS_PACKAGE[ctx.answers.security.tls_driver])


def sender_plugin(ctx) -> None:
    """Step 3: audit's syslog plugin on, with the chosen facility (`args = LOG_INFO LOG_LOCAL6`)."""
    _require_tls_names(ctx)
    packages(ctx)
    layout, facility = ctx.layout, ctx.answers.rsyslog.facility
    ctx.drafts.set_keys(3, layout.syslog_plugin_conf, {
        "active": "yes", "direction": "out", "path": layout.audisp_syslog_bin,
        "type": layout.plugin_type, "args": "LOG_INFO LOG_%s" % facility.upper(),
        "format": "string"})
    # Switching from the native method: the audisp-remote plugin must stop forwarding.
    current = ctx.files.get(layout.au_remote_conf)
    if current is not None:
        ctx.drafts.set_keys(3, layout.au_remote_conf, {"active": "no"})


def sender_forwarding(ctx) -> None:
    """Step 4: the rsyslog drop-in that forwards the audit facility."""
    path = "%s/%s" % (ctx.layout.rsyslog_dropin_dir, SENDER_DROPIN)
    ctx.drafts.replace(4, path, sender_dropin(ctx.answers), mode=0o644)


def selinux_firewall(ctx) -> None:
    """Step 5: the port's SELinux type on both ends, the firewall on the receiver."""
    port = ctx.answers.rsyslog.port
    wanted = "syslog_tls_port_t" if _tls(ctx.answers) else "syslogd_port_t"
    if ctx.answers.selinux.manage and ctx.facts.selinux_mode.lower() != "disabled":
        if ctx.state.port_types.get(("tcp", port)) not in RSYSLOG_PORT_TYPES:
            ctx.commands.append(SELinuxPort(port, type=wanted, proto="tcp", group="5"))
    if ctx.sender:
        ctx.note(5, "No firewall change on a sender: outgoing connections are allowed by "
                    "default; the receiver opens port %d." % port)
    else:
        ctx.firewall_port(5, port)


def receiver(ctx) -> None:
    """Step 6: imtcp drop-in and the per-sender files."""
    _require_tls_names(ctx)
    packages(ctx)
    path = "%s/%s" % (ctx.layout.rsyslog_dropin_dir, RECEIVER_DROPIN)
    ctx.drafts.replace(6, path, receiver_dropin(ctx.answers), mode=0o644)
    ctx.note(6, "Each sender's records go to %s/<sender host name>/audit.log."
             % ctx.answers.rsyslog.remote_dir)


def restart(ctx) -> None:
    """After every step: restart rsyslog when one of its drop-ins changed (called last, so
    the certificates and SELinux ports are in place first). `systemctl restart` is fine for
    rsyslog (only auditd refuses it)."""
    changed = [d for d in ctx.drafts.changed() if d.path in dropin_paths(ctx.layout)]
    if not changed:
        return
    step = str(max(max(d.step_diffs) for d in changed))
    if ctx.state.active.get("rsyslog") and ctx.state.is_installed("rsyslog"):
        ctx.commands.append(Restart(start=["systemctl", "restart", "rsyslog"], group=step,
                                    description="Restart rsyslog so it reads the new drop-in"))
    if not (ctx.state.enabled.get("rsyslog") and ctx.state.active.get("rsyslog")):
        ctx.commands.append(ServiceState("rsyslog", enabled=True, active=True, group=step))
