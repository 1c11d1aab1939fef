"""A small block-style YAML writer for the exported playbook (the project has no YAML library,
and ansible-lint wants block style, `true`/`false`, and a `---` start)."""
from __future__ import annotations

import re
from typing import Any, List

# Plain (unquoted) scalars: nothing YAML or Jinja could read as something else.
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*( [A-Za-z0-9_./()-]+)*")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


class Noted(str):
    """A string value written with a trailing `# note` (for `# noqa: rule` with its reason)."""
    note: str

    def __new__(cls, value: str, note: str):
        self = super().__new__(cls, value)
        self.note = note
        return self


def _with_note(text: str, value: Any) -> str:
    return f"{text}  # {value.note}" if isinstance(value, Noted) else text


def scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    text = str.__str__(value) if isinstance(value, str) else str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    if "'" in text and '"' not in text and "\\" not in text and text.isprintable():
        return '"' + text + '"'
    return "'" + text.replace("'", "''") + "'"


WRAP = 100


def _folded(text: str, pad: str) -> List[str]:
    """A long one-line string as a `>-` block, broken at single spaces (folding joins the
    lines with one space again, so the value is unchanged)."""
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > WRAP:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [f"{pad}{line}" for line in lines]


def _foldable(value: Any) -> bool:
    return (isinstance(value, str) and not isinstance(value, Noted) and len(value) > WRAP
            and "\n" not in value and "  " not in value and value == value.strip()
            and value.isprintable())


def _lines(value: Any, indent: int) -> List[str]:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        out = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:")
                out.extend(_lines(item, indent + 2))
            elif _foldable(item):
                out.append(f"{pad}{key}: >-")
                out.extend(_folded(item, pad + "  "))
            elif isinstance(item, str) and "\n" in item:
                out.append(f"{pad}{key}: |" + ("" if item.endswith("\n") else "-"))
                out.extend(f"{pad}  {line}" if line else "" for line in item.rstrip("\n").split("\n"))
            else:
                text = "[]" if item == [] else "{}" if item == {} else scalar(item)
                out.append(_with_note(f"{pad}{key}: {text}", item))
        return out
    if isinstance(value, list):
        if not value:
            return [pad + "[]"]
        out = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                inner = _lines(item, indent + 2)
                out.append(f"{pad}- {inner[0].lstrip()}")
                out.extend(inner[1:])
            elif _foldable(item):
                out.append(f"{pad}- >-")
                out.extend(_folded(item, pad + "  "))
            else:
                text = "[]" if item == [] else "{}" if item == {} else scalar(item)
                out.append(_with_note(f"{pad}- {text}", item))
        return out
    return [pad + scalar(value)]


def dump(value: Any, comment: str = "") -> str:
    """A YAML document: optional `# comment` lines, `---`, the value."""
    head = [f"# {line}".rstrip() for line in comment.splitlines()] if comment else []
    return "\n".join(head + ["---"] + _lines(value, 0)) + "\n"
