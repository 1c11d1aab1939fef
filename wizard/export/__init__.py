"""Export the wizard's configuration to other tools (an Ansible playbook)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Union

from wizard.facts import HostFacts
from wizard.model import Answers


class ExportError(Exception):
    """The answers ask for something the export cannot write yet; str() says what."""


def export_ansible(answers: Answers, directory: Union[str, Path],
                   facts: Optional[HostFacts] = None) -> List[Path]:
    """Write a ready-to-run playbook for `answers` into `directory`; returns the files written.
    Raises ExportError for what the export does not cover, and wizard.plan.errors.PlanError
    when the answers cannot be planned."""
    from wizard.export.playbook import write_playbook
    return write_playbook(answers, Path(directory), facts)
