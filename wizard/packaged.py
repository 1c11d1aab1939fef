"""The files the audit packages ship, used as the starting point for a file that does not exist
yet (au-remote.conf before audispd-plugins is installed), so the result keeps the comments."""
from __future__ import annotations

from typing import Dict

from wizard.sandbox import packaged_file


def packaged_defaults(facts) -> Dict[str, str]:
    defaults = {}
    for path in facts.layout.config_files():
        text = packaged_file(facts.audit_version, path)
        if text is not None:
            defaults[path] = text
    return defaults
