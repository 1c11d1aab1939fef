"""Round-trip editor for audit's `key = value` files.

auditd.conf, audisp-remote.conf and plugins.d/*.conf share one syntax: each line is split on
the space character only, `=` must be its own word, `#` starts a comment only as the first
word, and keys are matched case-insensitively. Later lines win.

KeyValueFile keeps every line exactly as read (comments, blank lines, odd lines, trailing
spaces, CR characters, a missing final newline), so render() returns the original text until
something is set, and a set() changes exactly one line. Lines it writes end like the file's
lines (CRLF in a CRLF file).

Files are bytes in any encoding: text is decoded with surrogateescape (Host.read_text, or
parse_bytes), so a byte that is not UTF-8 is a lone surrogate in the str and comes back as the
same byte when encoded the same way (render_bytes, WriteFile). The str API stays.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from wizard.validators import safe_config_value

# audisp-remote reads lines with fgets(buf, 128): a line plus its newline must fit in 127
# bytes (auditd.conf allows 160; the stricter limit is used for every file).
MAX_LINE_BYTES = 127

_KEY = re.compile(r"[A-Za-z0-9_]+")
# `key = value`, tolerant of missing spaces and tabs so that set() can repair such lines.
_ACTIVE = re.compile(r"^[ \t]*([^\s#=]+)[ \t]*=(.*)$")
# A commented example of a key: `#args =`, `##tcp_listen_port = 60`, `# name = x`.
_TEMPLATE = re.compile(r"^[ \t]*#+[ \t]*([A-Za-z0-9_]+)[ \t]*=")


@dataclass(frozen=True)
class ParseProblem:
    line_number: int  # 1-based
    text: str
    reason: str

    def __str__(self) -> str:
        return "line %d: %s: %s" % (self.line_number, self.reason, self.text.rstrip("\r"))


def _active_key(line: str) -> Optional[str]:
    """The key of a line the audit parser would read as an assignment, else None."""
    stripped = line.strip(" \t\r")
    if not stripped or stripped.startswith("#"):
        return None
    match = _ACTIVE.match(line)
    return match.group(1) if match else None


def template_key(line: str) -> Optional[str]:
    """The key of a commented example line (`##tcp_listen_port = 60`), lower-cased, or None."""
    match = _TEMPLATE.match(line)
    return match.group(1).lower() if match else None


def _active_value(line: str) -> str:
    match = _ACTIVE.match(line)
    return match.group(2).strip(" \t\r") if match else ""


def check_assignment(key: str, value: str) -> Optional[str]:
    """Why `key = value` cannot be written to an audit config file, or None."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return "key %r must be letters, digits and '_'" % (key,)
    problem = safe_config_value(value, allow_inner_spaces=True)
    if problem:
        return "value for %s %s" % (key, problem)
    size = len(("%s = %s\n" % (key, value)).encode("utf-8"))
    if size > MAX_LINE_BYTES:
        return "line for %s would be %d bytes; audit reads at most %d per line" % (
            key, size, MAX_LINE_BYTES)
    return None


ENCODING_ERRORS = "surrogateescape"


class KeyValueFile:
    """One audit config file as a list of lines, edited in place."""

    def __init__(self, lines: List[str], final_newline: bool) -> None:
        self._lines = list(lines)  # without their "\n" (a CRLF line keeps its "\r")
        self._final_newline = final_newline

    @classmethod
    def parse(cls, text: str) -> "KeyValueFile":
        if text == "":
            return cls([], False)
        final_newline = text.endswith("\n")
        body = text[:-1] if final_newline else text
        # Split on "\n" only: str.splitlines() would also split on \f, \x1c, U+2028 ...
        return cls(body.split("\n"), final_newline)

    @classmethod
    def parse_bytes(cls, data: bytes) -> "KeyValueFile":
        return cls.parse(data.decode("utf-8", ENCODING_ERRORS))

    def render(self) -> str:
        if not self._lines:
            return ""
        return "\n".join(self._lines) + ("\n" if self._final_newline else "")

    def render_bytes(self) -> bytes:
        return self.render().encode("utf-8", ENCODING_ERRORS)

    @property
    def line_ending(self) -> str:
        """"\r\n" when most lines that end end with CRLF, else "\n"."""
        ended = self._lines if self._final_newline else self._lines[:-1]
        crlf = sum(1 for line in ended if line.endswith("\r"))
        return "\r\n" if ended and crlf * 2 > len(ended) else "\n"

    @property
    def lines(self) -> Tuple[str, ...]:
        return tuple(self._lines)

    # ---- reading -------------------------------------------------------------------------
    def _indexes(self, key: str) -> List[int]:
        wanted = key.lower()
        return [i for i, line in enumerate(self._lines)
                if (_active_key(line) or "").lower() == wanted]

    def get(self, key: str) -> Optional[str]:
        """The value of the last active `key = ...` line (audit lets later lines win)."""
        indexes = self._indexes(key)
        if not indexes:
            return None
        return _active_value(self._lines[indexes[-1]])

    def items(self) -> List[Tuple[str, str]]:
        """Every active (key, value) in file order, keys lower-cased, duplicates kept."""
        result = []
        for line in self._lines:
            key = _active_key(line)
            if key is not None:
                result.append((key.lower(), _active_value(line)))
        return result

    def __contains__(self, key: str) -> bool:
        return bool(self._indexes(key))

    def line_of(self, key: str) -> Optional[int]:
        """Index of the line whose value counts (the last active one), or None."""
        indexes = self._indexes(key)
        return indexes[-1] if indexes else None

    def slot(self, key: str) -> Tuple[Optional[int], Optional[str]]:
        """(index, line) of the line set() would rewrite: the last active line of the key,
        else its first commented template; (None, None) when set() would insert a line."""
        index = self.line_of(key)
        if index is None:
            index = next((i for i, line in enumerate(self._lines)
                          if (template_key(line) or "").lower() == key.lower()), None)
        return (index, None if index is None else self._lines[index])

    def active_lines(self, key: str) -> List[Tuple[int, str]]:
        return [(i, self._lines[i]) for i in self._indexes(key)]

    # ---- editing -------------------------------------------------------------------------
    def set(self, key: str, value: str, line_ending: Optional[str] = None) -> bool:
        """Make `key` have `value`. Returns True when the text changed.

        Rewrites only the last active line for the key (unless it already holds exactly
        this value and the parser reads it fine); otherwise turns the first commented
        template (`#key =`, `##key = 60`) into the setting; otherwise inserts the line
        after the last active line. The line ends like the file's lines, or with
        `line_ending` ("\n" to repair a CRLF line). Raises ValueError for a value audit
        cannot read back.
        """
        problem = check_assignment(key, value)
        if problem:
            raise ValueError(problem)
        ending = line_ending or self.line_ending
        new_line = "%s = %s%s" % (key, value, "\r" if ending == "\r\n" else "")
        index, old = self.slot(key)
        if index is not None and old is not None:     # (old is None only when index is)
            if old == new_line or (_active_key(old) is not None and _active_value(old) == value
                                   and not _line_problems(old)
                                   and old.endswith("\r") == new_line.endswith("\r")):
                return False
            self._lines[index] = new_line
            return True
        active = [i for i, line in enumerate(self._lines) if _active_key(line) is not None]
        position = active[-1] + 1 if active else len(self._lines)
        if position == len(self._lines):
            self._final_newline = True  # the new line ends the file; end it properly
        self._lines.insert(position, new_line)
        return True

    def replace_line(self, index: int, text: str) -> None:
        self._lines[index] = text

    def delete_line(self, index: int) -> None:
        del self._lines[index]

    def insert_line(self, index: int, text: str) -> None:
        if index >= len(self._lines):
            self._final_newline = True
        self._lines.insert(min(index, len(self._lines)), text)

    def remove(self, key: str) -> int:
        """Delete every active line for `key` (comments stay). Returns how many went."""
        indexes = self._indexes(key)
        for index in reversed(indexes):
            del self._lines[index]
        return len(indexes)

    # ---- checking ------------------------------------------------------------------------
    def lines_over(self, limit: int) -> List[Tuple[int, str]]:
        """(1-based line number, line) for each line longer than `limit` bytes,
        counting the newline that ends it."""
        result = []
        for number, line in enumerate(self._lines, start=1):
            has_newline = number < len(self._lines) or self._final_newline
            if len(line.encode("utf-8", ENCODING_ERRORS)) + (1 if has_newline else 0) > limit:
                result.append((number, line))
        return result

    def parse_problems(self) -> List[ParseProblem]:
        """Lines the audit parsers would reject or misread, in file order."""
        problems = []
        over = {number for number, _ in self.lines_over(MAX_LINE_BYTES)}
        for number, line in enumerate(self._lines, start=1):
            reasons = _line_problems(line)
            if number in over:
                reasons.append("longer than %d bytes with its newline; audisp-remote "
                               "reads at most that much per line" % MAX_LINE_BYTES)
            is_last = number == len(self._lines)
            if is_last and not self._final_newline and _active_key(line) is not None:
                reasons.append("no newline at the end of the file; some audit versions "
                               "skip this last line as too long")
            for reason in reasons:
                problems.append(ParseProblem(number, line, reason))
        return problems


def _line_problems(line: str) -> List[str]:
    """What the audit parser dislikes about one line (empty when it reads it fine)."""
    stripped = line.strip(" ")
    if not stripped or stripped.startswith("#"):
        return []
    reasons = []
    if "\r" in line:
        reasons.append("carriage return (DOS line ending); the parser keeps it in the value")
    if "\t" in line:
        reasons.append("tab character; the parser splits on spaces only")
    words = [w for w in line.split(" ") if w]
    if len(words) < 2 or words[1] != "=":
        reasons.append("'=' must be a separate word: write `key = value` with spaces")
    elif len(words) < 3:
        reasons.append("no value after '='")
    else:
        if any(w.startswith("#") for w in words[3:]):
            reasons.append("'#' after the value; comments must be on their own line")
        elif "#" in words[2]:
            reasons.append("'#' inside the value; audit does not treat it as a comment")
    if any(not (" " <= c < "\x7f") for c in line.replace("\t", "").replace("\r", "")):
        reasons.append("non-printable or non-ASCII character")
    return reasons
