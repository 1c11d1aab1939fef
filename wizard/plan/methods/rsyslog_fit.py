"""How the wizard's rsyslog drop-in fits the rest of the rsyslog configuration (issue #10
item 5e), read whole with wizard.rsyslog_config. Seen with real rsyslogd 8.2302 (`-N1` exits 1
on each):
- a second `module(load="imtcp")` is refused ("module 'imtcp' already in this config"); when it
  carries the TLS settings they are dropped ("parameter 'StreamDriver.Mode' not known") and the
  listener takes plaintext from anyone; an `input(type="imtcp")` before imtcp is loaded is
  refused ("input module name 'imtcp' is unknown");
- a global() parameter set twice is refused ("specified more than once"), even to the same value;
  the legacy `$DefaultNetstreamDriver...` next to a global() is accepted, one silently winning.
So: a parameter another file already sets to the same value is left out of the drop-in, an
imtcp loaded earlier without TLS settings serves a plaintext listener; anything else that
disagrees is refused, naming the file and line and what to change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Mapping, Optional

from wizard import rsyslog_config
from wizard.plan.errors import PlanError
from wizard.rsyslog_config import FILE_START, Found

GLOBAL_TLS = ("defaultnetstreamdriver", "defaultnetstreamdrivercafile",
              "defaultnetstreamdrivercertfile", "defaultnetstreamdriverkeyfile")


@dataclass
class Fit:
    skip_globals: FrozenSet[str] = frozenset()   # global() parameters set elsewhere, equal
    load_imtcp: bool = True
    imjournal: Optional[Found] = None            # imjournal loaded before the drop-in
    notes: List[str] = field(default_factory=list)


def wanted_globals(answers) -> Dict[str, str]:
    s = answers.security
    if s.encryption != "tls":
        return {}
    return dict(zip(GLOBAL_TLS, (s.tls_driver, s.ca_file, s.cert_file, s.key_file)))


def _same(key: str, a: str, b: str) -> bool:
    return a.lower() == b.lower() if key == "defaultnetstreamdriver" else a == b


def _legacy(found: Found, directive: str) -> bool:
    return found.statement.name == "legacy" and found.statement.text("directive") == directive


def _loads_imtcp(found: Found) -> bool:
    s = found.statement
    return (s.name == "module" and (s.text("load") or "").lower() == "imtcp") or \
        (_legacy(found, "modload") and (s.text("value") or "").lower() == "imtcp")


def _imtcp_port(found: Found) -> Optional[str]:
    s = found.statement
    if s.name == "input" and (s.text("type") or "").lower() == "imtcp":
        return s.text("port")
    return s.text("value") if _legacy(found, "inputtcpserverrun") else None


def fit(files: Mapping[str, Optional[str]], answers, path: str, own: tuple) -> Fit:
    """How the drop-in at `path` fits; `own` are the wizard's drop-ins (not compared: they are
    the wizard's to rewrite or remove). Raises PlanError on a conflict."""
    if files.get(rsyslog_config.MAIN) is None:
        return Fit()        # rsyslog is not installed yet: its packaged configuration comes
    placed = dict(files)
    placed[path] = ""       # where the drop-in will stand
    found = rsyslog_config.walk(placed)
    starts = [i for i, f in enumerate(found) if f.statement.name == FILE_START and f.path == path]
    if not starts:
        raise PlanError("rsyslog: %s does not include %s (no include() or $IncludeConfig names "
                        "it), so rsyslogd would never read the wizard's drop-in; add "
                        "include(file=\"%s/*.conf\" mode=\"optional\") to it"
                        % (rsyslog_config.MAIN, path, path.rsplit("/", 1)[0]))
    at = starts[0]
    others = [(i, f) for i, f in enumerate(found) if f.path not in own and f.statement.line]
    result = Fit()
    problems: List[str] = []
    _globals(answers, others, result, problems)
    if answers.role == "receiver":
        _imtcp(answers, others, at, result, problems)
    result.imjournal = next((f for i, f in others if i < at and f.statement.name == "module"
                             and (f.statement.text("load") or "").lower() == "imjournal"), None)
    if problems:
        raise PlanError("rsyslog: " + "; ".join(problems))
    return result


def _globals(answers, others, result: Fit, problems: List[str]) -> None:
    wanted, skip = wanted_globals(answers), set()
    for _i, f in others:
        s = f.statement
        if s.name == "global":
            pairs = [(k, v) for k, v in s.params.items() if k in wanted]
        elif s.name == "legacy" and s.text("directive") in wanted:
            pairs = [(s.text("directive"), s.text("value"))]
        else:
            continue
        for key, value in pairs:
            value = value if isinstance(value, str) else ",".join(value)
            if not _same(key, value, wanted[key]):
                problems.append("%s sets %s to %r, the answers need %r (rsyslog has one "
                                "default netstream driver and one set of its files); make them "
                                "agree in that file or in the answers" % (f.where, key, value, wanted[key]))
            elif s.name == "global":
                skip.add(key)      # a second global() setting it is refused, even when equal
    if skip:
        result.notes.append("rsyslog: %s already set by another global(); the drop-in leaves "
                            "them out (rsyslogd refuses a parameter set twice)" % ", ".join(sorted(skip)))
    result.skip_globals = frozenset(skip)


def _imtcp(answers, others, at: int, result: Fit, problems: List[str]) -> None:
    port = str(answers.rsyslog.port)
    for _i, f in others:
        if _imtcp_port(f) == port:
            problems.append("%s already listens on port %s with imtcp; choose another "
                            "rsyslog.port or remove that input" % (f.where, port))
    loads = [(i, f) for i, f in others if _loads_imtcp(f)]
    if not loads:
        return
    i, f = loads[0]
    tls_params = [k for k in f.statement.params if k.startswith("streamdriver") or k == "permittedpeer"]
    if answers.security.encryption == "tls":
        problems.append("%s loads imtcp already: rsyslogd loads a module once, so it would drop "
                        "the drop-in's TLS settings (\"module 'imtcp' already in this config\", "
                        "\"parameter 'StreamDriver.Mode' not known\") and accept plaintext from "
                        "anyone on port %s; comment out that module() line (and its input(), "
                        "if nothing needs it) and plan again" % (f.where, port))
    elif i > at:
        problems.append("%s loads imtcp after the drop-in is read: rsyslogd refuses the "
                        "drop-in's input(type=\"imtcp\") before imtcp is loaded and the second "
                        "load; move that module() line before the include of the drop-ins"
                        % f.where)
    elif tls_params:
        problems.append("%s loads imtcp with %s: the drop-in's plain listener would get those "
                        "TLS settings too" % (f.where, ", ".join(tls_params)))
    else:
        result.load_imtcp = False
        result.notes.append("rsyslog: imtcp is loaded by %s; the drop-in only adds its input "
                            "(rsyslogd refuses a second module(load=\"imtcp\"))" % f.where)
