"""SimulatedRunner: the Runner of a sandbox root, a pretend AlmaLinux kept in one JSON file."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple, Union

from backends.atomic import remove_temp_files
from backends.runner import CommandError, CommandResult
from backends.simulated import firewall, packages, pki, processes, selinux, services
from backends.simulated.failures import take_failure
from backends.simulated.outcome import NotSimulated, Outcome, failed, ok
from backends.simulated.state import load_state, locked, save_state, state_path

Handler = Callable[[dict, Sequence[str], Path], Outcome]


def _hostname(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    name = state.get("hostname", "localhost")
    if len(argv) == 1:
        return ok(name + "\n")
    if list(argv[1:]) in (["-f"], ["--fqdn"]):
        return ok(state.get("fqdn", name) + "\n")
    if list(argv[1:]) in (["-s"], ["--short"]):
        return ok(name.split(".")[0] + "\n")
    raise NotSimulated()


def _getent(state: dict, argv: Sequence[str], root: Path) -> Outcome:
    """`getent hosts NAME`: this host's own names resolve (nss-myhostname does that on EL), so
    do localhost and the names in the sandbox's /etc/hosts; anything else exits 2 (not found)."""
    if len(argv) != 3 or argv[1] != "hosts":
        raise NotSimulated()
    name = argv[2]
    own = {state.get("hostname", "localhost"), state.get("fqdn", ""), "localhost",
           state.get("hostname", "").split(".")[0]}
    hosts = root / "etc" / "hosts"
    listed: Dict[str, str] = {}     # name -> its address
    if hosts.is_file():
        for line in hosts.read_text(errors="replace").splitlines():
            words = line.split("#", 1)[0].split()
            for alias in words[1:]:
                listed.setdefault(alias, words[0])
    if name in listed:
        return ok(f"{listed[name]:<15} {name}\n")
    if name in own - {""}:
        return ok(f"{'127.0.1.1':<15} {name}\n")
    return failed(2, "")


HANDLERS: Dict[str, Handler] = {
    "rpm": packages.rpm,
    "dnf": packages.dnf,
    "systemctl": services.systemctl,
    "service": services.service,
    "auditctl": services.auditctl,
    "getenforce": selinux.getenforce,
    "semanage": selinux.semanage,
    "restorecon": selinux.restorecon,
    "firewall-cmd": firewall.firewall_cmd,
    "hostname": _hostname,
    "getent": _getent,
    "pgrep": processes.pgrep,
    "ss": processes.ss,
    "journalctl": processes.journalctl,
    "ausearch": processes.ausearch,
    "openssl": pki.openssl,
    "rm": pki.rm,
}


def _setup(state: dict) -> str:
    """The pretend host's state less its command log, to tell whether a command changed it."""
    return json.dumps({k: v for k, v in state.items() if k != "log"}, sort_keys=True)


class SimulatedRunner:
    """Emulates the commands the wizard runs against <root>/.sandbox/state.json.
    Every command is logged in state["log"]; failures can be injected (see failures.py)."""

    def __init__(self, root: Union[str, Path]) -> None:
        self.root = Path(root)

    def state(self) -> dict:
        """A fresh copy of the pretend host's state (for tests and diagnostics)."""
        return load_state(self.root)

    def run(self, argv: Sequence[str], *, ok_codes: Sequence[int] = (0,),
            timeout: float = 600, input: Optional[str] = None) -> CommandResult:
        args: Tuple[str, ...] = tuple(str(a) for a in argv)
        if not args:
            raise CommandError(args, 127, reason="is empty")
        if not state_path(self.root).is_file():
            raise CommandError(args, 127, reason=f"cannot run: {self.root} is not a sandbox root "
                                                  f"(no {state_path(self.root).name} in .sandbox)")
        with locked(self.root):
            remove_temp_files(state_path(self.root).parent)   # of a save killed half-way
            state = load_state(self.root)
            if packages.finish_pending(self.root, state):   # a dnf killed half-way
                try:
                    save_state(self.root, state)
                except OSError:
                    pass   # done again by the next command; doing them twice changes nothing
            unchanged = _setup(state)
            outcome, simulated = self._outcome(state, args)
            state["log"].append(list(args))
            try:
                save_state(self.root, state)
            except OSError as err:
                # A full disk: a command that changed nothing still answers (only its log
                # line is lost, like a journal that cannot be written); one that changed
                # the pretend host fails as it would, and changed nothing.
                if _setup(state) != unchanged:
                    raise CommandError(args, 1, stderr=f"Error: {err.strerror or err}\n") from None
            if packages.finish_pending(self.root, state):
                try:
                    save_state(self.root, state)
                except OSError:
                    pass   # the operations stay recorded; the next command finishes them again
        if not simulated:
            raise CommandError(args, 127, stderr=outcome.stderr,
                               reason="is not simulated in the sandbox (exit 127)")
        if outcome.exit_code == 127 or outcome.exit_code not in ok_codes:
            raise CommandError(args, outcome.exit_code, stderr=outcome.stderr, stdout=outcome.stdout)
        return CommandResult(argv=args, exit_code=outcome.exit_code,
                             stdout=outcome.stdout, stderr=outcome.stderr)

    def tidy(self) -> None:
        """What a kill may have left half-done (a temp file of the state, dnf's file operations)
        is finished or removed, as the next command would (the wizard calls it at start)."""
        if not state_path(self.root).is_file():
            return
        with locked(self.root):
            remove_temp_files(state_path(self.root).parent)
            state = load_state(self.root)
            if packages.finish_pending(self.root, state):
                try:
                    save_state(self.root, state)
                except OSError:
                    pass

    def has_command(self, program: str) -> bool:
        return os.path.basename(program) not in load_state(self.root)["missing_commands"]

    def _outcome(self, state: dict, args: Tuple[str, ...]) -> Tuple[Outcome, bool]:
        program = os.path.basename(args[0])
        if program in state["missing_commands"]:
            return failed(127, f"{program}: command not found\n"), True
        injected = take_failure(state, args)
        if injected is not None:
            return injected, True
        handler = HANDLERS.get(program)
        try:
            if handler is None:
                raise NotSimulated()
            return handler(state, args, self.root), True
        except NotSimulated:
            return failed(127, f"{program}: this command form is not simulated\n"), False
