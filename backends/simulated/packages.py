"""rpm -q and dnf install/remove against state["packages"] / state["available"].

Installing writes the package's files (state["package_files"]) into the root; removing deletes
them again. Like rpm, a configuration file under etc/ that was edited is kept as <name>.rpmsave
on removal and an existing file is not overwritten on install (%config(noreplace))."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from backends.simulated.outcome import NotSimulated, Outcome, failed, ok

# Packages that are not built per architecture on EL.
NOARCH = {"firewalld", "selinux-policy-targeted", "policycoreutils-python-utils", "python3-audit"}
# The systemd units a package brings; the unit appears disabled and stopped after install.
PACKAGE_UNITS = {"audit": ["auditd"], "rsyslog": ["rsyslog"], "firewalld": ["firewalld"]}


def _arch(name: str) -> str:
    return "noarch" if name in NOARCH else "x86_64"


def _split_evr(version_release: str) -> Dict[str, str]:
    version, _, release = version_release.rpartition("-")
    return {"VERSION": version or version_release, "RELEASE": release}


def rpm(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    args = list(argv[1:])
    if not args or args[0] != "-q":
        raise NotSimulated()
    args = args[1:]
    fmt = None
    if args[:1] == ["--qf"] or args[:1] == ["--queryformat"]:
        if len(args) < 2:
            return failed(1, "rpm: --qf: missing argument\n")
        fmt, args = args[1], args[2:]
    if not args or any(a.startswith("-") for a in args):
        raise NotSimulated()
    missing = 0
    out: List[str] = []
    for name in args:
        evr = state["packages"].get(name)
        if evr is None:
            missing += 1
            out.append(f"package {name} is not installed\n")
            continue
        if fmt is None:
            out.append(f"{name}-{evr}.{_arch(name)}\n")
        else:
            out.append(_query_format(fmt, name, evr))
    # Real rpm exits with the number of packages that are not installed (4 for four).
    return Outcome(min(missing, 255), "".join(out), "")


def _query_format(fmt: str, name: str, evr: str) -> str:
    fields = dict(_split_evr(evr), NAME=name, ARCH=_arch(name))
    text = fmt.replace("\\n", "\n").replace("\\t", "\t")
    for key, value in fields.items():
        text = text.replace("%{" + key + "}", value)
    return text


def dnf(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    if len(argv) < 2 or argv[1] not in ("install", "remove"):
        raise NotSimulated()
    options = [a for a in argv[2:] if a.startswith("-")]
    names = [a for a in argv[2:] if not a.startswith("-")]
    if any(o not in ("-y", "--assumeyes") for o in options) or not names:
        raise NotSimulated()
    if not options:
        # dnf asks "Is this ok [y/N]:" and reads no answer from a pipe.
        return failed(1, "Operation aborted.\n", "Is this ok [y/N]: ")
    if argv[1] == "install":
        return _install(state, names, Path(root))
    return _remove(state, names, Path(root))


def _install(state: dict, names: List[str], root: Path) -> Outcome:
    unknown = [n for n in names if n not in state["packages"] and n not in state["available"]]
    if unknown:
        messages = "".join(f"No match for argument: {n}\n" for n in unknown)
        return failed(1, messages + f"Error: Unable to find a match: {' '.join(unknown)}\n")
    out: List[str] = []
    new = [n for n in dict.fromkeys(names) if n not in state["packages"]]
    for name in names:
        if name in state["packages"]:
            out.append(f"Package {name}-{state['packages'][name]}.{_arch(name)} is already installed.\n")
    if not new:
        return ok("".join(out) + "Dependencies resolved.\nNothing to do.\nComplete!\n")
    try:
        ops, warnings = _ops_for(state, new, root, _install_ops)
    except OutsideRoot as err:
        return failed(1, f"Error: Transaction test error:\n  {err}\n")
    out.append("Installed:\n")
    for name in new:
        evr = state["available"].pop(name)
        state["packages"][name] = evr
        for unit in PACKAGE_UNITS.get(name, []):
            state["services"].setdefault(unit, {"enabled": False, "active": False, "restarts": 0})
        out.append(f"  {name}-{evr}.{_arch(name)}\n")
    state.setdefault(PENDING, []).extend(ops)
    return ok("".join(out) + "\nComplete!\n", "".join(warnings))


def _remove(state: dict, names: List[str], root: Path) -> Outcome:
    present = [n for n in dict.fromkeys(names) if n in state["packages"]]
    if not present:
        messages = "".join(f"No match for argument: {n}\n" for n in names)
        return ok("Dependencies resolved.\nNothing to do.\nComplete!\n", messages + "No packages marked for removal.\n")
    out = ["Removed:\n"]
    try:
        ops, warnings = _ops_for(state, present, root, _remove_ops)
    except OutsideRoot as err:
        return failed(1, f"Error: Transaction test error:\n  {err}\n")
    for name in present:
        evr = state["packages"].pop(name)
        state["available"][name] = evr
        for unit in PACKAGE_UNITS.get(name, []):
            state["services"].pop(unit, None)
        out.append(f"  {name}-{evr}.{_arch(name)}\n")
    state.setdefault(PENDING, []).extend(ops)
    return ok("".join(out) + "\nComplete!\n", "".join(warnings))


# ---------------------------------------------------------------- package files
# dnf's file operations are recorded in the state (state[PENDING]) and saved with it, then
# carried out, then cleared: a kill in between leaves them recorded, and the next command
# finishes them first (finish_pending), so the files always match the package list.
PENDING = "pending_file_ops"


class OutsideRoot(Exception):
    pass


def _target(root: Path, relpath: str) -> Path:
    """root/relpath, refusing a path that a link leads out of the sandbox root."""
    target = Path(root) / relpath
    real = os.path.realpath(str(target))
    base = os.path.realpath(str(root))
    if real != base and not real.startswith(base + os.sep):
        raise OutsideRoot(f"/{relpath} leads out of the sandbox root (to {real}); not written")
    return target


def _chown_root(path: Path) -> None:
    if os.geteuid() == 0:  # a sandbox made by a normal user keeps that user as owner
        os.lchown(str(path), 0, 0)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _install_ops(root: Path, files: Dict[str, dict]) -> Tuple[List[list], List[str]]:
    ops: List[list] = []
    warnings: List[str] = []
    for relpath, spec in sorted(files.items()):
        target = _target(root, relpath)
        mode = int(spec.get("mode", 0o644))
        if spec.get("dir"):
            ops.append(["mkdir", relpath, mode])
            continue
        content = spec.get("content", "")
        if target.exists() and relpath.startswith("etc/"):   # %config(noreplace)
            if _read(target) != content:
                ops.append(["write", relpath + ".rpmnew", content, 0o644])
                warnings.append(f"warning: /{relpath} created as /{relpath}.rpmnew\n")
            continue
        ops.append(["write", relpath, content, mode])
    return ops, warnings


def _remove_ops(root: Path, files: Dict[str, dict]) -> Tuple[List[list], List[str]]:
    ops: List[list] = []
    warnings: List[str] = []
    # Deepest first, so a package directory is empty by the time it is looked at.
    for relpath, spec in sorted(files.items(), key=lambda item: item[0].count("/"), reverse=True):
        target = _target(root, relpath)
        if spec.get("dir"):
            ops.append(["rmdir", relpath])   # only when empty: other files are not the package's
            continue
        if not target.is_file():
            continue
        if relpath.startswith("etc/") and _read(target) != spec.get("content", ""):
            ops.append(["rpmsave", relpath])
            warnings.append(f"warning: /{relpath} saved as /{relpath}.rpmsave\n")
        else:
            ops.append(["unlink", relpath])
    return ops, warnings


def _ops_for(state: dict, names: List[str], root: Path, make) -> Tuple[List[list], List[str]]:
    ops: List[list] = []
    warnings: List[str] = []
    for name in names:
        more_ops, more_warnings = make(root, state["package_files"].get(name, {}))
        ops += more_ops
        warnings += more_warnings
    return ops, warnings


def _do(root: Path, op: list) -> None:
    """One file operation; doing it again after a kill gives the same result."""
    verb, relpath = op[0], op[1]
    target = _target(root, relpath)
    if verb == "mkdir":
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(str(target), int(op[2]))
        _chown_root(target)
    elif verb == "write":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(op[2], encoding="utf-8")
        os.chmod(str(target), int(op[3]))
        _chown_root(target)
    elif verb == "rmdir":
        try:
            target.rmdir()
        except OSError:
            pass
    elif verb == "unlink":
        try:
            target.unlink()
        except FileNotFoundError:
            pass
    elif verb == "rpmsave":
        if target.exists():
            os.replace(str(target), str(target) + ".rpmsave")


def finish_pending(root: Path, state: dict) -> bool:
    """Carry out the recorded file operations; True when there were any (save the state)."""
    ops = state.pop(PENDING, None)
    for op in ops or []:
        _do(Path(root), op)
    return bool(ops)


def write_package_files(root: Path, files: Dict[str, dict]) -> List[str]:
    """Lays out a package's files and dirs under root at once (building a sandbox); returns
    rpm-style warnings."""
    ops, warnings = _install_ops(Path(root), files)
    for op in ops:
        _do(Path(root), op)
    return warnings
