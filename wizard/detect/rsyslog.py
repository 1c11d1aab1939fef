"""Reading back an rsyslog-method setup (wizard/plan/methods/rsyslog.py wrote it) for detect().

Sender: audit's syslog plugin (`plugins.d/syslog.conf`, `args = LOG_INFO LOG_LOCAL6`) and the
wizard's omfwd drop-in. Receiver: the wizard's imtcp drop-in. Values become answer fields;
whatever the answers cannot hold (a parameter the wizard does not write, another value for
one it fixes, forwarding or listening in someone else's drop-in) is reported, never dropped:
the drop-in is planned again from the detected answers and compared with the file.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from wizard import rainerscript
from wizard.conf import KeyValueFile
from wizard.detect.firewall import put_firewall
from wizard.detect.found import Found, as_int
from wizard.plan.methods import rsyslog_dropins

_FACILITY = re.compile(r'^\$syslogfacility-text\s*==\s*"([^"]*)"$', re.IGNORECASE)
# The per-sender file this wizard writes, and the one it wrote before (named by %HOSTNAME%)
_PER_HOST = (rsyslog_dropins.PER_HOST_DIR + "audit.log", "/%HOSTNAME:::secpath-replace%/audit.log")
_LEGACY = (re.compile(r"^\s*\$ModLoad\s+imtcp\b", re.IGNORECASE),
           re.compile(r"^\s*\$InputTCPServerRun\s+(\d+)", re.IGNORECASE),
           re.compile(r"^\s*[^#$\s]\S*\s+@@?\(?[^\s]+"))


def _dropin(host, layout, name: str) -> Tuple[str, Optional[rainerscript.Parsed]]:
    path = "%s/%s" % (layout.rsyslog_dropin_dir, name)
    text = host.read_text(path)
    return path, (rainerscript.parse(text) if text is not None else None)


def _tls_files(found: Found, parsed: rainerscript.Parsed, place: Optional[rainerscript.Statement]) -> None:
    """CA/cert/key: the global defaults the wizard writes (or the action's own, newer rsyslog)."""
    globals_ = parsed.named("global")
    for key, dotted in (("cafile", "security.ca_file"), ("certfile", "security.cert_file"),
                        ("keyfile", "security.key_file")):
        value = place.text("streamdriver." + key) if place is not None else None
        for g in globals_:
            value = value or g.text("defaultnetstreamdriver" + key)
        found.put(dotted, value, "%s %s" % (found.path, key))


def _driver(parsed: rainerscript.Parsed, own: Optional[str]) -> Optional[str]:
    for g in parsed.named("global"):
        own = own or g.text("defaultnetstreamdriver")
    return own.lower() if own else None


def _plugin_facility(host, layout) -> Tuple[bool, Optional[str], List[str]]:
    """(plugin active, facility from args, what args say that the answers cannot hold)."""
    text = host.read_text(layout.syslog_plugin_conf)
    if text is None:
        return False, None, []
    conf = KeyValueFile.parse(text)
    active = (conf.get("active") or "").strip().lower() == "yes"
    words = (conf.get("args") or "").split()
    where = "%s args = %s" % (layout.syslog_plugin_conf, " ".join(words))
    notes, facility = [], None
    for word in words:
        upper = word.upper()
        if upper.startswith("LOG_LOCAL"):
            facility = upper[4:].lower()
        elif upper != "LOG_INFO":
            notes.append("%s: %s is replaced when you apply (the wizard writes LOG_INFO and a "
                         "LOG_LOCALn facility)" % (where, word))
    if active and facility is None:
        notes.append("%s: no LOG_LOCALn facility (records go to facility user); the wizard "
                     "forwards one local facility" % where)
    return active, facility, notes


def read_sender(host, layout) -> Optional[Found]:
    path, parsed = _dropin(host, layout, rsyslog_dropins.SENDER_DROPIN)
    actions = parsed.named("action", type="omfwd") if parsed else []
    if parsed is None or not actions:
        return None
    found = Found("sender", path)
    action = actions[0]
    for extra in actions[1:]:
        found.unrepresented.append("%s line %d: a second omfwd action (to %s); applying keeps only the first"
                                   % (path, extra.line, extra.text("target")))
    found.put("remote.server", action.text("target"), path + " target")
    found.put("rsyslog.port", as_int(action.text("port")), path + " port")
    found.put("rsyslog.queue_max_disk", action.text("queue.maxdiskspace"), path + " queue.maxDiskSpace")
    active, facility, notes = _plugin_facility(host, layout)
    found.unrepresented += notes
    match = _FACILITY.match(action.condition or "")
    forwarded = match.group(1).lower() if match else None
    if action.condition is None:
        found.put("rsyslog.forward", "all", path + " (no facility filter)")
    if not active:
        found.unrepresented.append("%s is not active: audit records do not reach rsyslog"
                                   % layout.syslog_plugin_conf)
    if facility and forwarded and facility != forwarded:
        found.unrepresented.append("%s forwards facility %s, but audit's syslog plugin logs to %s: "
                                   "nothing is forwarded" % (path, forwarded, facility))
    found.put("rsyslog.facility", facility or forwarded, layout.syslog_plugin_conf + " args")
    if (action.text("streamdrivermode") or "0").strip() == "1":
        found.put("security.encryption", "tls", path + " StreamDriverMode")
        found.put("security.tls_driver", _driver(parsed, action.text("streamdriver")), path + " StreamDriver")
        _tls_files(found, parsed, action)
        peers = action.items("streamdriverpermittedpeers")
        if peers and [p.lower() for p in peers] != [(action.text("target") or "").lower()]:
            found.put("security.peer_names", peers, path + " StreamDriverPermittedPeers")
    return found


def read_receiver(host, layout) -> Optional[Found]:
    path, parsed = _dropin(host, layout, rsyslog_dropins.RECEIVER_DROPIN)
    inputs = parsed.named("input", type="imtcp") if parsed else []
    if parsed is None or not inputs:
        return None
    found = Found("receiver", path)
    found.put("rsyslog.port", as_int(inputs[0].text("port")), path + " input port")
    put_firewall(found, host, as_int(inputs[0].text("port")))
    for extra in inputs[1:]:
        found.unrepresented.append("%s line %d: a second imtcp input (port %s); applying keeps only the first"
                                   % (path, extra.line, extra.text("port")))
    for template in parsed.named("template"):
        text = template.text("string") or ""
        for per_host in _PER_HOST:
            if text.endswith(per_host):
                found.put("rsyslog.remote_dir", text[:-len(per_host)], path + " template")
    modules = parsed.named("module", load="imtcp")
    module = modules[0] if modules else None
    if module is not None and (module.text("streamdriver.mode") or "0").strip() == "1":
        found.put("security.encryption", "tls", path + " StreamDriver.Mode")
        found.put("security.tls_driver", _driver(parsed, module.text("streamdriver.name")),
                  path + " StreamDriver.Name")
        _tls_files(found, parsed, None)
        found.put("security.peer_names", module.items("permittedpeer"), path + " PermittedPeer")
    return found


# ---------------------------------------------------------------- what the answers cannot hold
def _identity(s: rainerscript.Statement) -> Tuple[str, str]:
    return s.name, (s.text("type") or s.text("load") or s.text("name") or "").lower()


def _same(a: rainerscript.Value, b: rainerscript.Value) -> bool:
    def norm(v):
        items = v if isinstance(v, list) else v.split(",")
        return [i.strip().lower() for i in items]
    return norm(a) == norm(b)


def differences(path: str, text: str, planned: str) -> List[str]:
    """Settings in `text` that planning again from the detected answers would not write."""
    actual, wanted = rainerscript.parse(text), rainerscript.parse(planned)
    notes = ["%s: %s" % (path, p) for p in actual.problems]
    # The n-th statement of a kind (two templates, two omfile actions) pairs with the n-th.
    by_identity: Dict[Tuple[str, str], List[rainerscript.Statement]] = {}
    for s in wanted.statements:
        by_identity.setdefault(_identity(s), []).append(s)
    seen: Dict[Tuple[str, str], int] = {}
    for s in actual.statements:
        label = "%s(%s)" % _identity(s)
        nth = seen[_identity(s)] = seen.get(_identity(s), -1) + 1
        pair = (by_identity.get(_identity(s)) or [])[nth:nth + 1]
        mine = pair[0] if pair else None
        if mine is None:
            notes.append("%s line %d: %s was not written by auditd-wizard; applying rewrites this file without it"
                         % (path, s.line, label))
            continue
        if (s.condition or "") != (mine.condition or ""):
            notes.append("%s line %d: %s runs under `if %s`; the wizard writes `if %s`"
                         % (path, s.line, label, s.condition, mine.condition))
        for key, value in s.params.items():
            expected = mine.params.get(key)
            if expected is None:
                notes.append("%s line %d: %s %s=%r; applying rewrites this file without it" % (path, s.line, label, key, value))
            elif not _same(value, expected):
                notes.append("%s line %d: %s %s=%r; applying writes %r"
                             % (path, s.line, label, key, value, expected))
    return notes


def foreign_dropins(host, layout) -> List[str]:
    """Forwarding or listening in drop-ins the wizard did not write."""
    folder = host.path(layout.rsyslog_dropin_dir)
    ours = (rsyslog_dropins.SENDER_DROPIN, rsyslog_dropins.RECEIVER_DROPIN, rsyslog_dropins.ACCESS_DROPIN)
    try:
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".conf") and p.name not in ours)
    except OSError:
        return []
    notes = []
    for name in names:
        path = "%s/%s" % (layout.rsyslog_dropin_dir, name)
        text = host.read_text(path) or ""
        parsed = rainerscript.parse(text)
        for s in parsed.named("action", type="omfwd"):
            notes.append("%s line %d: forwards with omfwd to %s:%s (not written by auditd-wizard; "
                         "left as it is)" % (path, s.line, s.text("target"), s.text("port") or "514"))
        for s in parsed.named("input", type="imtcp"):
            notes.append("%s line %d: listens with imtcp on port %s (not written by auditd-wizard; "
                         "left as it is)" % (path, s.line, s.text("port")))
        for number, line in enumerate(text.splitlines(), 1):
            if any(p.match(line) for p in _LEGACY):
                notes.append("%s line %d: legacy rsyslog forwarding/listening `%s` (not written "
                             "by auditd-wizard; left as it is)" % (path, number, line.strip()))
    return notes
