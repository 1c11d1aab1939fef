"""Lines and keys audit's parsers refuse: `key=value` without spaces, tabs, comments after a
value, lines over 128 bytes, unknown keys (audit-facts.md §1e). One bad line makes auditd
refuse auditd.conf, or audisp-remote exit with status 6."""
from __future__ import annotations

from typing import List, Optional

from wizard.conf import _active_key
from wizard.doctor.checks_plugins import loaded_names
from wizard.doctor.model import OK, PROBLEM, WARNING, FileEdit, Finding

# An empty value the stock file ships with, reported by its own check (remote-server).
EMPTY_CHECKED_ELSEWHERE = ("remote_server",)


def _files(ctx) -> List[str]:
    paths = [ctx.layout.auditd_conf]
    if ctx.role == "sender" and ctx.method == "audisp-remote":
        paths.append(ctx.layout.audisp_remote_conf)
    paths += [f"{ctx.layout.plugin_dir}/{n}" for n in loaded_names(ctx)]
    return paths


def _file_findings(ctx, path: str) -> Optional[tuple]:
    conf = ctx.kv(path)
    if conf is None:
        return None
    accepted = ctx.layout.keys_for(path)
    lines, edit, unfixable = [], FileEdit(path), []
    repair, drop = [], []
    for problem in conf.parse_problems():
        if problem.reason == "no value after '='" and (_active_key(problem.text) or "").lower() \
                in EMPTY_CHECKED_ELSEWHERE:
            continue
        lines.append(f"{path} {problem}")
        key = _active_key(problem.text)
        if key and "=" in problem.text and "longer than" not in problem.reason:
            repair.append(key)
        elif key is None or problem.text.lstrip(" \t").startswith("#"):
            drop.append(problem.line_number)   # a long comment: its tail would be read as a line
        else:
            unfixable.append(problem.line_number)
    unknown = sorted({k for k, _ in conf.items() if accepted is not None and k not in accepted})
    for key in unknown:
        lines.append(f"{path}: unknown key `{key}` (audit {ctx.facts.audit_version} refuses the whole file)")
    edit.repair = tuple(dict.fromkeys(k for k in repair if k.lower() not in unknown))
    edit.remove = tuple(unknown)
    edit.drop_lines = tuple(drop)
    return lines, edit, unfixable


def syntax(ctx) -> Finding:
    evidence, fixes, unfixable = [], [], []
    checked = []
    for path in _files(ctx):
        found = _file_findings(ctx, path)
        if found is None:
            continue
        checked.append(path)
        lines, edit, bad = found
        evidence += lines
        if edit.repair or edit.remove or edit.drop_lines:
            fixes.append(edit)
        unfixable += [f"{path} line {n}" for n in bad]
    if not evidence:
        return Finding("config-syntax", "audit files readable by audit's parsers", OK,
                       "Every line is `key = value` with spaces, under 128 bytes, with keys "
                       f"audit {ctx.facts.audit_version} knows.", ["checked: " + ", ".join(checked)])
    text = ("audit's parsers split on single spaces only, need `=` as its own word, read at "
            "most 128 bytes per line and refuse a whole file for one unknown key: auditd then "
            "does not start (auditd.conf) or audisp-remote exits with status 6.")
    if unfixable:
        text += " Shorten by hand: " + ", ".join(unfixable) + "."
    return Finding("config-syntax", "audit files readable by audit's parsers", PROBLEM, text,
                   evidence, fixes, "rewrite the lines as `key = value`, remove unknown keys")


def sender_auditd_keys(ctx) -> Optional[Finding]:
    """enable_krb5 in a sender's auditd.conf: the guide's EL7 receiver switch (row 4)."""
    if ctx.role != "sender" or ctx.auditd_value("enable_krb5") is None:
        return None
    return Finding("auditd-conf-keys", "no receiver-only keys on the sender", WARNING,
                   "enable_krb5 in auditd.conf is the receiver's deprecated Kerberos switch; on a "
                   "sender it does nothing. Encryption of forwarded records is `transport = KRB5` "
                   "in audisp-remote.conf.",
                   [f"{ctx.layout.auditd_conf}: enable_krb5 = {ctx.auditd_value('enable_krb5')}"],
                   [FileEdit(ctx.layout.auditd_conf, remove=("enable_krb5",))],
                   "remove enable_krb5 from auditd.conf", guide_row=4)
