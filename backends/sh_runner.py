"""Runs real commands on the real host through the `sh` package."""
from __future__ import annotations

import os
import shutil
from typing import Any, Dict, Optional, Sequence, Tuple

from backends.runner import CommandError, CommandResult


def _decode(data) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


# Commands are found in the system's folders only, never through the caller's PATH (a planted
# `rpm` earlier in PATH must not run as root), and run with that PATH too.
SAFE_PATH = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")


def _c_locale_env(path: Sequence[str]) -> Dict[str, str]:
    # Parsers read English messages ("is not installed", "already defined"): force the C locale.
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env["PATH"] = os.pathsep.join(path)
    return env


class ShRunner:
    """A Runner for "/" — every program is looked up when it is run, not at import, in `path`
    (the system's folders; a test may give its own)."""

    def __init__(self, path: Sequence[str] = SAFE_PATH) -> None:
        self.path = tuple(path)

    def run(self, argv: Sequence[str], *, ok_codes: Sequence[int] = (0,),
            timeout: float = 600, input: Optional[str] = None) -> CommandResult:
        import sh  # imported lazily: the sandbox and the tests never need it

        args: Tuple[str, ...] = tuple(str(a) for a in argv)
        if not args:
            raise CommandError(args, 127, reason="is empty")
        try:
            command = sh.Command(args[0], search_paths=list(self.path))
        except sh.CommandNotFound:
            raise CommandError(args, 127, stderr=f"{args[0]}: command not found") from None

        kwargs: Dict[str, Any] = dict(_env=_c_locale_env(self.path), _tty_out=False,
                                      _ok_code=list(ok_codes), _timeout=timeout,
                                      _return_cmd=True, _bg=False)
        if input is not None:
            kwargs["_in"] = input
        try:
            finished = command(*args[1:], **kwargs)
        except sh.ErrorReturnCode as err:
            raise CommandError(args, err.exit_code, stderr=_decode(err.stderr),
                               stdout=_decode(err.stdout)) from None
        except sh.TimeoutException:
            raise CommandError(args, -1, reason=f"timed out after {timeout:g} s") from None
        except sh.CommandNotFound:
            raise CommandError(args, 127, stderr=f"{args[0]}: command not found") from None
        except OSError as err:  # e.g. permission denied on exec
            raise CommandError(args, 126, stderr=str(err)) from None

        result = CommandResult(argv=args, exit_code=int(finished.exit_code),
                               stdout=_decode(finished.stdout), stderr=_decode(finished.stderr))
        if result.exit_code not in ok_codes:  # killed by a signal sh does not raise for
            raise CommandError(args, result.exit_code, stderr=result.stderr, stdout=result.stdout)
        return result

    def has_command(self, program: str) -> bool:
        return shutil.which(program, path=os.pathsep.join(self.path)) is not None
