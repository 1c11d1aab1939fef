"""The content's checks of audit's packages, service and configuration files, rule by rule.
Patterns are the OVAL's (content 0.1.82), copied verbatim; textfile.py reads them."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from wizard.compliance.content import ContentRule
from wizard.compliance.textfile import instances, state_matches, subexpressions
from wizard.compliance.verdict import Subject, Verdict, manual, met, not_met

AUDITD_CONF = "/etc/audit/auditd.conf"
AUDISP_REMOTE_CONF = "/etc/audit/audisp-remote.conf"
SYSLOG_PLUGIN_CONF = "/etc/audit/plugins.d/syslog.conf"

Check = Callable[[Subject, ContentRule], Verdict]


def _step2(label: str) -> str:
    return "step 2, %s" % label


def package(name: str, hint: Optional[str] = None) -> Tuple[Check, str]:
    def check(s: Subject, rule: ContentRule) -> Verdict:
        if s.host.installed(name):
            return met("%s is installed" % name)
        return not_met("%s is not installed" % name, hint)
    return check, "the rpm database lists the package %s" % name


def service(unit: str, package_name: str) -> Tuple[Check, str]:
    def check(s: Subject, rule: ContentRule) -> Verdict:
        if not s.host.installed(package_name):
            return not_met("%s is not installed" % package_name)
        enabled, active = s.host.service(unit)
        if enabled and active:
            return met("%s is enabled and running" % unit)
        missing = [word for word, ok in (("enabled", enabled), ("running", active)) if not ok]
        return not_met("%s is not %s" % (unit, " nor ".join(missing)))
    return check, ("%s installed, %s.service active (systemd) and wanted by multi-user.target"
                   % (package_name, unit))


# ---------------------------------------------------------------- auditd.conf
def _key_pattern(key: str) -> str:
    # auditd_name_format, _overflow_action, _log_format, _local_events
    return r"^[ \t]*(?i)%s(?-i)[ \t]*=[ \t]*(.+?)[ \t]*(?:$|#)" % key


def auditd_setting(key: str, state: Callable[[ContentRule], str], wanted: str,
                   hint: Optional[str]) -> Tuple[Check, str]:
    """Every `key = value` line of auditd.conf (at least one) must match the state pattern."""
    def check(s: Subject, rule: ContentRule) -> Verdict:
        text = s.host.read(AUDITD_CONF)
        if text is None:
            return not_met("%s does not exist" % AUDITD_CONF)
        values = subexpressions(text, _key_pattern(key))
        if not values:
            return not_met("auditd.conf has no %s line; the check wants %s" % (key, wanted), hint)
        wrong = [v for v in values if not state_matches(v, state(rule))]
        if wrong:
            return not_met("%s = %s; the check wants %s" % (key, wrong[0], wanted), hint)
        return met("%s = %s" % (key, values[-1]))
    return check, "every %s line of %s is %s" % (key, AUDITD_CONF, wanted)


def _name_format_state(rule: ContentRule) -> str:
    return "(?i)" + rule.values["var_auditd_name_format"]


def _any_of(text: str) -> str:
    return " or ".join(v.upper() for v in text.split("|"))


def _disk_hint(key: str) -> str:
    return _step2("%s: syslog, single or halt" % DISK_LABELS[key])


DISK_LABELS = {"disk_full_action": "On log disk full", "disk_error_action": "On log disk error"}


def disk_action(key: str) -> Tuple[Check, str]:
    """RHEL 8 (auditd_data_disk_full_action, _error_action): every `key = value` line, at least
    one, matches the STIG's value (a regex, "syslog|single|halt"), case-insensitive."""
    pattern = r"^[ ]*%s[ ]+=[ ]+(\S+)[ ]*$" % key
    var = "var_auditd_%s" % key

    def check(s: Subject, rule: ContentRule) -> Verdict:
        wanted = _any_of(rule.values[var])
        values = subexpressions(s.host.read(AUDITD_CONF) or "", pattern)
        if not values:
            return not_met("auditd.conf has no `%s = ...` line; the check wants %s" % (key, wanted),
                           _disk_hint(key))
        wrong = [v for v in values if not state_matches(v, "(?i)" + rule.values[var])]
        if wrong:
            return not_met("%s = %s; the check wants %s" % (key, wrong[0], wanted), _disk_hint(key))
        return met("%s = %s" % (key, values[-1]))
    return check, "every `%s = value` line of %s is one of the STIG's values" % (key, AUDITD_CONF)


STIG_DISK_ACTIONS = ("SYSLOG", "SINGLE", "HALT")


def disk_action_stig(key: str) -> Tuple[Check, str]:
    """RHEL 9 (auditd_data_disk_*_action_stig): the first `key = value` line is SYSLOG, SINGLE
    or HALT (case-insensitive equals)."""
    pattern = r"^[ ]*%s[ ]+=[ ]+(\S+)[ ]*$" % key

    def check(s: Subject, rule: ContentRule) -> Verdict:
        values = subexpressions(s.host.read(AUDITD_CONF) or "", pattern)
        wanted = " or ".join(STIG_DISK_ACTIONS)
        if not values:
            return not_met("auditd.conf has no `%s = ...` line; the check wants %s" % (key, wanted),
                           _disk_hint(key))
        if values[0].upper() not in STIG_DISK_ACTIONS:
            return not_met("%s = %s; the check wants %s" % (key, values[0], wanted), _disk_hint(key))
        return met("%s = %s" % (key, values[0]))
    return check, "the first `%s = value` line of %s is SYSLOG, SINGLE or HALT" % (key, AUDITD_CONF)


# ---------------------------------------------------------------- audisp-remote and plugins
def _first(path_text: Optional[str], pattern: str) -> List[str]:
    return subexpressions(path_text or "", pattern)[:1]


def remote_server() -> Tuple[Check, str]:
    pattern = r"^[ ]*(?i)remote_server(?-i)[ ]+=[ ]+(\S+)[ ]*$"

    def check(s: Subject, rule: ContentRule) -> Verdict:
        site = s.site_values.get("var_audispd_remote_server")
        default = rule.values["var_audispd_remote_server"]
        found = _first(s.host.read(AUDISP_REMOTE_CONF), pattern)
        if not found:
            return not_met("audisp-remote.conf names no remote_server")
        if site and found[0] == site:
            return met("remote_server = %s (set var_audispd_remote_server = %s in your "
                       "tailoring; the content's default is %r)" % (found[0], site, default))
        return not_met("remote_server = %s; the check compares it with var_audispd_remote_server "
                       "(%s)" % (found[0], site or default))
    return check, ("the first remote_server line of %s equals var_audispd_remote_server"
                   % AUDISP_REMOTE_CONF)


def encrypt_sent_records() -> Tuple[Check, str]:
    """RHEL 8 checks `transport = KRB5`; the RHEL 9 data stream checks audit 2.x's
    `enable_krb5 = yes` (audit-facts.md §5), which audit 3.x reads only as a deprecated alias."""
    def check(s: Subject, rule: ContentRule) -> Verdict:
        text = s.host.read(AUDISP_REMOTE_CONF) or ""
        krb5 = instances(text, r"^[ \t]*transport[ \t]*=[ \t]*(?i)krb5(?-i)[ \t]*$")
        if s.major == 8:
            if instances(text, r"^[ ]*transport[ ]+=[ ]+KRB5[ ]*$"):
                return met("transport = KRB5")
            return not_met("audisp-remote.conf has no `transport = KRB5`",
                           "step 8, Encryption: kerberos")
        if instances(text, r"^[ ]*enable_krb5[ ]+=[ ]+yes[ ]*$"):
            return met("enable_krb5 = yes")
        if krb5:
            return manual("content quirk: the RHEL %d check looks for audit 2.x's `enable_krb5 = "
                          "yes`; audit 3.x/4.x encrypt with `transport = KRB5`, which this host "
                          "has (enable_krb5 is only a deprecated alias). The scanner reports fail; "
                          "review: transport = KRB5 in %s" % (s.major, AUDISP_REMOTE_CONF), "fail")
        return not_met("audisp-remote.conf has no `transport = KRB5` (nor enable_krb5 = yes)",
                       "step 8, Encryption: kerberos")
    return check, ("RHEL 8: a line `transport = KRB5` in %s; RHEL 9: a line `enable_krb5 = yes`"
                   % AUDISP_REMOTE_CONF)


def syslog_plugin_active() -> Tuple[Check, str]:
    def check(s: Subject, rule: ContentRule) -> Verdict:
        if instances(s.host.read(SYSLOG_PLUGIN_CONF) or "", r"^[ ]*active[ ]+=[ ]+yes[ ]*$"):
            return met("audit's syslog plugin is active")
        return not_met("audit's syslog plugin is not active (%s)" % SYSLOG_PLUGIN_CONF)
    return check, "a line `active = yes` in %s" % SYSLOG_PLUGIN_CONF


RECEIVER_HINT = "step 6, Record own events: yes"

CHECKS: Dict[str, Tuple[Check, str]] = {
    "package_audit_installed": package("audit"),
    "service_auditd_enabled": service("auditd", "audit"),
    "auditd_name_format": auditd_setting("name_format", _name_format_state, "hostname, fqd or numeric",
                                         _step2("Name format: hostname")),
    "auditd_overflow_action": auditd_setting("overflow_action", lambda r: r"^(?i)(syslog|single|halt)(?-i)$",
                                             "SYSLOG, SINGLE or HALT", _step2("On queue overflow: syslog")),
    "auditd_log_format": auditd_setting("log_format", lambda r: r"^(?i)ENRICHED(?-i)$", "ENRICHED",
                                        _step2("Log format: ENRICHED")),
    "auditd_local_events": auditd_setting("local_events", lambda r: r"^(?i)yes(?-i)$", "yes",
                                          RECEIVER_HINT),
    "auditd_data_disk_full_action": disk_action("disk_full_action"),
    "auditd_data_disk_error_action": disk_action("disk_error_action"),
    "auditd_data_disk_full_action_stig": disk_action_stig("disk_full_action"),
    "auditd_data_disk_error_action_stig": disk_action_stig("disk_error_action"),
    "package_audispd-plugins_installed": package(
        "audispd-plugins", "`dnf install audispd-plugins` (the wizard installs it on senders, where "
                           "its plugins run; the STIG asks for it on every host)"),
    "auditd_audispd_configure_remote_server": remote_server(),
    "auditd_audispd_encrypt_sent_records": encrypt_sent_records(),
    "auditd_audispd_syslog_plugin_activated": syslog_plugin_active(),
}
