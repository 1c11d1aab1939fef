"""Export the wizard's configuration to other tools (an Ansible playbook)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Union

from wizard.facts import HostFacts
from wizard.model import Answers


class ExportError(Exception):
    """The answers ask for something the export cannot write yet; str() says what."""


def export_ansible(answers: Answers, directory: Union[str, Path],
                   facts: Optional[HostFacts] = None, event_rate=None) -> List[Path]:
    """Write a ready-to-run playbook for `answers` into `directory`; returns the files written.
    `event_rate` (wizard.event_rate.EventRate): the rate the sender's queues are sized for when
    remote.peak_rate is not set (the exporting host's own; none: an assumed rate).
    Raises ExportError for what the export does not cover, and wizard.plan.errors.PlanError
    when the answers cannot be planned."""
    from wizard.export.playbook import write_playbook
    return write_playbook(answers, Path(directory), facts, event_rate)
