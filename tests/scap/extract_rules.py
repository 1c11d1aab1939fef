"""Write wizard/compliance/ssg-<version>.json: which ComplianceAsCode rules the compliance view
shows, per RHEL release, with their STIG ids read from the content's own references.

    python -m tests.scap.extract_rules            # rewrite the data file
    python -m tests.scap.extract_rules --check    # exit 1 when the data file differs

tests/test_scap_agreement.py runs the same extraction and compares, so the file in the package
is always what this content says."""
from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Optional

from tests.scap.content import CONTENT_VERSION, PACKAGE, SHA256, VERSION, data_streams

XCCDF = "{http://checklists.nist.gov/xccdf/1.2}"
OVAL = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"
RULE_PREFIX = "xccdf_org.ssgproject.content_rule_"
VALUE_PREFIX = "xccdf_org.ssgproject.content_value_"
STIG_PROFILE = "xccdf_org.ssgproject.content_profile_stig"
DATA_FILE = Path(__file__).resolve().parents[2] / "wizard" / "compliance" / (
    "ssg-%s.json" % CONTENT_VERSION)

# The rules about audit forwarding and the settings the wizard writes, in the order the view
# shows them. A release shows a rule when its STIG profile selects it, or (OUTSIDE_PROFILE)
# when its data stream has it at all: forwarding rules the STIG profiles leave out.
RULES = (
    "package_audit_installed", "service_auditd_enabled", "auditd_name_format",
    "auditd_overflow_action", "auditd_log_format", "auditd_local_events",
    "auditd_data_disk_full_action", "auditd_data_disk_full_action_stig",
    "auditd_data_disk_error_action", "auditd_data_disk_error_action_stig",
    "package_audispd-plugins_installed", "auditd_audispd_configure_remote_server",
    "auditd_audispd_encrypt_sent_records", "auditd_audispd_syslog_plugin_activated",
    "package_rsyslog_installed", "service_rsyslog_enabled", "package_rsyslog-gnutls_installed",
    "rsyslog_remote_loghost", "rsyslog_encrypt_offload_defaultnetstreamdriver",
    "rsyslog_encrypt_offload_actionsendstreamdrivermode",
    "rsyslog_encrypt_offload_actionsendstreamdriverauthmode", "rsyslog_omfwd_tls",
    "rsyslog_omfwd_streamdriver", "rsyslog_omfwd_authmode", "rsyslog_remote_access_monitoring",
    "rsyslog_nolisten",
)
OUTSIDE_PROFILE = ("package_audispd-plugins_installed", "auditd_audispd_configure_remote_server",
                   "auditd_audispd_encrypt_sent_records", "auditd_audispd_syslog_plugin_activated")


def _short(tag: str) -> str:
    return tag.split("}", 1)[1]


def _references(rule: ET.Element) -> Dict[str, Optional[str]]:
    stig_id = vuln_id = None
    for ref in rule.findall(XCCDF + "reference"):
        text, href = (ref.text or "").strip(), ref.get("href") or ""
        if re.fullmatch(r"RHEL-\d\d-\d{6}", text) and "cyber.mil/stigs" in href:
            stig_id = text
        elif re.fullmatch(r"V-\d+", text):
            vuln_id = text
    return {"stig_id": stig_id, "vuln_id": vuln_id}


def _platforms(benchmark: ET.Element) -> Dict[str, List[str]]:
    """Rule id -> the CPE platforms (other than the OS) it and its groups require."""
    found: Dict[str, List[str]] = {}

    def walk(element: ET.Element, inherited: List[str]) -> None:
        own = inherited + [p.get("idref")[1:] for p in element.findall(XCCDF + "platform")
                           if p.get("idref", "").startswith("#")]
        for child in element:
            if child.tag == XCCDF + "Rule":
                rid = child.get("id")[len(RULE_PREFIX):]
                found[rid] = sorted(set(own + [p.get("idref")[1:] for p in child.findall(XCCDF + "platform")
                                               if p.get("idref", "").startswith("#")]))
            elif child.tag == XCCDF + "Group":
                walk(child, own)
    walk(benchmark, [])
    return found


class _Oval:
    """The OVAL definitions, by id, to list the probe kinds a rule's check uses."""

    def __init__(self, root: ET.Element):
        self.by_id = {el.get("id"): el for el in root.iter() if (el.get("id") or "").startswith("oval:")}

    def probes(self, definition_id: str) -> List[str]:
        kinds, seen = set(), set()

        def visit(element: ET.Element) -> None:
            for child in element.iter():
                for attr in ("test_ref", "definition_ref"):
                    ref = child.get(attr)
                    if ref and ref not in seen and ref in self.by_id:
                        seen.add(ref)
                        target = self.by_id[ref]
                        if attr == "test_ref":
                            kinds.add(_short(target.tag))
                        else:
                            visit(target)
        visit(self.by_id[definition_id])
        return sorted(kinds)


def _value_text(value: ET.Element, selector: Optional[str]) -> str:
    options = {(o.get("selector") or ""): (o.text or "") for o in value.findall(XCCDF + "value")}
    return options.get(selector or "", options.get("", ""))


def extract_release(path: Path) -> dict:
    root = ET.parse(str(path)).getroot()
    benchmark = root.find(".//" + XCCDF + "Benchmark")
    profile = next(p for p in benchmark.iter(XCCDF + "Profile") if p.get("id") == STIG_PROFILE)
    selected = {s.get("idref")[len(RULE_PREFIX):] for s in profile.findall(XCCDF + "select")
                if s.get("selected") == "true"}
    selectors = {r.get("idref"): r.get("selector") for r in profile.findall(XCCDF + "refine-value")}
    values = {v.get("id"): v for v in benchmark.iter(XCCDF + "Value")}
    platforms = _platforms(benchmark)
    oval = _Oval(root)
    rules = {}
    for rule in benchmark.iter(XCCDF + "Rule"):
        rid = rule.get("id")[len(RULE_PREFIX):]
        in_profile = rid in selected
        if rid not in RULES or not (in_profile or rid in OUTSIDE_PROFILE):
            continue
        check = next(c for c in rule.iter(XCCDF + "check")
                     if c.get("system") == "http://oval.mitre.org/XMLSchema/oval-definitions-5")
        definition = check.find(XCCDF + "check-content-ref").get("name")
        variables = {}
        for export in check.findall(XCCDF + "check-export"):
            value_id = export.get("value-id")
            variables[value_id[len(VALUE_PREFIX):]] = _value_text(values[value_id], selectors.get(value_id))
        entry = dict(_references(rule))
        if not in_profile:
            entry["stig_id"] = None   # its references may name another product's STIG
        entry.update({"in_profile": in_profile, "severity": rule.get("severity"),
                      "title": rule.find(XCCDF + "title").text.strip(),
                      "platforms": [p for p in platforms[rid] if p != "system_with_kernel"],
                      "probes": oval.probes(definition), "values": variables})
        rules[rid] = entry
    return {"profile": {"id": STIG_PROFILE, "title": profile.find(XCCDF + "title").text.strip(),
                        "version": profile.find(XCCDF + "version").text.strip()},
            "data_stream": path.name,
            "rules": {rid: rules[rid] for rid in RULES if rid in rules}}


def extract() -> dict:
    return {
        "about": ("Which ComplianceAsCode rules the compliance view shows, per RHEL release, "
                  "with the STIG ids, titles and variable values read from the content. "
                  "Generated by `python -m tests.scap.extract_rules` from the Debian package "
                  "%s %s (sha256 %s); do not edit by hand." % (PACKAGE, VERSION, SHA256)),
        "content": {"name": "ComplianceAsCode (SCAP Security Guide)", "version": CONTENT_VERSION,
                    "package": "%s %s" % (PACKAGE, VERSION)},
        "releases": {str(major): extract_release(path) for major, path in data_streams().items()},
    }


def render(data: dict) -> str:
    """Indented, with each rule and profile on one line (a diff shows what a rule changed)."""
    def one_line(value) -> str:
        return json.dumps(value, sort_keys=False)
    lines = ["{", ' "about": %s,' % one_line(data["about"]), ' "content": %s,' % one_line(data["content"]),
             ' "releases": {']
    releases = list(data["releases"].items())
    for index, (major, release) in enumerate(releases):
        lines += ['  "%s": {' % major, '   "profile": %s,' % one_line(release["profile"]),
                  '   "data_stream": %s,' % one_line(release["data_stream"]), '   "rules": {']
        rules = list(release["rules"].items())
        lines += ['    %s: %s%s' % (one_line(rid), one_line(rule), "," if i < len(rules) - 1 else "")
                  for i, (rid, rule) in enumerate(rules)]
        lines += ["   }", "  }" + ("," if index < len(releases) - 1 else "")]
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare with the data file")
    args = parser.parse_args(argv)
    text = render(extract())
    if args.check:
        same = DATA_FILE.exists() and DATA_FILE.read_text() == text
        print("%s is %s" % (DATA_FILE, "up to date" if same else "OUT OF DATE"))
        return 0 if same else 1
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(text)
    print("wrote %s" % DATA_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
