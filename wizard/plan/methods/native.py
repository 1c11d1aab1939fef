"""The audisp-remote method: auditd's own protocol. The sender runs audisp-remote as an audit
plugin (au-remote.conf, audisp-remote.conf); the receiver's auditd listens (tcp_listen_port).
Encryption is Kerberos (`transport = KRB5`), TLS-PSK only where audit >= 4.2.

seed-errors #5-#12, #16: the file names, `type = always`, `format = managed`, no
auditd_network_connect boolean, the receiver opens its port, keytabs root-owned 0400.
"""
from __future__ import annotations

import ipaddress
import shlex
from typing import List, Tuple

from backends.changes import Change
from wizard import kerberos, tls_psk
from wizard.conf import KeyValueFile
from wizard.plan.errors import PlanError
from wizard.plan.queues import Q_DEPTH_MAX, dead_connection_words, duration_words, native_queues

NAME = "audisp-remote"
AUDIT_PORT = 60
SPLITS_RECORDS_SINCE = (4, 1, 3)


def planning_paths(layout) -> List[str]:
    return []


def tls_psk_refusal(facts) -> str:
    return ("security.encryption: TLS for audisp-remote (transport = tls, TLS-PSK) needs audit "
            "4.2 or later built with TLS; this host has audit %s. Use encryption = \"kerberos\" "
            "(transport = KRB5), or method = \"rsyslog\" with encryption = \"tls\""
            % facts.audit_version)


# ---------------------------------------------------------------- step 1
def install(ctx) -> None:
    if ctx.sender:
        ctx.need_package(1, "audispd-plugins")   # seed-errors #1: audisp-remote ships here, not in audit-libs


# ---------------------------------------------------------------- step 3
def plugin(ctx) -> None:
    # seed-errors #5/#6: plugins.d/au-remote.conf, `type = always` (builtin is obsolete)
    ctx.drafts.set_keys(3, ctx.layout.au_remote_conf, {
        "active": "yes", "direction": "out", "path": ctx.layout.audisp_remote_bin,
        "type": "always", "format": "string"})


# ---------------------------------------------------------------- step 4
def remote(ctx) -> None:
    r = ctx.answers.remote
    queues = native_queues(ctx.answers, ctx.facts.event_rate)
    values = {"remote_server": r.server, "port": str(r.port), "mode": queues.mode,
              "queue_depth": str(queues.queue_depth), "format": "managed",   # seed-errors #8
              "network_failure_action": r.network_failure_action,              # seed-errors #9
              "heartbeat_timeout": str(r.heartbeat_timeout)}
    if queues.mode == "forward":
        values["queue_file"] = r.queue_file
        _queue_file_label(ctx, r.queue_file)
    if r.network_failure_action in ("halt", "single"):
        ctx.warn(4, f"network_failure_action = {r.network_failure_action}: when the receiver "
                    f"cannot be reached this host {'halts' if r.network_failure_action == 'halt' else 'goes to single-user mode'}; "
                    "choose it only when losing forwarding must stop the machine.")
    current = ctx.drafts.get(ctx.layout.audisp_remote_conf)
    has_local_port = KeyValueFile.parse(current.text).get("local_port") is not None
    if r.local_port:
        values["local_port"] = str(r.local_port)
        # audisp-remote.conf(5) NOTES
        ctx.note(4, "local_port = %d: after a restart the old connection may sit in TIME_WAIT "
                    "(up to a minute), and reconnecting from the same port is refused until it "
                    "is gone; records wait in the queue meanwhile. Use it only when the "
                    "receiver insists on source ports (tcp_client_ports)." % r.local_port)
    elif has_local_port:
        values["local_port"] = "any"
    ctx.drafts.set_keys(4, ctx.layout.audisp_remote_conf, values)
    # upstream NOTES: "a large q_depth in auditd.conf, an even bigger queue_depth"
    ctx.drafts.set_keys(4, ctx.layout.auditd_conf, {"q_depth": str(queues.q_depth)})
    _say_what_survives(ctx, queues)


def _say_what_survives(ctx, queues) -> None:
    ctx.note(4, queues.details(ctx.layout.spool_dir))
    if queues.outage and queues.promise < queues.outage:
        ctx.warn(4, "%s was asked for, but at %d records/s auditd cannot hold what "
                    "comes in while a longer backlog is sent (q_depth is at most %d): the "
                    "queues are sized for %s. Lower remote.peak_rate if the host is quieter, "
                    "or use the rsyslog method for long outages."
                 % (duration_words(queues.outage), queues.rate, Q_DEPTH_MAX,
                    duration_words(queues.promise)))
    if not queues.catches_up:
        ctx.warn(4, "%d records/s is about what audisp-remote can deliver (one "
                    "acknowledged record at a time, about %d/s over a LAN): after an outage the "
                    "backlog would hardly shrink." % (queues.rate, queues.drain_rate))
    if ctx.layout.version >= SPLITS_RECORDS_SINCE:
        # Seen with the real 4.2.1: 1 record in about 80 arrives as two broken lines.
        ctx.warn(4, "audit %s's audisp-remote cuts a record in two when it straddles "
                    "the end of its 16 KiB input buffer (auplugin_fgets since 4.1.3, upstream "
                    "issue linux-audit/audit-userspace#529): nothing is lost, but about one "
                    "record in 80 arrives as two lines that ausearch cannot read."
                 % ctx.facts.audit_version)
    a = ctx.answers.remote
    if a.heartbeat_timeout == 0:
        ctx.warn(4, "heartbeat_timeout = 0: a connection that died silently (a "
                    "receiver that lost power, a NAT timeout) is noticed only when a record "
                    "fails; set remote.heartbeat_timeout (like 30) and the receiver's "
                    "client_max_idle to twice that.")


def _queue_file_label(ctx, queue_file: str) -> None:
    """audisp_remote_t may only write audit_spool_t (/var/spool/audit); elsewhere SELinux
    denies the queue, and audisp-remote stops (queue_error_action)."""
    spool = ctx.layout.spool_dir.rstrip("/") + "/"
    if queue_file.startswith(spool):
        return
    text = (f"remote.queue_file {queue_file} is outside {ctx.layout.spool_dir}: SELinux lets "
            f"audisp-remote write its queue only there (audit_spool_t)")
    if ctx.facts.selinux_mode.lower() == "enforcing":
        ctx.block(4, text + "; put the queue under " + ctx.layout.spool_dir + ".")
    elif ctx.facts.selinux_mode.lower() == "permissive":
        ctx.warn(4, text + "; it works now only because SELinux is permissive.")


# ---------------------------------------------------------------- step 5
def selinux_firewall(ctx) -> None:
    a = ctx.answers
    # seed-errors #10: no auditd_network_connect boolean; audit_port_t is tcp/60 only
    if ctx.sender:
        if a.remote.port != AUDIT_PORT:
            ctx.selinux_port(5, a.remote.port)
        # The kernel asks SELinux (name_bind) for every source port outside the ephemeral
        # range, and audisp_remote_t may bind only audit_port_t.
        local = a.remote.local_port
        if local and local != AUDIT_PORT and ctx.state.bind_is_checked(local):
            ctx.selinux_port(5, local)
        # seed-errors #11: outbound traffic is not blocked; the receiver opens the port
        ctx.note(5, "No firewall change on a sender: outgoing connections are allowed by "
                    "default; the receiver opens its port.")
    else:
        if a.receiver.listen_port != AUDIT_PORT:
            ctx.selinux_port(5, a.receiver.listen_port)
        ctx.firewall_port(5, a.receiver.listen_port)


# ---------------------------------------------------------------- step 6
def receiver(ctx) -> None:
    r = ctx.answers.receiver
    # seed-errors #12: local_events alone does not listen
    values = {"tcp_listen_port": str(r.listen_port), "tcp_listen_queue": str(r.listen_queue),
              "tcp_max_per_addr": str(r.max_per_addr), "tcp_client_max_idle": str(r.client_max_idle),
              "local_events": "yes" if r.local_events else "no"}
    remove: Tuple[str, ...] = ()
    if r.client_ports:
        values["tcp_client_ports"] = r.client_ports
    else:
        remove = ("tcp_client_ports",)
    ctx.drafts.set_keys(6, ctx.layout.auditd_conf, values, remove=remove)
    # idle 0 never closes a dead connection: a crashed sender may stay refused (op=dup)
    say = ctx.warn if r.client_max_idle == 0 else ctx.note
    say(6, dead_connection_words(r.max_per_addr, r.client_max_idle))


# ---------------------------------------------------------------- step 8
def security(ctx) -> None:
    enc = ctx.answers.security.encryption
    if enc == "tls":
        _tls_psk(ctx)
    elif enc == "kerberos":
        _kerberos(ctx)
    _access_control(ctx)


def _kerberos(ctx) -> None:
    a, layout = ctx.answers, ctx.layout
    realm = kerberos.default_realm(ctx.files.get(kerberos.KRB5_CONF))
    if realm is None:
        ctx.block(8, "No default_realm in /etc/krb5.conf [libdefaults]: audisp-remote and auditd "
                     "use the default realm, so set it (or join the realm with ipa-client-install "
                     "or realm join) before applying.")
    if ctx.sender and _is_address(a.remote.server):
        ctx.block(8, "Kerberos with remote.server = %s, an IP address: audisp-remote asks the KDC "
                     "for %s/%s, and EL's krb5.conf has rdns = false, so no principal matches; "
                     "name the receiver by its host name." % (a.remote.server,
                                                             kerberos.service_name(a), a.remote.server))
    service = kerberos.service_name(a)
    if ctx.sender:
        values = {"transport": "KRB5", "format": "managed"}   # KRB5 works only with managed
        if service != kerberos.DEFAULT_SERVICE:
            values.update(krb5_client_name=service, krb5_principal="%s/%s" % (service, a.remote.server))
        ctx.drafts.set_keys(8, layout.audisp_remote_conf, values)
        finding = kerberos.hostname_finding(ctx.facts, realm)
        if finding.level != "ok":
            ctx.warn(8, finding.text)
        keytab, who = layout.client_keytab, "audisp-remote"
    else:
        values = {"transport": "KRB5"}
        if service != kerberos.DEFAULT_SERVICE:
            values["krb5_principal"] = service
        keytab, who = kerberos.receiver_keytab(a, layout), "auditd"
        if keytab != layout.server_keytab:
            values["krb5_key_file"] = keytab
        ctx.drafts.set_keys(8, layout.auditd_conf, values)
    mine, peer = kerberos.principals(a, ctx.facts, realm)
    ctx.note(8, "This host's principal: %s, key in %s. The %s needs %s in %s on %s."
             % (mine.name, mine.keytab, peer.role, peer.name, peer.keytab, peer.host))
    _keytab(ctx, keytab, who, mine.name, realm)


def _keytab(ctx, keytab: str, who: str, name: str, realm) -> None:
    stat = ctx.state.file_stats.get(keytab)
    fix = kerberos.keytab_fix(keytab, stat)
    for finding in kerberos.keytab_findings(keytab, stat, who):
        if finding.level == "warning":       # outside /etc/audit: whether it exists or not
            ctx.warn(8, finding.text)
        elif finding.level != "ok" and stat is not None:   # a missing one is blocked below
            ctx.note(8, finding.text + (" (this plan fixes it)" if fix else ""))
    if fix is not None:
        ctx.commands.append(fix)
    if stat is not None:
        return
    commands = kerberos.kadmin_commands(ctx.answers, name, keytab)
    if not ctx.answers.security.run_kadmin:
        ctx.block(8, "%s does not exist: %s cannot authenticate. Create the key (on a host with "
                     "kadmin rights, or set security.run_kadmin):\n" % (keytab, who)
                  + "\n".join("  " + " ".join(shlex.quote(a) for a in argv) for argv in commands))
        return
    s = ctx.answers.security
    missing = [field for field in ("kadmin_principal", "kadmin_keytab") if not getattr(s, field)]
    if missing:   # name only what is still missing: typing one of them changes the message
        raise PlanError("security.run_kadmin: needs %s (kadmin must not wait for a password "
                        "during apply)" % " and ".join("security." + field for field in missing))
    if realm is None:     # kadmin would make the principal in the placeholder realm REALM
        ctx.block(8, "security.run_kadmin: /etc/krb5.conf has no default_realm in [libdefaults], "
                     "so kadmin cannot make %s (it is not run); set default_realm (or join the "
                     "realm with ipa-client-install or realm join) first" % name)
        return
    ctx.need_package(1, "krb5-workstation")
    ctx.commands.extend(kerberos.kadmin_changes(ctx.answers, name, keytab))


def _is_address(server) -> bool:
    try:
        ipaddress.ip_address(server or "")
        return True
    except ValueError:
        return False


def _tls_psk(ctx) -> None:
    """TLS-PSK (audit >= 4.2): transport = tls, the key file and the identity on both ends
    (wizard/tls_psk.py says what real 4.2.1 checks)."""
    if not ctx.layout.supports_tls_psk:
        raise PlanError(tls_psk_refusal(ctx.facts))
    s = ctx.answers.security
    path = ctx.layout.audisp_remote_conf if ctx.sender else ctx.layout.auditd_conf
    values = {"transport": "tls", "tls_psk_file": s.tls_psk_file,
              "tls_psk_identity": s.tls_psk_identity}
    if ctx.sender:
        values["format"] = "managed"      # TLS works only with managed (audisp-remote.conf(5))
    ctx.drafts.set_keys(8, path, values, same=_same_psk_value)
    who = "audisp-remote" if ctx.sender else "auditd"
    stat = ctx.state.file_stats.get(s.tls_psk_file)
    fix = tls_psk.key_fix(s.tls_psk_file, stat)
    for finding in tls_psk.key_findings(s.tls_psk_file, stat, who):
        if finding.level == "warning":
            ctx.warn(8, finding.text)
        elif finding.level != "ok" and finding.fix:
            ctx.note(8, finding.text + " (this plan fixes it)")
        elif finding.level != "ok":          # a short key: audit refuses it, the wizard keeps it
            ctx.block(8, finding.text)
    if fix is not None:
        ctx.commands.append(fix)
    peer = "the receiver" if ctx.sender else "every sender"
    if stat is None:
        ctx.commands.extend(tls_psk.key_changes(s.tls_psk_file))
        ctx.note(8, "A new pre-shared key is made at %s (openssl rand -hex 32). %s"
                 % (s.tls_psk_file, tls_psk.copy_note(s.tls_psk_file, peer)))
    else:
        ctx.note(8, "The pre-shared key %s exists and is kept. %s"
                 % (s.tls_psk_file, tls_psk.copy_note(s.tls_psk_file, peer)))
    ctx.note(8, "Identity: the sender presents %r and the receiver accepts only that identity "
                "(tls_psk_identity on both ends). transport = tls needs audit built with TLS "
                "(--enable-tls, which upstream's own spec file leaves off): `ldd %s | grep "
                "libssl` shows it." % (s.tls_psk_identity, ctx.layout.audisp_remote_bin
                                      if ctx.sender else "/sbin/auditd"))


def _same_psk_value(key: str, old: str, new: str) -> bool:
    """transport is case-insensitive; a path and an identity are compared as written."""
    return old.strip().lower() == new.strip().lower() if key in ("transport", "format") \
        else old.strip() == new.strip()


def _access_control(ctx) -> None:
    a = ctx.answers
    if ctx.sender:
        if 0 < a.remote.local_port < 1024:
            ctx.note(8, "Privileged source port %d: only root can open it, so the receiver can "
                        "insist on tcp_client_ports = 1-1023." % a.remote.local_port)
        return
    r = a.receiver
    if r.allowed_senders:
        ctx.note(8, "Only %s may reach port %d (firewalld rich rules, step 5)."
                 % (", ".join(r.allowed_senders), r.listen_port))
    else:
        ctx.note(8, "Any address may connect to port %d; list receiver.allowed_senders to "
                    "limit it with firewalld rich rules." % r.listen_port)
    if r.client_ports == "1-1023":
        ctx.note(8, "tcp_client_ports = 1-1023: every sender needs remote.local_port below 1024 "
                    "(labelled audit_port_t when it is not 60).")


# ---------------------------------------------------------------- last
def restart(ctx, labels: List[Change]) -> List[Change]:
    """auditd's restart (wizard.plan.auditd) covers audisp-remote and a new label of auditd's
    own port: auditd starts its plugins and its listener."""
    return []
