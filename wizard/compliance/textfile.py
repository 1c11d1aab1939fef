"""How the content's OVAL textfilecontent54 checks read files, in Python.

The patterns in checks.py are copied verbatim from the content's OVAL (PCRE). PCRE switches
case-insensitivity on and off inside a pattern (`(?i)type(?-i)`); Python's re only knows the
scoped form, so pcre() rewrites `(?i)X(?-i)` as `(?i:X)`. Like OVAL's pattern match, a pattern
is searched for (not anchored), with ^ and $ at every line (OVAL's default "multiline")."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Pattern, Tuple

_TOGGLE = re.compile(r"\(\?i\)(.*?)\(\?-i\)")


@lru_cache(maxsize=None)
def pcre(pattern: str, singleline: bool = False) -> Pattern:
    flags = re.MULTILINE | (re.DOTALL if singleline else 0)
    return re.compile(_TOGGLE.sub(r"(?i:\1)", pattern), flags)


def instances(text: str, pattern: str, singleline: bool = False) -> List[Tuple[str, ...]]:
    """Each match in order (OVAL's instance 1, 2, ...) as its groups, or (whole match,) when
    the pattern has none."""
    compiled = pcre(pattern, singleline)
    return [m.groups() if compiled.groups else (m.group(0),) for m in compiled.finditer(text)]


def subexpressions(text: str, pattern: str, singleline: bool = False) -> List[str]:
    """The first group of each match: what OVAL states compare (the subexpression)."""
    return [groups[0] for groups in instances(text, pattern, singleline)]


def state_matches(value: str, pattern: str) -> bool:
    """An OVAL state with operation "pattern match" (searched, not anchored)."""
    return pcre(pattern).search(value) is not None
