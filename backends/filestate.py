"""What is at a path, as the journal records it and `verify` compares it (like `rpm -V`):
type, link target, content hash and size, mode, owner."""
from __future__ import annotations

import difflib
import hashlib
import os
import stat
from typing import List, Optional

from backends.errors import UnsafePath

MISSING = "missing"


def _digest(real: str) -> tuple:
    sha = hashlib.sha256()
    size = 0
    fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        while True:
            block = os.read(fd, 1 << 16)
            if not block:
                break
            sha.update(block)
            size += len(block)
    finally:
        os.close(fd)
    return sha.hexdigest(), size


def file_state(host, abs_path: str) -> dict:
    """{"type": "missing" | "file" | "dir" | "other" | "outside", "link": the link's target
    text when abs_path itself is a symbolic link, and for what it leads to: "sha256", "size"
    (files), "mode", "uid", "gid"}. JSON, so it goes into the journal as it is."""
    try:
        real_link = host.resolve(abs_path, follow_last=False)
    except UnsafePath:
        return {"type": "outside", "link": None}
    try:
        st = os.lstat(str(real_link))
    except (FileNotFoundError, NotADirectoryError):
        return {"type": MISSING, "link": None}
    link = None
    real = real_link
    if stat.S_ISLNK(st.st_mode):
        link = os.readlink(str(real_link))
        try:
            real = host.resolve(abs_path)
            st = os.lstat(str(real))
        except UnsafePath:
            return {"type": "outside", "link": link}
        except (FileNotFoundError, NotADirectoryError):
            return {"type": MISSING, "link": link}
    kind = "file" if stat.S_ISREG(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else "other"
    state = {"type": kind, "link": link, "mode": stat.S_IMODE(st.st_mode),
             "uid": st.st_uid, "gid": st.st_gid}
    if kind == "file":
        state["sha256"], state["size"] = _digest(str(real))
    return state


def differences(was: Optional[dict], now: Optional[dict]) -> List[str]:
    """What changed between two file states, in words ("content", "mode 0640 -> 0600")."""
    was, now = was or {"type": MISSING}, now or {"type": MISSING}
    if was == now:
        return []
    out: List[str] = []
    if was.get("link") != now.get("link"):
        if now.get("link") is None:
            out.append(f"no longer a link (was one to {was.get('link')})")
        elif was.get("link") is None:
            out.append(f"now a link to {now.get('link')}")
        else:
            out.append(f"link now points to {now.get('link')} (was {was.get('link')})")
    if was.get("type") != now.get("type"):
        if now.get("type") == MISSING:
            out.append("deleted")
        elif was.get("type") == MISSING:
            out.append("created")
        else:
            out.append(f"now a {now.get('type')} (was a {was.get('type')})")
        return out
    if was.get("sha256") != now.get("sha256"):
        out.append("content")
    if was.get("mode") != now.get("mode") and now.get("mode") is not None:
        out.append(f"mode {was.get('mode', 0):04o} -> {now.get('mode'):04o}")
    if (was.get("uid"), was.get("gid")) != (now.get("uid"), now.get("gid")):
        out.append(f"owner {was.get('uid')}:{was.get('gid')} -> {now.get('uid')}:{now.get('gid')}")
    return out


def verify_flags(was: Optional[dict], now: Optional[dict]) -> str:
    """rpm -V's nine characters (S size, M mode, 5 digest, D device, L link, U user, G group,
    T mtime, P capabilities; D, T and P are not tracked) or "missing"."""
    was, now = was or {"type": MISSING}, now or {"type": MISSING}
    if now.get("type") == MISSING and was.get("type") != MISSING:
        return "missing  "
    flags = [
        "S" if was.get("size") != now.get("size") else ".",
        "M" if (was.get("mode"), was.get("type")) != (now.get("mode"), now.get("type")) else ".",
        "5" if was.get("sha256") != now.get("sha256") else ".",
        ".",
        "L" if was.get("link") != now.get("link") else ".",
        "U" if was.get("uid") != now.get("uid") else ".",
        "G" if was.get("gid") != now.get("gid") else ".",
        ".", ".",
    ]
    return "".join(flags)


def printable(text: str) -> str:
    """Text safe to show on any terminal: bytes that were not UTF-8 (lone surrogates from
    surrogateescape) appear as \\xNN instead of breaking the output."""
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return "".join(f"\\x{ord(c) - 0xdc00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)


def text_diff(old: Optional[str], new: Optional[str], old_name: str, new_name: str) -> str:
    """A unified diff for people (non-UTF-8 bytes shown as \\xNN)."""
    lines = difflib.unified_diff((old or "").splitlines(keepends=True),
                                 (new or "").splitlines(keepends=True),
                                 old_name if old is not None else "/dev/null",
                                 new_name if new is not None else "/dev/null")
    out = []
    for line in lines:
        line = printable(line)
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
