"""The rsyslog method: audit's syslog plugin on the sender, rsyslog forwarding over TCP (TLS
with gtls or ossl), rsyslog imtcp on the receiver writing one file per sender. The drop-ins'
text is in rsyslog_dropins.py.

audit-facts §5: this is what the RHEL 8/9/10 STIGs ask for (omfwd over TCP, StreamDriverMode 1,
x509/name with a permitted peer, rsyslog-gnutls).
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from backends.changes import Change, Restart, SELinuxPort
from wizard import tls
from wizard.plan import auditd
from wizard.plan.errors import PlanError
from wizard.plan.methods import rsyslog_fit
from wizard.plan.methods.rsyslog_dropins import (
    access_path,
    dropin_paths,
    is_tls,
    receiver_dropin,
    sender_dropin,
)
from wizard.plan.queues import RSYSLOG_RECORD_BYTES, duration_words, rsyslog_queue

NAME = "rsyslog"
# SELinux (selinux-policy logging.te, c9s/c10s/rawhide): rsyslogd (syslogd_t) may listen on
# ports of these types (corenet_tcp_bind_*; tcp/514 is rsh_port_t) and connect to these and a
# few more. A port of such a type needs no label: relabelling it would change it for every
# service (semanage -m), for nothing.
RSYSLOG_BIND_TYPES = ("syslogd_port_t", "syslog_tls_port_t", "rsh_port_t")
RSYSLOG_CONNECT_TYPES = RSYSLOG_BIND_TYPES + ("http_port_t", "mysqld_port_t", "postgresql_port_t",
                                              "wap_wsp_port_t")


def rsyslog_port_types(role: str):
    """The port types rsyslogd may already use at this end: listen (receiver), connect (sender)."""
    return RSYSLOG_CONNECT_TYPES if role == "sender" else RSYSLOG_BIND_TYPES


TLS_PACKAGE = {"gtls": "rsyslog-gnutls", "ossl": "rsyslog-openssl"}


def planning_paths(layout) -> List[str]:
    """The wizard's drop-ins and auditd's unit drop-in; the rest of the rsyslog configuration
    comes from wizard.rsyslog_config.read_files (the session reads it)."""
    return dropin_paths(layout) + [auditd.UNIT_DROPIN]


def dropin(files, answers, layout, note=lambda step, text: None,
           event_rate=None) -> Tuple[str, str]:
    """(path, text) of the drop-in this end gets, fitted to the rest of the rsyslog
    configuration in `files` (rsyslog_fit; raises PlanError on a conflict)."""
    own = tuple(dropin_paths(layout)) + (access_path(layout),)    # the wizard's own files
    sender = answers.role == "sender"
    path = own[0] if sender else own[1]
    fit = rsyslog_fit.fit(files, answers, path, own)
    for text in fit.notes:
        note(8 if is_tls(answers) else (4 if sender else 6), text)
    if sender:
        return path, sender_dropin(answers, fit.skip_globals, _imjournal(fit, note), event_rate)
    return path, receiver_dropin(answers, fit.skip_globals, fit.load_imtcp)


def _require_tls_names(ctx) -> None:
    a = ctx.answers
    if not is_tls(a):
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


# ---------------------------------------------------------------- step 1
def install(ctx) -> None:
    """seed-errors #1: the syslog plugin ships in audispd-plugins; rsyslog and its TLS driver."""
    if ctx.sender:
        ctx.need_package(1, "audispd-plugins")   # /sbin/audisp-syslog + plugins.d/syslog.conf
    ctx.need_package(1, "rsyslog")
    if is_tls(ctx.answers):
        ctx.need_package(1, TLS_PACKAGE[ctx.answers.security.tls_driver])
    ctx.want_service(4 if ctx.sender else 6, "rsyslog")


# ---------------------------------------------------------------- step 3
def plugin(ctx) -> None:
    """audit's syslog plugin on, with the chosen facility (`args = LOG_INFO LOG_LOCAL6`)."""
    _require_tls_names(ctx)
    layout, facility = ctx.layout, ctx.answers.rsyslog.facility
    ctx.drafts.set_keys(3, layout.syslog_plugin_conf, {
        "active": "yes", "direction": "out", "path": layout.audisp_syslog_bin,
        "type": layout.plugin_type, "args": "LOG_INFO LOG_%s" % facility.upper(),
        "format": "string"})
    # Switching from the native method: the audisp-remote plugin must stop forwarding.
    current = ctx.files.get(layout.au_remote_conf)
    if current is not None:
        ctx.drafts.set_keys(3, layout.au_remote_conf, {"active": "no"})


# ---------------------------------------------------------------- step 4
def remote(ctx) -> None:
    """The rsyslog drop-in that forwards the audit facility, fitted to the rest of the rsyslog
    configuration; records from audit's syslog plugin pass journald and imjournal unlimited."""
    path, text = dropin(ctx.files, ctx.answers, ctx.layout, ctx.note, ctx.facts.event_rate)
    ctx.drafts.replace(4, path, text, mode=0o644)
    _say_what_survives(ctx)
    ctx.note(4, FORWARD_NOTES[ctx.answers.rsyslog.forward])
    auditd.unlimited_journal(ctx, 4)


def _imjournal(fit: rsyslog_fit.Fit, note) -> bool:
    """True when the drop-in should lift imjournal's rate limit (20000 per 600 s by default,
    about 33 a second for everything rsyslog reads from the journal: under load audit records
    are dropped). Not when the admin set the interval where imjournal is loaded."""
    if fit.imjournal is None:
        return False
    interval = fit.imjournal.statement.text("ratelimit.interval")
    if interval is None:
        note(4, "rsyslog reads audit's syslog plugin through the journal (imjournal, %s), "
                "which drops what exceeds 20000 messages per 600 s (about 33 a second) by "
                "default: the drop-in lifts that limit." % fit.imjournal.where)
        return True
    if interval.strip() != "0":
        note(4, "%s sets imjournal ratelimit.interval=%s: audit records beyond its burst "
                "are dropped; set it to 0 there to forward every record."
             % (fit.imjournal.where, interval))
    return False


FORWARD_NOTES = {
    "audit": "Only the audit records are forwarded. The STIG's remote-loghost rule wants every "
             "message forwarded (`*.*`): Forward = all.",
    "all": "Every message of this host is forwarded, the audit records included (the STIG's "
           "remote-loghost rule); the receiver writes the others to <sender>/messages.log "
           "beside audit.log.",
}


def _say_what_survives(ctx) -> None:
    """The disk queue against the outage asked for (issue #16 item 1, the rsyslog method)."""
    queue = rsyslog_queue(ctx.answers, ctx.facts.event_rate)
    ctx.note(4, "%s Rate: %d records/s, %s; %s." % (queue.words(), queue.rate, queue.rate_source,
                                                   queue.how_sized()))
    if not queue.enough:
        ctx.warn(4, "remote.outage asks for %s at %d records/s, but rsyslog.queue_max_disk = %s "
                    "holds about %s (about %d KiB a record on disk): set it to at least %s, or "
                    "lower remote.outage or remote.peak_rate."
                 % (duration_words(queue.outage), queue.rate, ctx.answers.rsyslog.queue_max_disk,
                    duration_words(queue.survives), RSYSLOG_RECORD_BYTES // 1024, queue.needed))


# ---------------------------------------------------------------- step 5
def selinux_firewall(ctx) -> None:
    """The port's SELinux type on both ends, the firewall on the receiver."""
    port = ctx.answers.rsyslog.port
    wanted = "syslog_tls_port_t" if is_tls(ctx.answers) else "syslogd_port_t"
    ctx.selinux_port(5, port, wanted, acceptable=rsyslog_port_types(ctx.answers.role))
    if ctx.sender:
        ctx.note(5, "No firewall change on a sender: outgoing connections are allowed by "
                    "default; the receiver opens port %d." % port)
    else:
        ctx.firewall_port(5, port)


# ---------------------------------------------------------------- step 6
def receiver(ctx) -> None:
    """imtcp drop-in and the per-sender files."""
    _require_tls_names(ctx)
    path, text = dropin(ctx.files, ctx.answers, ctx.layout, ctx.note, ctx.facts.event_rate)
    ctx.drafts.replace(6, path, text, mode=0o644)
    ctx.note(6, "Each sender's records go to %s/<name of the sender's address>/audit.log: the "
                "name comes from the connection (DNS, else the address), never from the host "
                "name a sender writes into its messages." % ctx.answers.rsyslog.remote_dir)
    version = ctx.state.installed.get("rsyslog")
    if is_tls(ctx.answers) and ctx.answers.security.tls_driver == "ossl" and ossl_receiver_unsafe(version):
        ctx.warn(8, ossl_receiver_warning(version))


# ---------------------------------------------------------------- step 8
def security(ctx) -> None:
    """TLS: the drop-ins carry it; this checks the key files and can make a lab CA."""
    enc = ctx.answers.security.encryption
    if enc == "none":
        return
    if enc != "tls":
        raise PlanError("security.encryption: the rsyslog method encrypts with TLS; "
                        "allowed: none, tls")
    s = ctx.answers.security
    if s.lab_certificates and not ctx.sender:
        if ctx.state.file_stats.get(s.ca_file) is None:
            _refuse_existing_outputs(ctx)
            for path, text in tls.lab_files(ctx.answers, ctx.facts.fqdn):
                ctx.drafts.replace(8, path, text, mode=0o644, owned=False)   # never deleted
            ctx.commands.extend(tls.lab_changes(ctx.answers, ctx.facts.fqdn))
            ctx.note(8, "%s: a lab CA and certificates for this host and each permitted sender "
                        "are made under %s; copy them to the senders."
                     % (tls.LAB_NOTICE, tls.lab_dir(ctx.answers)))
        return
    if s.lab_certificates:
        ctx.note(8, "%s: copy ca.pem, <this host>.pem and <this host>-key.pem from the "
                    "receiver's %s to %s, %s and %s." % (tls.LAB_NOTICE, tls.lab_dir(ctx.answers),
                                                         s.ca_file, s.cert_file, s.key_file))
    fix = tls.key_fix(s.key_file, ctx.state.file_stats.get(s.key_file))
    if fix is not None:
        ctx.commands.append(fix)
    for path in (s.ca_file, s.cert_file, s.key_file):
        if ctx.state.file_stats.get(path) is None:
            ctx.block(8, "%s does not exist yet: rsyslog cannot start TLS without it." % path)


def _refuse_existing_outputs(ctx) -> None:
    """A lab CA never overwrites a key or certificate that exists (#11 item 4)."""
    existing = [p for p in tls.lab_outputs(ctx.answers, ctx.facts.fqdn)
                if ctx.state.file_stats.get(p) is not None]
    if existing:
        raise PlanError("security.lab_certificates: %s already exist%s; a lab CA never overwrites "
                        "a key or certificate: move %s away, or set lab_certificates = false and "
                        "give ca_file, cert_file and key_file of your own"
                        % (", ".join(existing), "s" if len(existing) == 1 else "",
                           "it" if len(existing) == 1 else "them"))


# ---------------------------------------------------------------- last
def restart(ctx, labels: List[Change]) -> List[Change]:
    """Restart rsyslog when one of its drop-ins (the access-logging one too) changed or went
    (called last, so the certificates and SELinux ports are in place first), whichever method
    is chosen: a drop-in removed after a switch to audisp-remote must stop forwarding too; or
    when the receiver's port gets the label imtcp needs (it logs "Could not create tcp
    listener, ignoring port" and never tries again, runtime/tcpsrv.c). Only a running rsyslog
    that stays running is restarted; a start or stop is the service's own change.
    `systemctl restart` is fine for rsyslog (only auditd refuses it)."""
    ours = dropin_paths(ctx.layout) + [access_path(ctx.layout)]
    changed = [d for d in ctx.drafts.changed() if d.path in ours]
    port = ctx.answers.rsyslog.port
    labelled = (ctx.answers.method == "rsyslog" and not ctx.sender
                and any(isinstance(c, SELinuxPort) and c.type and c.port == port for c in labels))
    stays = ctx.desired_services.get("rsyslog", {"active": ctx.state.active.get("rsyslog")})["active"]
    if not (changed or labelled) or not (stays and ctx.state.active.get("rsyslog")
                                         and ctx.state.is_installed("rsyslog")):
        return []
    step = str(max(max(ctx.drafts.steps_of(d)) for d in changed)) if changed else "5"
    kept = [d for d in changed if d.text is not None]
    why = []
    if kept:
        why.append("reads the %s drop-in" % ("new" if all(d.original is None for d in kept) else "changed"))
    if len(kept) < len(changed):
        why.append("stops using the removed " + ("one" if kept else "drop-in"))
    if not changed:
        why.append("listens on tcp/%d, now labelled (a failed listen is never retried)" % port)
    return [Restart(start=["systemctl", "restart", "rsyslog"], group=step,
                    description="Restart rsyslog so it " + " and ".join(why))]


# rsyslog issue #6350: the ossl driver's handshake retry skipped the peer check of x509/name,
# so an ossl receiver let in clients not in PermittedPeer (seen on 8.2504: 3 to 5 times out
# of 5); fixed upstream in 8.2602.0. gtls and ossl senders check the server either way.
OSSL_PEER_CHECK_FIXED_IN = (8, 2602)


def ossl_receiver_unsafe(version: Optional[str]) -> bool:
    """May an ossl receiver of this rsyslog version ("8.2412.0-1.el10"; None = not installed
    yet: EL 8, 9 and 10 all ship older ones) let an unlisted peer in?"""
    if not version:
        return True
    numbers = tuple(int(n) for n in re.findall(r"\d+", version.split("-")[0])[:2])
    return numbers < OSSL_PEER_CHECK_FIXED_IN


def ossl_receiver_warning(version: Optional[str]) -> str:
    return ("rsyslog %s with the ossl driver can let a sender in whose certificate names "
            "none of the permitted peers (x509/name is skipped when the TLS handshake needs a "
            "retry: rsyslog issue #6350, fixed in 8.2602.0; seen 3 times in 5 with 8.2504). "
            "Use security.tls_driver = \"gtls\" on this receiver: gtls refuses them."
            % (version or "(as EL ships it)"))
