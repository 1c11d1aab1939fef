"""The whole rsyslog configuration as rsyslogd reads it: /etc/rsyslog.conf and, where its
include() or $IncludeConfig statements stand, every file they name (a glob, matched in sorted
order like glob(3)), recursively.

read_files(host) is the only function with I/O (the session calls it); the rest is pure: the
planner gets the texts by path, orders them, finds what other files already set, and
combined_text() inlines the includes into one text that `rsyslogd -N1` can check."""
from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from wizard import rainerscript

MAIN = "/etc/rsyslog.conf"
MAX_DEPTH = 8
FILE_START = "(file)"
_LEGACY_INCLUDE = re.compile(r"^[ \t]*\$IncludeConfig[ \t]+(\S+)[ \t]*$", re.I | re.M)
_INCLUDE_CALL = re.compile(r"\binclude\s*\([^)]*\)", re.I)


@dataclass
class Include:
    start: int         # offset of the statement in its file's text
    end: int
    pattern: str       # file="..." (a path or a glob)


def _is_comment(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    return "#" in text[line_start:offset]


def includes(text: str) -> List[Include]:
    """The include statements of one file, in order: include(file="...") and the legacy
    $IncludeConfig. include(text=...) is not followed (the wizard never needs it)."""
    found: List[Include] = []
    for match in _INCLUDE_CALL.finditer(text):
        if _is_comment(text, match.start()):
            continue
        parsed = rainerscript.parse(match.group(0)).named("include")
        pattern = parsed[0].text("file") if parsed else None
        if pattern:
            found.append(Include(match.start(), match.end(), pattern))
    for match in _LEGACY_INCLUDE.finditer(text):
        pattern = match.group(1)
        if pattern.endswith("/"):
            pattern += "*"          # a directory: every file in it
        found.append(Include(match.start(), match.end(), pattern))
    return sorted(found, key=lambda inc: inc.start)


def matches(pattern: str, paths) -> List[str]:
    """The paths a glob names, sorted as glob(3) returns them."""
    directory = posixpath.dirname(pattern)
    return sorted(p for p in paths if posixpath.dirname(p) == directory
                  and fnmatch.fnmatchcase(posixpath.basename(p), posixpath.basename(pattern))
                  and not posixpath.basename(p).startswith("."))


def read_files(host, main: str = MAIN) -> Dict[str, str]:
    """Every file of the configuration, by path (empty when there is no main file)."""
    out: Dict[str, str] = {}

    def visit(path: str, depth: int) -> None:
        text = host.read_text(path)
        if text is None or path in out or depth > MAX_DEPTH:
            return
        out[path] = text
        for inc in includes(text):
            folder = host.path(posixpath.dirname(inc.pattern) or "/")
            try:
                names = [posixpath.join(posixpath.dirname(inc.pattern), p.name)
                         for p in folder.iterdir() if p.is_file()]
            except OSError:
                continue
            for found in matches(inc.pattern, names):
                visit(found, depth + 1)
    visit(main, 0)
    return out


def ordered(files: Mapping[str, Optional[str]], main: str = MAIN) -> List[str]:
    """The paths in the order rsyslogd reads them (an include's files where it stands)."""
    order: List[str] = []

    def visit(path: str, depth: int) -> None:
        text = files.get(path)
        if text is None or path in order or depth > MAX_DEPTH:
            return
        order.append(path)
        for inc in includes(text):
            for found in matches(inc.pattern, [p for p, t in files.items() if t is not None]):
                visit(found, depth + 1)
    visit(main, 0)
    return order


def combined_text(files: Mapping[str, Optional[str]], main: str = MAIN) -> Optional[str]:
    """One text with every include replaced by the files it names, as rsyslogd reads them;
    None when there is no main file."""
    def inline(path: str, depth: int) -> str:
        text = files.get(path) or ""
        if depth > MAX_DEPTH:
            return ""
        out, last = [], 0
        for inc in includes(text):
            out.append(text[last:inc.start])
            for found in matches(inc.pattern, [p for p, t in files.items() if t is not None]):
                body = inline(found, depth + 1)
                out.append("\n# ---- %s\n%s\n# ---- end of %s\n" % (found, body, found))
            last = inc.end
        out.append(text[last:])
        return "".join(out)
    return inline(main, 0) if files.get(main) is not None else None


@dataclass
class Found:
    path: str
    statement: rainerscript.Statement

    @property
    def where(self) -> str:
        return "%s line %d" % (self.path, self.statement.line)


# Legacy directives that set what the wizard sets: they become statements named "legacy"
# with the directive (lowercase) and its value, e.g. {"directive": "modload", "value": "imtcp"}.
_LEGACY = re.compile(r"^[ \t]*\$(DefaultNetstreamDriver(?:CAFile|CertFile|KeyFile)?|ModLoad|"
                     r"InputTCPServerRun)[ \t]+(\S+)", re.I | re.M)


def _segment(path: str, text: str, first_line: int) -> List[Found]:
    found = []
    for s in rainerscript.parse(text).statements:
        s.line += first_line - 1
        found.append(Found(path, s))
    for match in _LEGACY.finditer(text):
        line = first_line + text.count("\n", 0, match.start())
        found.append(Found(path, rainerscript.Statement(
            "legacy", {"directive": match.group(1).lower(), "value": match.group(2)}, line)))
    return sorted(found, key=lambda f: f.statement.line)


def walk(files: Mapping[str, Optional[str]], main: str = MAIN) -> List[Found]:
    """Every statement of the configuration in the order rsyslogd reads it: an included
    file's statements stand where its include() or $IncludeConfig stands, after a FILE_START
    pseudo-statement that marks where the file begins."""
    available = [p for p, t in files.items() if t is not None]
    out: List[Found] = []

    def visit(path: str, depth: int, seen: Tuple[str, ...]) -> None:
        text = files.get(path)
        if text is None or path in seen or depth > MAX_DEPTH:
            return
        out.append(Found(path, rainerscript.Statement(FILE_START, {}, 0)))
        last = 0
        for inc in includes(text):
            out.extend(_segment(path, text[last:inc.start], text.count("\n", 0, last) + 1))
            for found in matches(inc.pattern, available):
                visit(found, depth + 1, seen + (path,))
            last = inc.end
        out.extend(_segment(path, text[last:], text.count("\n", 0, last) + 1))
    visit(main, 0, ())
    return out
