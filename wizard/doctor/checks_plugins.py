"""The plugin directory: the remote plugin file, files auditd loads by accident, and files
left where EL8+ never looks (audit-facts.md §1c, seed-errors rows 5, 6, 7, 17)."""
from __future__ import annotations

from typing import List, Optional

from backends.changes import FileAttributes
from wizard.doctor.model import OK, PROBLEM, WARNING, FileEdit, Finding, Fix, sentence
from wizard.doctor.set_aside import set_aside

KNOWN_PLUGINS = ("af_unix.conf", "au-remote.conf", "syslog.conf", "audispd-zos-remote.conf",
                 "sedispatch.conf")


def loaded_names(ctx) -> List[str]:
    """What auditd loads from plugins.d: every non-hidden name with at most one dot; from audit
    4.0.3 on, only regular files whose name has no dot or ends in .conf."""
    names = [n for n in ctx.plugin_files() if not n.startswith(".") and n.count(".") <= 1]
    if not ctx.layout.plugins_need_conf_suffix:
        return names
    folder = ctx.host.path(ctx.layout.plugin_dir)
    return [n for n in names if ("." not in n or n.endswith(".conf"))
            and (folder / n).is_file() and not (folder / n).is_symlink()]


def remote_plugin(ctx) -> Optional[Finding]:
    if ctx.role != "sender" or ctx.method != "audisp-remote":
        return None
    path = ctx.layout.au_remote_conf
    conf = ctx.kv(path)
    if conf is None:
        return Finding("plugin-file", "au-remote.conf active and well-formed", PROBLEM,
                       f"{path} is missing: install audispd-plugins, then activate it.",
                       [f"{path}: no such file"], guide_row=5)
    values = {k: conf.get(k) for k in ("active", "type", "path")}
    evidence = [f"{path}: " + ", ".join(f"{k} = {v}" for k, v in values.items())]
    wanted = {"active": "yes", "type": ctx.layout.plugin_type, "path": ctx.layout.audisp_remote_bin}
    wrong = {k: v for k, v in wanted.items() if (values[k] or "").lower() != v.lower()}
    problems: List[str] = []
    fixes: List[Fix] = []
    if wrong:
        fixes.append(FileEdit(path, set=wrong))
        if "active" in wrong:
            problems.append("the plugin is not active, so auditd never starts audisp-remote")
        if "type" in wrong:
            problems.append(f"type = {values['type']}: `builtin` is obsolete (from audit 3.1.1 it "
                            "is forced to always with a warning; before, it looks for a built-in "
                            "that does not exist); the type is `always`")
        if "path" in wrong:
            problems.append(f"path = {values['path']}: the program is {wanted['path']}")
    attrs = ctx.host.stat(path)
    if attrs and (attrs.uid != 0 or attrs.mode & 0o002):
        problems.append(f"the file is owner {attrs.uid}, mode {attrs.mode:04o}: auditd skips a "
                        "plugin file that is not root-owned or is world-writable")
        fixes.append(FileAttributes(path, mode=attrs.mode & ~0o022, uid=0, gid=0, group="9"))
    binary = ctx.host.stat(ctx.layout.audisp_remote_bin)
    evidence.append(f"{ctx.layout.audisp_remote_bin}: " + (
        "missing" if binary is None else f"owner {binary.uid}, mode {binary.mode:04o}"))
    if binary is None:
        problems.append(f"{ctx.layout.audisp_remote_bin} does not exist (install audispd-plugins)")
    elif binary.uid != 0 or binary.mode & 0o750 != 0o750:
        problems.append("auditd runs a plugin program only when it is root-owned and at least "
                        "mode 0750")
        fixes.append(FileAttributes(ctx.layout.audisp_remote_bin, mode=binary.mode | 0o750,
                                    uid=0, gid=0, group="9"))
    if not problems:
        return Finding("plugin-file", "au-remote.conf active and well-formed", OK,
                       "auditd starts audisp-remote from this file.", evidence, guide_row=6)
    return Finding("plugin-file", "au-remote.conf active and well-formed", PROBLEM,
                   sentence(problems), evidence, fixes,
                   "set " + ", ".join(f"{k} = {v}" for k, v in wrong.items()) if wrong
                   else "fix the owner and mode", guide_row=6)


def strays(ctx) -> Finding:
    """Backups and second copies that auditd loads as plugins too."""
    names = ctx.plugin_files()
    loaded = loaded_names(ctx)
    rule = ("regular files named *.conf or without a dot" if ctx.layout.plugins_need_conf_suffix
            else "at most one dot in the name")
    evidence = [f"{ctx.layout.plugin_dir}: " + (", ".join(names) or "(empty)"),
                f"loaded by audit {ctx.facts.audit_version} ({rule}): " + (", ".join(loaded) or "none")]
    stray = [n for n in loaded if not n.endswith(".conf")]
    # A second active file that starts the remote program (the guide's audisp-remote.conf).
    remote_bin = ctx.layout.audisp_remote_bin.rsplit("/", 1)[-1]
    for name in loaded:
        if name in KNOWN_PLUGINS or name in stray:
            continue
        conf = ctx.kv(f"{ctx.layout.plugin_dir}/{name}")
        if conf is not None and (conf.get("path") or "").endswith("/" + remote_bin):
            stray.append(name)
    if not stray:
        return Finding("plugin-strays", "no stray files in plugins.d", OK,
                       "Every file auditd loads from plugins.d is a plugin file it should load.",
                       evidence, guide_row=17)
    return Finding(
        "plugin-strays", "no stray files in plugins.d", PROBLEM,
        f"audit {ctx.facts.audit_version} loads every file in plugins.d with {rule}, so "
        f"{', '.join(stray)} {'is' if len(stray) == 1 else 'are'} read as plugins too: a backup "
        "of au-remote.conf or a second file for audisp-remote starts the program twice or with "
        "old settings. Move them out of plugins.d (a backup kept there needs two dots, like "
        "au-remote.conf.bak.1).", evidence,
        [set_aside(f"{ctx.layout.plugin_dir}/{n}") for n in stray],
        "move " + ", ".join(stray) + " to /var/lib/auditd-wizard/set-aside", guide_row=17)


EL7_FILES = ("/etc/audisp/audisp-remote.conf", "/etc/audisp/plugins.d/au-remote.conf",
             "/etc/audisp/plugins.d/audisp-remote.conf", "/etc/audisp/audispd.conf")


def el7_leftovers(ctx) -> Optional[Finding]:
    found = [p for p in EL7_FILES if ctx.host.stat(p) is not None]
    if not found:
        return None
    return Finding(
        "el7-paths", "no settings in EL7 paths", WARNING,
        f"{', '.join(found)}: EL8 and later never read /etc/audisp; settings there have no "
        f"effect. audisp-remote reads {ctx.layout.audisp_remote_conf} and the plugin file is "
        f"{ctx.layout.au_remote_conf}.", [f"{p}: exists" for p in found],
        [set_aside(p) for p in found], "move them to /var/lib/auditd-wizard/set-aside",
        guide_row=7)
