"""audisp-remote.conf on a sender: format and transport, the server name and its port, what
happens on a network failure; and the node name auditd puts on each event."""
from __future__ import annotations

from typing import Optional

from wizard.doctor.context import is_ip, resolve
from wizard.doctor.model import OK, PROBLEM, SKIPPED, WARNING, FileEdit, Finding, sentence


def _native_sender(ctx) -> bool:
    return ctx.role == "sender" and ctx.method == "audisp-remote" and \
        ctx.read(ctx.layout.audisp_remote_conf) is not None


def remote_format(ctx) -> Optional[Finding]:
    if not _native_sender(ctx):
        return None
    path = ctx.layout.audisp_remote_conf
    fmt = (ctx.remote_value("format", "managed") or "").lower()
    transport = (ctx.remote_value("transport", "tcp") or "").lower()
    evidence = [f"{path}: format = {fmt}, transport = {transport}"]
    problems, values = [], {}
    if fmt == "ascii":
        problems.append("format = ascii sends text lines that an auditd receiver drops")
        values["format"] = "managed"
    elif fmt != "managed":
        problems.append(f"format = {fmt} does not exist (only managed and ascii do; encryption "
                        "is transport = KRB5, or TLS through rsyslog); audisp-remote exits with "
                        "status 6 on an unknown value")
        values["format"] = "managed"
    if transport not in ctx.layout.remote_transports:
        problems.append(f"transport = {transport} is not known to audit {ctx.facts.audit_version} "
                        f"(allowed: {', '.join(ctx.layout.remote_transports)})")
        values["transport"] = "tcp"
    if not problems:
        return Finding("remote-format", "format and transport", OK,
                       "format = managed: the receiver's auditd acknowledges each record.",
                       evidence, guide_row=8)
    return Finding("remote-format", "format and transport", PROBLEM,
                   sentence(problems), evidence, [FileEdit(path, set=values)],
                   "set " + ", ".join(f"{k} = {v}" for k, v in values.items()), guide_row=8)


def remote_server(ctx, wanted_server: Optional[str] = None) -> Optional[Finding]:
    if not _native_sender(ctx):
        return None
    path = ctx.layout.audisp_remote_conf
    server = ctx.remote_value("remote_server", "") or ""
    evidence = [f"{path}: remote_server = {server}"]
    if not server:
        fixes = [FileEdit(path, set={"remote_server": wanted_server})] if wanted_server else []
        return Finding("remote-server", "remote_server set and resolvable", PROBLEM,
                       "remote_server is empty: audisp-remote refuses to start without a "
                       "receiver. Give the receiver's name or address (step 4).", evidence, fixes,
                       f"set remote_server = {wanted_server}" if fixes else "")
    if is_ip(server):
        return Finding("remote-server", "remote_server set and resolvable", OK,
                       f"remote_server is the address {server}.", evidence)
    if ctx.sandbox:
        hosts = ctx.read("/etc/hosts") or ""
        if any(server in line.split()[1:] for line in hosts.splitlines() if not line.startswith("#")):
            return Finding("remote-server", "remote_server set and resolvable", OK,
                           f"{server} is in the sandbox's /etc/hosts.", evidence)
        return Finding("remote-server", "remote_server set and resolvable", SKIPPED,
                       f"sandbox: no DNS, so whether {server} resolves is not tested here.",
                       evidence)
    found, text = resolve(server)
    evidence.append(text)
    if found:
        return Finding("remote-server", "remote_server set and resolvable", OK,
                       "The receiver's name resolves.", evidence)
    return Finding("remote-server", "remote_server set and resolvable", PROBLEM,
                   f"{server} does not resolve on this host, so audisp-remote cannot connect. "
                   "Fix DNS or /etc/hosts, or use the receiver's address.", evidence)


def remote_reachable(ctx) -> Optional[Finding]:
    """The wizard's own TCP connection test (the guide's `telnet host 60`, row 15)."""
    if not _native_sender(ctx):
        return None
    server = ctx.remote_value("remote_server", "") or ""
    port = ctx.remote_port()
    title = "receiver's port reachable"
    if not server:
        return None
    if ctx.connect is None:
        return Finding("remote-reachable", title, SKIPPED,
                       f"sandbox: no network, so the connection to {server}:{port} is not "
                       "tested here; on a real host the wizard opens a TCP connection itself.",
                       [f"would connect to {server}:{port}"], guide_row=15)
    connected, text = ctx.connect(server, port, ctx.timeout)
    evidence = [f"TCP connect {server}:{port} (timeout {ctx.timeout:g} s): {text}"]
    if connected:
        return Finding("remote-reachable", title, OK,
                       f"{server} accepts connections on port {port}.", evidence, guide_row=15)
    return Finding("remote-reachable", title, PROBLEM,
                   f"{server}:{port} is not reachable: {text}. On the receiver check that auditd "
                   "listens (tcp_listen_port) and that firewalld lets this host in; a refused "
                   "connection means nothing listens, a timeout means a firewall drops it.",
                   evidence, guide_row=15)


def failure_actions(ctx) -> Optional[Finding]:
    if not _native_sender(ctx):
        return None
    path = ctx.layout.audisp_remote_conf
    action = (ctx.remote_value("network_failure_action", "stop") or "").lower()
    mode = (ctx.remote_value("mode", "immediate") or "").lower()
    fmt = (ctx.remote_value("format", "managed") or "").lower()
    queue_file = ctx.remote_value("queue_file", "/var/spool/audit/remote.log") or ""
    evidence = [f"{path}: network_failure_action = {action}, mode = {mode}, "
                f"queue_depth = {ctx.remote_value('queue_depth', '2048')}, queue_file = {queue_file}"]
    problems, values, level = [], {}, WARNING
    if action == "stop":
        problems.append("network_failure_action = stop (the default) ends audisp-remote at a "
                        "network failure; auditd starts it again with the next event at most "
                        "max_restarts (10) times, then forwarding stays off until auditd "
                        "restarts; `syslog` logs it and keeps trying")
        values["network_failure_action"] = "syslog"
    if mode == "forward" and fmt not in ("managed", "encrypted"):
        problems.append("mode = forward needs format = managed; audisp-remote refuses it")
        level = PROBLEM
    if mode == "forward" and not queue_file.startswith("/var/spool/audit/"):
        problems.append(f"queue_file {queue_file} is outside /var/spool/audit, where SELinux "
                        "lets audisp-remote write")
    if not problems:
        return Finding("failure-actions", "network failure and queue settings", OK,
                       f"network_failure_action = {action}; mode = {mode}.", evidence, guide_row=9)
    return Finding("failure-actions", "network failure and queue settings", level,
                   sentence(problems), evidence,
                   [FileEdit(path, set=values)] if values else [],
                   "set network_failure_action = syslog" if values else "", guide_row=9)


def name_format(ctx) -> Optional[Finding]:
    value = (ctx.auditd_value("name_format", "none") or "").lower()
    evidence = [f"{ctx.layout.auditd_conf}: name_format = {value}"]
    if value == "user" and not ctx.auditd_value("name"):
        return Finding("name-format", "events labelled with this host's name", PROBLEM,
                       "name_format = user needs a `name = ...` line; without it events carry "
                       "no node name.", evidence, [FileEdit(ctx.layout.auditd_conf,
                                                            set={"name_format": "hostname"})],
                       "set name_format = hostname", guide_row=3)
    if value != "none" or ctx.role == "receiver" or ctx.role is None:
        return Finding("name-format", "events labelled with this host's name", OK,
                       f"name_format = {value}.", evidence, guide_row=3)
    return Finding("name-format", "events labelled with this host's name", WARNING,
                   "name_format = none: forwarded events carry no node= label, so the receiver "
                   "cannot tell this host's events from any other's (the STIGs ask for "
                   "hostname, fqd or numeric).", evidence,
                   [FileEdit(ctx.layout.auditd_conf, set={"name_format": "hostname"})],
                   "set name_format = hostname", guide_row=3)
