"""The headless subcommands behind wizard.cli: each returns an exit code or raises UserError."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

from wizard.errors import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, UserError


def resolve_root(root: Optional[str]) -> str:
    """A sandbox given with --root, or this host when it is a supported EL host and we are root."""
    if root:
        path = Path(root)
        if not (path / ".sandbox" / "state.json").is_file():
            raise UserError(f"--root {root}: not a sandbox root (no .sandbox/state.json); "
                            f"create one with `auditd-wizard demo-root {root}`", EXIT_REFUSED)
        return str(path.resolve())
    release = Path("/etc/os-release")
    text = release.read_text(errors="replace") if release.exists() else ""
    is_el = any(word in text for word in ('ID_LIKE="rhel', "ID_LIKE=rhel", 'ID="rhel"', "ID=rhel",
                                           'ID_LIKE="centos rhel', 'ID_LIKE="fedora'))
    if not is_el or os.geteuid() != 0:
        why = "this machine is not an AlmaLinux/RHEL-family host" if not is_el else "you are not root"
        raise UserError(f"{why}; try it on a sandbox: `auditd-wizard --demo`, or "
                        "`auditd-wizard demo-root DIR` and then `--root DIR`", EXIT_REFUSED)
    return "/"


def open_session(root: str, answers_path: Optional[str] = None):
    from backends.transaction import LockedError
    from wizard.answers import AnswersError
    from wizard.facts import UnsupportedHost
    from wizard.session import Session
    try:
        return Session.open(root, answers_path)
    except AnswersError as error:
        raise UserError([f"{answers_path}: {m}" for m in error.messages], EXIT_USAGE)
    except (UnsupportedHost, LockedError) as error:
        raise UserError(str(error), EXIT_REFUSED)


def _plan_or_fail(session):
    from wizard.security_plan import PlanError
    try:
        return session.plan()
    except PlanError as error:
        raise UserError(str(error), EXIT_USAGE)


def render_plan(session, plan) -> str:
    from wizard.steps import STEPS
    out = []
    for step in STEPS:
        step_plan = plan.steps[step.number]
        if not step_plan.has_changes:
            continue
        out.append(f"== Step {step.number}: {step.title}")
        for item in session.step_preview(step.number):
            if item.kind == "note":
                continue
            out.append(item.text.rstrip("\n") if item.kind == "diff" else f"# {item.title}\n{item.text.rstrip()}")
    if not out:
        return "Nothing to change: the host already matches these answers.\n"
    return "\n".join(out) + "\n"


def plan(root: str, answers_path: str) -> int:
    session = open_session(root, answers_path)
    sys.stdout.write(render_plan(session, _plan_or_fail(session)))
    return EXIT_OK


def _print_event(event) -> None:
    print(f"[{event.index + 1 if event.index is not None else '-'}/{event.total}] {event.text}",
          file=sys.stderr)


def apply(root: str, answers_path: str, yes: bool) -> int:
    from backends.transaction import LockedError
    session = open_session(root, answers_path)
    the_plan = _plan_or_fail(session)
    if the_plan.empty:
        print("Nothing to change: the host already matches these answers.")
        return EXIT_OK
    if not yes:
        sys.stdout.write(render_plan(session, the_plan))
        if not sys.stdin.isatty():
            raise UserError("not applied: confirm with --yes when not running on a terminal", EXIT_USAGE)
        if input(f"Apply these {len(the_plan.changes)} changes? [y/N] ").strip().lower() not in ("y", "yes"):
            print("Not applied; nothing was changed.")
            return EXIT_OK
    try:
        result = session.apply(on_event=_print_event)
    except LockedError as error:
        raise UserError(str(error), EXIT_REFUSED)
    if result.ok:
        print(f"Applied transaction {result.tx_id}. Undo with: auditd-wizard rollback {result.tx_id}"
              + (f" --root {root}" if root != "/" else ""))
        return EXIT_OK
    print(f"Failed: {result.error}", file=sys.stderr)
    print(f"Everything was restored (transaction {result.tx_id} rolled back).", file=sys.stderr)
    return EXIT_FAILED


def rollback(root: str, tx_id: Optional[str], last: bool) -> int:
    session = open_session(root)
    if last:
        applied = [t for t in session.history() if t.status == "applied"]
        if not applied:
            raise UserError("no applied transaction to roll back", EXIT_USAGE)
        tx_id = applied[0].id
    if not tx_id:
        raise UserError("name a transaction id (see `auditd-wizard history`) or use --last", EXIT_USAGE)
    try:
        result = session.rollback(tx_id, on_event=_print_event)
    except (KeyError, ValueError, FileNotFoundError) as error:
        raise UserError(f"rollback {tx_id}: {error}", EXIT_USAGE)
    if result.ok:
        print(f"Rolled back transaction {tx_id}.")
        return EXIT_OK
    print(f"Rollback of {tx_id} failed: {result.error}", file=sys.stderr)
    return EXIT_FAILED


def history(root: str) -> int:
    session = open_session(root)
    rows = session.history()
    if not rows:
        print("No transactions yet.")
    for tx in rows:
        print(f"{tx.id}  {tx.status:<12} {tx.n_changes:>3} changes  {tx.label}")
    return EXIT_OK


def answers(root: str, output: Optional[str]) -> int:
    session = open_session(root)
    text = session.answers_toml()
    for item in session.unrepresented:
        print(f"auditd-wizard: note: {item}", file=sys.stderr)
    if output:
        Path(output).write_text(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def schema() -> int:
    from wizard.answers import answers_schema
    print(json.dumps(answers_schema(), indent=2))
    return EXIT_OK


def demo_root(directory: str, os_name: str, broken: bool) -> int:
    from wizard.sandbox import make_demo_root
    path = Path(directory)
    if path.exists() and any(path.iterdir()):
        raise UserError(f"{directory}: exists and is not empty; give a new directory", EXIT_USAGE)
    make_demo_root(path, os_name, broken=broken)
    print(f"Created a {os_name} sandbox root in {path}. Try: auditd-wizard --root {path}")
    return EXIT_OK


def tui(root: str, answers_path: Optional[str], start_at: Optional[str], ascii_mode: bool) -> int:
    """The wizard. The Session opens in the App's worker after the first frame is drawn;
    an error while opening still ends here as a UserError with its exit code."""
    from wizard.app import run_app
    from wizard.steps import step_from_name
    step = None
    if start_at:
        try:
            step = step_from_name(start_at).number
        except ValueError as error:
            raise UserError(f"--start-at: {error}", EXIT_USAGE)
    return run_app(lambda: open_session(root, answers_path), start_at=step, ascii_mode=ascii_mode)
