"""What a rule's check says about the projected host: one of four states, why, and what the
content's own checker reports (they differ only for "manual review": where the content's check
is at odds with the software, the checker's verdict is stated next to the review)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Optional

if TYPE_CHECKING:   # annotations only: nothing of these is needed at run time
    from wizard.compliance.projected import ProjectedHost
    from wizard.model import Answers

MET, NOT_MET, NOT_APPLICABLE, MANUAL = "met", "not met", "not applicable", "manual review"
STATES = (MET, NOT_MET, NOT_APPLICABLE, MANUAL)
# The XCCDF result the scanner gives for each state (manual review says its own).
SCANNER_RESULT = {MET: "pass", NOT_MET: "fail", NOT_APPLICABLE: "notapplicable"}


@dataclass(frozen=True)
class Verdict:
    status: str
    why: str
    scanner: str                 # pass | fail | notapplicable: what OpenSCAP reports
    hint: Optional[str] = None   # where in the wizard to change it, when it can


def met(why: str) -> Verdict:
    return Verdict(MET, why, "pass")


def not_met(why: str, hint: Optional[str] = None) -> Verdict:
    return Verdict(NOT_MET, why, "fail", hint)


def not_applicable(why: str) -> Verdict:
    return Verdict(NOT_APPLICABLE, why, "notapplicable")


def manual(why: str, scanner: str) -> Verdict:
    return Verdict(MANUAL, why, scanner)


@dataclass(frozen=True)
class Subject:
    """What a check looks at: the host as the plan leaves it, the answers (for the names a
    site sets in its tailoring and for the explanations), the EL major release."""
    host: ProjectedHost
    answers: Answers
    major: int
    site_values: Dict[str, str]  # XCCDF value id -> this site's value (see view.site_values)
