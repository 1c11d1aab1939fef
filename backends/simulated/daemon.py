"""What the pretend auditd makes of the files in the root when it (re)starts.

A real auditd reads auditd.conf and the plugin directory at start, and audisp-remote reads
its own file once (audit-facts.md §1e, §3). The sandbox does the same: every start or restart
of auditd takes a snapshot of what would now run, what it would log
to the journal and which SELinux denials it would meet (in .sandbox/auditd-loaded.json). `pgrep`, `ss`, `journalctl` and
`ausearch -m AVC` answer from that snapshot, so a fix shows only after a restart, as on a
real host. The sandbox has no network: a correctly configured audisp-remote just runs.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

AUDITD_CONF = "etc/audit/auditd.conf"
PLUGIN_DIR = "etc/audit/plugins.d"
REMOTE_CONF = "etc/audit/audisp-remote.conf"
AUDIT_PORT = 60
# Runtime, not configuration: kept beside state.json so comparisons of the pretend host's
# set-up (before/after a rollback) are not disturbed by what the daemon last logged.
LOADED_RELPATH = Path(".sandbox") / "auditd-loaded.json"
_REMOTE_KEYS = set("""remote_server port local_port transport mode queue_file queue_depth format
    network_retry_time max_tries_per_record max_time_per_record heartbeat_timeout enable_krb5
    krb5_principal krb5_client_name krb5_key_file network_failure_action disk_low_action
    disk_full_action disk_error_action remote_ending_action generic_error_action
    generic_warning_action queue_error_action overflow_action startup_failure_action""".split())
_PLUGIN_KEYS = {"active", "direction", "path", "type", "args", "format"}


def _version(state: dict) -> Tuple[int, ...]:
    text = state.get("packages", {}).get("audit", "0").split("-")[0]
    return tuple(int(n) for n in re.findall(r"\d+", text))


def parse(text: str) -> Tuple[Dict[str, str], List[Tuple[int, str]]]:
    """Audit's strict parser: words split on the space character only, `=` its own word.
    Returns (values, [(line number, problem)])."""
    values: Dict[str, str] = {}
    errors: List[Tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        words = [w for w in line.split(" ") if w]
        if not words or words[0].startswith("#"):
            continue
        if len(words) == 2 and words[1] == "=":
            values[words[0].lower()] = ""   # `remote_server =`: set, and empty
            continue
        if len(words) < 3 or words[1] != "=":
            errors.append((number, "Wrong number of arguments"))
            continue
        values[words[0].lower()] = " ".join(words[2:])
    return values, errors


def _read(root: Path, relpath: str) -> Optional[str]:
    try:
        return (root / relpath).read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _port_type(state: dict, port: int) -> Optional[str]:
    key = f"tcp/{port}"
    selinux = state.get("selinux", {})
    for entry in selinux.get("local_ports", []):
        if entry.get("port") == key:
            return entry.get("type")
    return selinux.get("ports", {}).get(key)


def _denied(state: dict, port: int) -> bool:
    return (state.get("selinux", {}).get("mode") == "Enforcing"
            and _port_type(state, port) != "audit_port_t")


def _avc(state: dict, loaded: dict, domain: str, perm: str, port: int, comm: str) -> str:
    serial = 100 + len(loaded["avc"])
    return (f"type=AVC msg=audit(1735689600.000:{serial}): avc:  denied  {{ {perm} }} for  "
            f"pid={700 + serial} comm=\"{comm}\" {'dest' if perm == 'name_connect' else 'src'}={port} "
            f"scontext=system_u:system_r:{domain}:s0 "
            f"tcontext=system_u:object_r:{_port_type(state, port) or 'unreserved_port_t'}:s0 "
            "tclass=tcp_socket permissive=0")


def _loaded_plugins(root: Path, state: dict, journal: List[dict]) -> List[Tuple[str, str]]:
    """(file name, binary path) of every active plugin auditd would start: any non-hidden
    regular file in plugins.d with at most one dot (audispd.c load_plugin_conf)."""
    folder = root / PLUGIN_DIR
    started = []
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    for name in names:
        if name.startswith(".") or name.count(".") > 1 or not (folder / name).is_file():
            continue
        values, errors = parse(_read(root, f"{PLUGIN_DIR}/{name}") or "")
        if errors or set(values) - _PLUGIN_KEYS:
            journal.append(_entry("auditd", 3, f"Skipping {name} plugin due to errors"))
            continue
        if values.get("active", "no").lower() != "yes":
            continue
        path = values.get("path", "")
        if values.get("type", "").lower() == "builtin" and _version(state) >= (3, 1, 1):
            journal.append(_entry("auditd", 4, f"Option builtin is obsolete - using always ({name})"))
        if not path.startswith("/") or not (root / path.lstrip("/")).exists():
            journal.append(_entry("auditd", 3, f"Skipping {name} plugin due to errors "
                                               f"(no program at {path or '(empty path)'})"))
            continue
        started.append((name, path))
    return started


def _entry(identifier: str, priority: int, message: str) -> dict:
    return {"identifier": identifier, "priority": priority, "message": message}


def _remote_errors(root: Path) -> List[str]:
    text = _read(root, REMOTE_CONF)
    if text is None:
        return ["Error opening config file /etc/audit/audisp-remote.conf"]
    values, errors = parse(text)
    problems = [f"Wrong number of arguments for line {n} in /etc/audit/audisp-remote.conf"
                for n, _ in errors]
    problems += [f"Keyword \"{k}\" not found in /etc/audit/audisp-remote.conf"
                 for k in sorted(set(values) - _REMOTE_KEYS)]
    fmt = values.get("format", "managed").lower()
    if fmt not in ("managed", "ascii"):
        problems.append(f"Option {fmt} not found for format in /etc/audit/audisp-remote.conf")
    if values.get("transport", "tcp").lower() not in ("tcp", "krb5"):
        problems.append(f"Option {values['transport']} not found for transport")
    if not values.get("remote_server"):
        problems.append("remote_server is empty in /etc/audit/audisp-remote.conf")
    return problems


def _remote_port(root: Path) -> int:
    values, _ = parse(_read(root, REMOTE_CONF) or "")
    port = values.get("port", str(AUDIT_PORT))
    return int(port) if port.isdigit() else AUDIT_PORT


def load(root: Path, state: dict) -> dict:
    """Take the snapshot of a fresh start of auditd (call on start/restart)."""
    # The denials ausearch calls "recent" are those of this start: older ones aged out.
    loaded: Dict[str, Any] = {"processes": [], "listen_port": None, "journal": [], "avc": []}
    try:
        _start(root, state, loaded)
    finally:
        _write_loaded(root, loaded)
    return loaded


def _read_loaded(root: Path) -> Optional[dict]:
    try:
        return json.loads((Path(root) / LOADED_RELPATH).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _write_loaded(root: Path, loaded: dict) -> None:
    from backends.atomic import atomic_write
    data = json.dumps(loaded, indent=1, sort_keys=True).encode("utf-8") + b"\n"
    path = Path(root) / LOADED_RELPATH
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data, mode=0o600)
    except OSError:
        pass  # a runtime snapshot only: a command never fails because it cannot be kept


def _start(root: Path, state: dict, loaded: dict) -> None:
    journal = loaded["journal"]
    auditd_text = _read(root, AUDITD_CONF) or ""
    values, errors = parse(auditd_text)
    if errors:
        for number, _ in errors:
            journal.append(_entry("auditd", 3, f"Wrong number of arguments for line {number} "
                                               "in /etc/audit/auditd.conf"))
        journal.append(_entry("auditd", 3, "The audit daemon is exiting."))
        state["services"]["auditd"]["active"] = False
        return
    listen = values.get("tcp_listen_port")
    if listen and listen.isdigit():
        if _denied(state, int(listen)):
            loaded["avc"].append(_avc(state, loaded, "auditd_t", "name_bind", int(listen), "auditd"))
            journal.append(_entry("auditd", 3, f"Cannot bind to port {listen}: Permission denied"))
        else:
            loaded["listen_port"] = int(listen)
    for _name, path in _loaded_plugins(root, state, journal):
        program = path.rsplit("/", 1)[-1]
        if program == "audisp-remote":
            problems = _remote_errors(root)
            if problems:
                journal.extend(_entry("audisp-remote", 3, p) for p in problems)
                journal.append(_entry("auditd", 3, f"plugin {path} terminated unexpectedly"))
                continue
            port = _remote_port(root)
            if _denied(state, port):
                loaded["avc"].append(_avc(state, loaded, "audisp_remote_t", "name_connect", port,
                                          "audisp-remote"))
                journal.append(_entry("audisp-remote", 3, f"Error connecting to port {port}: "
                                                          "Permission denied"))
        loaded["processes"].append(program)


def loaded(root: Path, state: dict) -> dict:
    """The current snapshot (taken now if auditd never started in this sandbox)."""
    return _read_loaded(root) or load(root, state)


def invocation_id(state: dict) -> str:
    """systemd's InvocationID of auditd.service: a new one at each start (a counter here, kept
    in services.auditd like the restart counts, so a rolled-back sandbox compares equal)."""
    auditd = state["services"].get("auditd", {})
    runs = int(auditd.get("restarts", 0)) + int(auditd.get("starts", 0))
    return "%032x" % (0x5a17 << 64 | runs)
