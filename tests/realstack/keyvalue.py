"""Set `key = value` lines in a COPY of an audit config file (test-only overrides)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping


def set_keys(path: Path, values: Mapping[str, str]) -> None:
    """Replace the first active `key = ...` line for each key (case-insensitive), drop later
    duplicates, append keys that are absent. Commented template lines are left alone."""
    lines = path.read_text().splitlines()
    pending = {k.lower(): v for k, v in values.items()}
    seen = set()
    out = []
    for line in lines:
        match = re.match(r"\s*([A-Za-z0-9_]+)\s*=", line)
        key = match.group(1).lower() if match else None
        if key in pending:
            if key in seen:
                continue
            seen.add(key)
            out.append("%s = %s" % (key, pending[key]))
        else:
            out.append(line)
    out.extend("%s = %s" % (k, v) for k, v in pending.items() if k not in seen)
    path.write_text("\n".join(out) + "\n")


def get_key(path: Path, key: str):
    for line in path.read_text().splitlines():
        match = re.match(r"\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$", line)
        if match and match.group(1).lower() == key.lower():
            return match.group(2)
    return None
