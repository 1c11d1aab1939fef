"""The rules of one ComplianceAsCode content version, per RHEL release, as extracted into
ssg-<version>.json (see that file's "about": generated from the content's data streams by
tests/scap/extract_rules.py, never edited by hand)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Dict, Optional, Tuple

CONTENT_VERSION = "0.1.82"


@dataclass(frozen=True)
class ContentRule:
    id: str                      # rule id without xccdf_org.ssgproject.content_rule_
    stig_id: Optional[str]       # RHEL-0N-NNNNNN; None when the release's STIG profile leaves it out
    vuln_id: Optional[str]       # V-NNNNNN
    in_profile: bool             # selected by the STIG profile of this release
    severity: str
    title: str
    platforms: Tuple[str, ...]   # CPE platforms besides the OS, like "package_rsyslog"
    probes: Tuple[str, ...]      # OVAL test kinds the check uses, like "textfilecontent54_test"
    values: Dict[str, str]       # XCCDF values the check uses -> the STIG profile's value

    @property
    def needs_systemd(self) -> bool:
        """Checks that ask systemd (a running host), not files or the rpm database."""
        return any(p.startswith("systemdunit") for p in self.probes)

    @property
    def required_packages(self) -> Tuple[str, ...]:
        return tuple(p[len("package_"):] for p in self.platforms if p.startswith("package_"))


@dataclass(frozen=True)
class Release:
    major: int
    profile_id: str
    profile_title: str           # "DISA STIG for Red Hat Enterprise Linux 9"
    profile_version: str         # "V2R9"
    data_stream: str             # ssg-rhel9-ds.xml
    rules: Tuple[ContentRule, ...]

    def rule(self, rule_id: str) -> Optional[ContentRule]:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass(frozen=True)
class Content:
    name: str
    version: str
    package: str
    releases: Dict[int, Release]


def _rule(rule_id: str, data: dict) -> ContentRule:
    return ContentRule(rule_id, data["stig_id"], data["vuln_id"], data["in_profile"],
                       data["severity"], data["title"], tuple(data["platforms"]),
                       tuple(data["probes"]), dict(data["values"]))


@lru_cache(maxsize=None)
def load_content(version: str = CONTENT_VERSION) -> Content:
    data = json.loads((files("wizard.compliance") / ("ssg-%s.json" % version)).read_text())
    releases = {}
    for major, release in data["releases"].items():
        profile = release["profile"]
        releases[int(major)] = Release(
            int(major), profile["id"], profile["title"], profile["version"], release["data_stream"],
            tuple(_rule(rule_id, rule) for rule_id, rule in release["rules"].items()))
    content = data["content"]
    return Content(content["name"], content["version"], content["package"], releases)
