"""Runs the checks and turns the chosen findings' fixes into one ordered list of Changes."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

from backends.changes import (
    Change,
    FileAttributes,
    InstallPackages,
    MoveFile,
    Restart,
    ServiceState,
    WriteFile,
)
from backends.runner import CommandError
from wizard.conf import KeyValueFile, _active_key, _active_value
from wizard.doctor import (
    checks_delivery,
    checks_logs,
    checks_network,
    checks_plugins,
    checks_receiver,
    checks_remote,
    checks_security,
    checks_service,
    checks_state,
    checks_syntax,
)
from wizard.doctor.context import CheckContext, Connector
from wizard.doctor.model import PROBLEM, FileEdit, Finding

Progress = Optional[Callable[[int, int, str], None]]

# Order = the order a person reads them: is it running, is it set up, does it get through.
CHECKS = (
    ("interrupted-transaction", checks_state.interrupted),
    ("auditd-service", checks_service.auditd_service),
    ("restart-method", checks_service.restart_method),
    ("packages", checks_service.remote_package),
    ("plugin-file", checks_plugins.remote_plugin),
    ("plugin-strays", checks_plugins.strays),
    ("el7-paths", checks_plugins.el7_leftovers),
    ("config-syntax", checks_syntax.syntax),
    ("auditd-conf-keys", checks_syntax.sender_auditd_keys),
    ("remote-format", checks_remote.remote_format),
    ("remote-server", None),   # needs the wanted server: see _run_one
    ("failure-actions", checks_remote.failure_actions),
    ("sender-recovery", checks_delivery.sender_recovery),
    ("name-format", checks_remote.name_format),
    ("receiver-listen", None),
    ("receiver-dead-connections", checks_delivery.receiver_dead_connections),
    ("selinux-port", checks_network.selinux_ports),
    ("firewall", None),        # needs the zone and the allowed senders of the answers
    ("kerberos-keytab", checks_security.keytab),
    ("rsyslog-dropins", checks_security.rsyslog),
    ("rsyslog-ossl-peers", checks_security.rsyslog_ossl_peers),
    ("plugin-running", checks_service.plugin_running),
    ("journal", checks_logs.journal),
    ("selinux-avc", checks_logs.avc),
    ("passwd", checks_logs.passwd),
    ("remote-reachable", checks_remote.remote_reachable),
)


def _run_one(ctx: CheckContext, name: str, function, answers) -> Optional[Finding]:
    if name == "remote-server":
        wanted = answers.remote.server if answers is not None else None
        return checks_remote.remote_server(ctx, wanted)
    if name == "receiver-listen":
        return checks_receiver.listen_port(ctx, answers.receiver.listen_port if answers else 60)
    if name == "firewall":
        return checks_network.firewall(ctx, answers)
    return function(ctx)


def diagnose(host, facts, role: Optional[str] = None, method: str = "audisp-remote",
             answers=None, connect: Optional[Connector] = None, timeout: float = 5.0,
             on_progress: Progress = None, only: Sequence[str] = ()) -> List[Finding]:
    """Every check that applies to this host, in reading order. A check that fails to run is
    reported as a problem of its own, never as a traceback."""
    ctx = CheckContext(host, facts, role=role, method=method, connect=connect, timeout=timeout)
    findings: List[Finding] = []
    chosen = [(n, f) for n, f in CHECKS if not only or n in only]
    for index, (name, function) in enumerate(chosen):
        if on_progress is not None:
            on_progress(index, len(chosen), name)
        try:
            finding = _run_one(ctx, name, function, answers)
        except (CommandError, OSError, ValueError) as error:
            finding = Finding(name, name, PROBLEM, f"The check could not run: {error}")
        if finding is not None:
            findings.append(finding)
    if on_progress is not None:
        on_progress(len(chosen), len(chosen), "done")
    return findings


# ------------------------------------------------------------------ fixes
def _repaired(conf: KeyValueFile, key: str) -> None:
    """Rewrite the key's line as `key = value` (tabs, missing spaces, a trailing comment)."""
    line = next((found for found in reversed(conf.lines)
                 if (_active_key(found) or "").lower() == key.lower()), None)
    if line is None:
        return
    value = _active_value(line).replace("\t", " ").split(" #", 1)[0].strip()
    value = " ".join(value.split())
    try:   # "\n": a CRLF line is what is being repaired (audit keeps the CR in the value)
        conf.set(_active_key(line) or key, value, line_ending="\n")
    except ValueError:
        pass   # a value audit cannot read back either; the finding says to edit it by hand


def _edited_text(text: str, edits: List[FileEdit]) -> str:
    conf = KeyValueFile.parse(text)
    drop = sorted({n for e in edits for n in e.drop_lines}, reverse=True)
    if drop:
        lines = list(conf.lines)
        for number in drop:
            if 0 < number <= len(lines):
                del lines[number - 1]
        conf = KeyValueFile.parse("\n".join(lines) + ("\n" if lines else ""))
    for edit in edits:
        for key in edit.repair:
            _repaired(conf, key)
        for key in edit.remove:
            conf.remove(key)
        for key, value in edit.set.items():
            conf.set(key, value)
    return conf.render()


_ORDER = (InstallPackages, WriteFile, MoveFile, FileAttributes)


def _rank(change: Change) -> int:
    for index, kind in enumerate(_ORDER):
        if isinstance(change, kind):
            return index
    return 5 if isinstance(change, ServiceState) else 4


def fix_changes(host, facts, findings: Sequence[Finding]) -> List[Change]:
    """The Changes that fix `findings`: edits of one file merged into one WriteFile, duplicates
    dropped, then one restart of auditd when it runs and an audit file changed."""
    edits: Dict[str, List[FileEdit]] = {}
    others: List[Change] = []
    seen = set()
    for finding in findings:
        for fix in finding.fixes:
            if isinstance(fix, FileEdit):
                edits.setdefault(fix.path, []).append(fix)
                continue
            key = repr(fix.to_dict())
            if key not in seen and not isinstance(fix, Restart):
                seen.add(key)
                others.append(fix)
    changes: List[Change] = []
    for path, file_edits in edits.items():
        text = host.read_text(path)
        if text is None:
            continue
        new = _edited_text(text, file_edits)
        if new != text:
            changes.append(WriteFile(path, new, group="9"))
    changes.extend(others)
    changes.sort(key=_rank)
    layout = facts.layout
    audit_paths = {layout.auditd_conf, layout.audisp_remote_conf}
    touches_audit = any(
        (isinstance(c, WriteFile) and (c.path in audit_paths or c.path.startswith(layout.plugin_dir + "/")))
        or (isinstance(c, MoveFile) and c.path.startswith(layout.plugin_dir + "/"))
        for c in changes) or any(isinstance(f, Restart) for fd in findings for f in fd.fixes)
    starts_auditd = any(isinstance(c, ServiceState) and c.name == "auditd" and c.active for c in changes)
    if touches_audit and not starts_auditd and _auditd_active(host):
        *stop, start = layout.restart_commands(facts.has_service)
        changes.append(Restart(start=start, stop=stop[0] if stop else None, group="9",
                               description="Restart auditd so it and audisp-remote read the fixed files"))
    return changes


def _auditd_active(host) -> bool:
    try:
        return host.runner.run(["systemctl", "is-active", "auditd"], ok_codes=tuple(range(256))).exit_code == 0
    except CommandError:
        return False
