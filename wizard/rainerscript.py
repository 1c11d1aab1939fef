"""A small reader for RainerScript (rsyslog.conf(5)): the objects a file declares
(`global(...)`, `module(...)`, `input(...)`, `action(...)`, `template(...)`, `ruleset(...)`)
with their parameters, and the `if ... then { }` / `ruleset() { }` block each one sits in.

Enough to read back what wizard/plan/methods/rsyslog_dropins.py writes and to recognise forwarding and
listening in other files; it never raises on text it does not understand (legacy `$ModLoad`
lines and selectors are skipped). Parameter names are case-insensitive in rsyslog, so they
are lowercased here; values keep their case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Union

Value = Union[str, List[str]]
OBJECTS = ("global", "module", "input", "action", "template", "ruleset", "main_queue",
           "include", "parser", "timezone", "lookup_table", "dyn_stats", "percentile_stats",
           "property", "constant")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}
_WORD = re.compile(r"[^\s()\[\]{}=,\"'#]+")


@dataclass
class Statement:
    name: str                                  # "action", "module", ... (lowercase)
    params: Dict[str, Value]                   # lowercase names
    line: int                                  # 1-based line of the name
    condition: Optional[str] = None            # the innermost `if` condition, as written
    ruleset: Optional[str] = None              # the enclosing `ruleset(name=...) { }`

    def get(self, key: str) -> Optional[Value]:
        return self.params.get(key.lower())

    def text(self, key: str) -> Optional[str]:
        """A parameter as one string (an array is joined with ",")."""
        value = self.get(key)
        return ",".join(value) if isinstance(value, list) else value

    def items(self, key: str) -> List[str]:
        """A parameter as a list: arrays as they are, a string split at commas."""
        value = self.get(key)
        if value is None:
            return []
        parts = value if isinstance(value, list) else value.split(",")
        return [p.strip() for p in parts if p.strip()]


@dataclass
class _Token:
    kind: str      # "str", "word", or the punctuation itself
    text: str
    line: int


@dataclass
class Parsed:
    statements: List[Statement] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)   # where the text did not parse

    def named(self, name: str, **where: str) -> List[Statement]:
        """Statements called `name` whose parameters equal `where` (case-insensitive values)."""
        found = []
        for s in self.statements:
            if s.name == name and all((s.text(k) or "").lower() == v.lower() for k, v in where.items()):
                found.append(s)
        return found


def _tokens(text: str) -> List[_Token]:
    out: List[_Token] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif c in "\"'":
            start_line, i, chars = line, i + 1, []
            while i < n and text[i] != c:
                if text[i] == "\\" and i + 1 < n:
                    chars.append(_ESCAPES.get(text[i + 1], "\\" + text[i + 1]))
                    i += 2
                    continue
                line += text[i] == "\n"
                chars.append(text[i])
                i += 1
            out.append(_Token("str", "".join(chars), start_line))
            i += 1
        elif c in "()[]{}=,":
            if text.startswith("==", i):
                out.append(_Token("word", "==", line))
                i += 2
            else:
                out.append(_Token(c, c, line))
                i += 1
        else:
            match = _WORD.match(text, i)
            word = match.group(0) if match else c
            out.append(_Token("word", word, line))
            i += len(word)
    return out


class _Reader:
    def __init__(self, tokens: List[_Token]):
        self.tokens, self.pos = tokens, 0
        self.parsed = Parsed()
        self.blocks: List[Dict[str, Optional[str]]] = []   # one per open `{`
        self.pending: Dict[str, Optional[str]] = {}          # what the next `{` opens

    def peek(self, offset: int = 0) -> Optional[_Token]:
        at = self.pos + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def context(self, key: str) -> Optional[str]:
        for block in reversed(self.blocks):
            if block.get(key):
                return block[key]
        return None

    def run(self) -> Parsed:
        while (tok := self.peek()) is not None:
            nxt = self.peek(1)
            if tok.kind == "word" and tok.text.lower() == "if":
                self.read_condition()
            elif tok.kind == "word" and tok.text.lower() in OBJECTS and nxt and nxt.kind == "(":
                self.read_object(tok)
            elif tok.kind == "{":
                self.blocks.append(self.pending)
                self.pending = {}
                self.pos += 1
            elif tok.kind == "}":
                if self.blocks:
                    self.blocks.pop()
                else:
                    self.parsed.problems.append("line %d: '}' without '{'" % tok.line)
                self.pos += 1
            else:
                self.pos += 1
        if self.blocks:
            self.parsed.problems.append("a '{' block is not closed")
        return self.parsed

    def read_condition(self) -> None:
        self.pos += 1
        words = []
        while (tok := self.peek()) is not None and not (tok.kind == "word"
                                                        and tok.text.lower() == "then"):
            words.append('"%s"' % tok.text if tok.kind == "str" else tok.text)
            self.pos += 1
        self.pos += 1
        self.pending = {"condition": " ".join(words)}

    def read_object(self, name_tok: _Token) -> None:
        self.pos += 2
        params: Dict[str, Value] = {}
        while (key := self.peek()) is not None and key.kind != ")":
            after = self.peek(1)
            if key.kind != "word" or after is None or after.kind != "=":
                self.parsed.problems.append("line %d: unexpected %r in %s()"
                                            % (key.line, key.text, name_tok.text))
                self.pos += 1
                continue
            self.pos += 2
            params[key.text.lower()] = self.read_value()
        self.pos += 1
        statement = Statement(name_tok.text.lower(), params, name_tok.line,
                              self.context("condition"), self.context("ruleset"))
        self.parsed.statements.append(statement)
        if statement.name == "ruleset":
            self.pending = {"ruleset": statement.text("name")}

    def read_value(self) -> Value:
        tok = self.peek()
        if tok is None:
            return ""
        if tok.kind == "[":
            self.pos += 1
            items: List[str] = []
            while (item := self.peek()) is not None and item.kind != "]":
                if item.kind in ("str", "word"):
                    items.append(item.text)
                self.pos += 1
            self.pos += 1
            return items
        self.pos += 1
        return tok.text if tok.kind in ("str", "word") else ""


def parse(text: str) -> Parsed:
    """The objects of a RainerScript file; never raises."""
    return _Reader(_tokens(text)).run()
