"""The content's checks of rsyslog's configuration (/etc/rsyslog.conf and /etc/rsyslog.d),
rule by rule. Patterns are the OVAL's (content 0.1.82), copied verbatim; textfile.py reads
them. Each rule reads the drop-in files its own OVAL object names (the file name patterns
differ slightly between rules)."""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Tuple

from wizard.compliance.audit_rules import package, service
from wizard.compliance.content import ContentRule
from wizard.compliance.textfile import instances, state_matches, subexpressions
from wizard.compliance.verdict import Subject, Verdict, manual, met, not_met

Check = Callable[[Subject, ContentRule], Verdict]
RSYSLOG_CONF = "/etc/rsyslog.conf"
RSYSLOG_D = "/etc/rsyslog.d"
CONF = r"^.+\.conf$"         # rsyslog_remote_loghost, rsyslog_omfwd_*, remote_access_monitoring
ANY_CONF = r"^.*conf$"       # rsyslog_encrypt_offload_*
DOT_CONF = r"^.*\.conf$"     # rsyslog_nolisten
TLS_HINT = "step 8, Encryption: tls"
OMFWD = re.compile(r'(?i)\btype\s*=\s*"omfwd"')


def texts(s: Subject, names: str) -> List[str]:
    """rsyslog.conf and the drop-ins whose names match (as the rule's OVAL object lists them)."""
    found = [s.host.read(RSYSLOG_CONF)]
    found += [s.host.read("%s/%s" % (RSYSLOG_D, n)) for n in s.host.names_in(RSYSLOG_D)
              if re.match(names, n)]
    return [t for t in found if t is not None]


def any_instance(s: Subject, names: str, *patterns: str) -> bool:
    return any(instances(t, p) for t in texts(s, names) for p in patterns)


def forwards(s: Subject) -> bool:
    return any(OMFWD.search(t) for t in texts(s, CONF))


def _not_forwarding(s: Subject, what: str) -> Verdict:
    a = s.answers
    if a.role == "receiver":
        return not_met("%s; this host is the log host: its rsyslog forwards nothing" % what)
    if a.method == "audisp-remote":
        return not_met("%s; audisp-remote forwards this host's records, and the STIG checks "
                       "rsyslog (method rsyslog)" % what)
    return not_met(what)


# ---------------------------------------------------------------- offloading
LOGHOST_LEGACY = r"^\*\.\*[\s]+(?:@|\:omrelp\:)"
LOGHOST_RAINER = (r'(?ms)^\s*\*\.\*\s+action\(\s*.*(?i)\btype\b(?-i)="omfwd"\s*.*(?i)\btarget\b(?-i)="\S+"'
                  r'\s*.*\)\s*$')


def remote_loghost(s: Subject, rule: ContentRule) -> Verdict:
    if any_instance(s, CONF, LOGHOST_LEGACY, LOGHOST_RAINER):
        return met("every facility (`*.*`) is forwarded with omfwd")
    if forwards(s) and s.answers.role == "sender":
        return not_met("only some messages are forwarded (an omfwd action behind a filter, like "
                       "the audit facility only); the check wants every facility (`*.*`) "
                       "forwarded", "step 4, Forward: all")
    return _not_forwarding(s, "no `*.* @@host` or `*.* action(type=\"omfwd\" ...)`")


# ---------------------------------------------------------------- RHEL 8/9: encrypt offload
def _legacy_or_rainer(legacy: str, rainer: str, found: str, missing: str,
                      about_sending: bool) -> Check:
    def check(s: Subject, rule: ContentRule) -> Verdict:
        if any_instance(s, ANY_CONF, legacy, rainer):
            return met(found)
        if about_sending and not forwards(s):
            return _not_forwarding(s, "%s: this rule checks the sending side (an omfwd action)"
                                   % missing)
        return not_met(missing, TLS_HINT)
    return check


DRIVER_FOUND = 'DefaultNetstreamDriver="gtls"'


def default_driver(s: Subject, rule: ContentRule) -> Verdict:
    verdict = _legacy_or_rainer(
        r"^\s*\$DefaultNetstreamDriver\s+gtls\s*$",
        r'(?ms)^\s*global\(.*(?i)\bDefaultNetStreamDriver\b(?-i)="gtls".*\)\s*$',
        DRIVER_FOUND, "no DefaultNetstreamDriver gtls", about_sending=False)(s, rule)
    if verdict.status != "met" and any_instance(
            s, ANY_CONF, r'(?i)\bDefaultNetStreamDriver\b(?-i)\s*=\s*"ossl"'):
        return not_met('DefaultNetstreamDriver="ossl": the RHEL %d STIG check accepts only gtls '
                       "(rsyslog-gnutls)" % s.major, "step 8, TLS driver: gtls")
    return verdict


send_mode = _legacy_or_rainer(
    r"^\s*\$ActionSendStreamDriverMode\s+1\s*$",
    r'(?ms)^\s*action\(.*(?i)\btype\b(?-i)="omfwd".*(?i)\bStreamDriverMode\b(?-i)="1".*\)\s*$',
    'omfwd with StreamDriverMode="1" (TLS only)', "no omfwd action with StreamDriverMode=\"1\"",
    about_sending=True)

auth_mode = _legacy_or_rainer(
    r"^\s*\$ActionSendStreamDriverAuthMode\s+x509/name\s*$",
    r'(?ms)^\s*action\(.*(?i)\btype\b(?-i)="omfwd".*(?i)\bStreamDriverAuthMode\b(?-i)="x509/name".*\)\s*$',
    'omfwd with StreamDriverAuthMode="x509/name"', 'no omfwd action with StreamDriverAuthMode="x509/name"',
    about_sending=True)


# ---------------------------------------------------------------- RHEL 10: each omfwd action
OMFWD_BLOCK = r'^\s*action\((?i)type(?-i)="omfwd"(.+?)\)'   # singleline: up to the first ")"
TLS_ON = r'[\S\s]*\s(?:(?i)tls(?-i)\s*=\s*"on"|(?i)streamdrivermode(?-i)\s*=\s*"1")'
TLS_OFF = r'[\S\s]*\s(?:(?i)tls(?-i)\s*=\s*"off"|(?i)streamdrivermode(?-i)\s*=\s*"0")'
STREAMDRIVER = r'[\S\s]*\s(?i)streamdriver(?-i)\s*=\s*"(gtls|ossl)"'
AUTHMODE = r'[\S\s]*\s(?i)(?:streamdriver\.authmode|tls\.authmode|streamdriverauthmode)(?-i)\s*=\s*"x509/name"'
PEER_SPELLINGS = r"(?i)(?:streamdriver\.permittedpeer|tls\.permittedpeer|streamdriverpermittedpeer)(?-i)"
PEER = r'[\S\s]*\s' + PEER_SPELLINGS + r'\s*=\s*"[^"]+"'
PEER_VALUE = (r'^\s*action\((?i)type(?-i)="omfwd"[\S\s]+?' + PEER_SPELLINGS +
              r'\s*=\s*"([^"]+)"[\S\s]*?\)')
RSYSLOG_PEERS = r'[\S\s]*\s(?i)streamdriverpermittedpeers(?-i)\s*=\s*"([^"]+)"'
NO_OMFWD = ("no omfwd action (rsyslog forwards nothing from this host); the rule checks only "
            "omfwd actions")


def omfwd_blocks(s: Subject) -> List[str]:
    return [b for t in texts(s, CONF) for b in subexpressions(t, OMFWD_BLOCK, singleline=True)]


def _every(pattern: str) -> Callable[[List[str]], bool]:
    return lambda blocks: all(state_matches(b, pattern) for b in blocks)


def _each_omfwd(ok: Callable[[List[str]], bool], found: str, missing: str) -> Check:
    def check(s: Subject, rule: ContentRule) -> Verdict:
        blocks = omfwd_blocks(s)
        if not blocks:
            return met(NO_OMFWD)
        return met(found) if ok(blocks) else not_met(missing, TLS_HINT)
    return check


omfwd_tls = _each_omfwd(lambda blocks: _every(TLS_ON)(blocks) and not _every(TLS_OFF)(blocks),
                        'every omfwd action has StreamDriverMode="1" (TLS)',
                        'an omfwd action without TLS (StreamDriverMode="1" or tls="on")')
omfwd_streamdriver = _each_omfwd(_every(STREAMDRIVER), "every omfwd action names StreamDriver gtls or ossl",
                                 'an omfwd action without StreamDriver="gtls" or "ossl"')


def omfwd_authmode(s: Subject, rule: ContentRule) -> Verdict:
    blocks = omfwd_blocks(s)
    if not blocks:
        return met(NO_OMFWD)
    if not _every(AUTHMODE)(blocks):
        return not_met('an omfwd action without StreamDriverAuthMode="x509/name"', TLS_HINT)
    site = s.site_values.get("rsyslog_remote_loghost_address") or rule.values["rsyslog_remote_loghost_address"]
    values = [v for t in texts(s, CONF) for v in subexpressions(t, PEER_VALUE, singleline=True)]
    if _every(PEER)(blocks) and values and all(v == site for v in values):
        return met("x509/name, permitted peer %s" % site)
    peers = [subexpressions(b, RSYSLOG_PEERS)[:1] for b in blocks]
    if all(peers):
        return manual("content quirk: the RHEL 10 check wants the permitted peer spelled "
                      "streamdriver.permittedpeer, tls.permittedpeer or streamdriverpermittedpeer "
                      "(equal to rsyslog_remote_loghost_address = %s); rsyslog knows only "
                      "StreamDriverPermittedPeers (it refuses the others: \"parameter not known\"). "
                      "The scanner reports fail; review: x509/name with permitted peers %s"
                      % (site, ", ".join(p[0] for p in peers)), "fail")
    return not_met("an omfwd action without permitted peers", TLS_HINT)


# ---------------------------------------------------------------- what rsyslog logs, listens to
def _facility(name: str) -> str:
    return (r"^[ \t]*(?:(?:\w+,)*%(f)s(?:,\w+)*\.\*|\S+;%(f)s\.\*|%(f)s\.\*;\S+|\S+;%(f)s\.\*;\S+)"
            r"[ \t]+(?:(?!(?i)action(?-i)\()\S+|(?i)action(?-i)\([^)]*(?i)file(?-i)\s*=\s*"
            r"[\"'][^\"']+[\"'][^)]*\))\s*$") % {"f": name}


ACCESS_FACILITIES = ("auth", "authpriv", "daemon")


def remote_access_monitoring(s: Subject, rule: ContentRule) -> Verdict:
    missing = [f for f in ACCESS_FACILITIES if not any_instance(s, CONF, _facility(f))]
    if not missing:
        return met("auth.*, authpriv.* and daemon.* are logged to files")
    return not_met("no rule writes %s to a file" % " or ".join(f + ".*" for f in missing),
                   "step 8, Log auth/daemon: yes")


NOLISTEN_LEGACY = r"^[\s]*\$((?:Input(?:TCP|RELP)|UDP)ServerRun|ModLoad[\s]+(imtcp|imudp|imrelp))"
NOLISTEN_RAINER = r'^\s*(?:module|input)\((?:load|type)="(imtcp|imudp|imrelp)".*$'


def nolisten(s: Subject, rule: ContentRule) -> Verdict:
    if not any_instance(s, DOT_CONF, NOLISTEN_LEGACY, NOLISTEN_RAINER):
        return met("rsyslog loads no network input (imtcp, imudp, imrelp)")
    if s.answers.role == "receiver" and s.answers.method == "rsyslog":
        return manual("documented exception: this host is the log server, so its rsyslog listens "
                      "(imtcp). The STIG accepts that when the ISSO has it documented; the scanner "
                      "reports fail. Keep the documentation for the auditor", "fail")
    return not_met("rsyslog loads a network input (imtcp, imudp or imrelp)")


CHECKS: Dict[str, Tuple[Check, str]] = {
    "package_rsyslog_installed": package("rsyslog"),
    "service_rsyslog_enabled": service("rsyslog", "rsyslog"),
    "package_rsyslog-gnutls_installed": package("rsyslog-gnutls", "step 8, TLS driver: gtls"),
    "rsyslog_remote_loghost": (remote_loghost, "a line `*.* @@host` or `*.* action(type=\"omfwd\" "
                                               "target=...)` in rsyslog.conf or a drop-in"),
    "rsyslog_encrypt_offload_defaultnetstreamdriver": (
        default_driver, '`$DefaultNetstreamDriver gtls` or global(DefaultNetstreamDriver="gtls")'),
    "rsyslog_encrypt_offload_actionsendstreamdrivermode": (
        send_mode, '`$ActionSendStreamDriverMode 1` or an omfwd action with StreamDriverMode="1"'),
    "rsyslog_encrypt_offload_actionsendstreamdriverauthmode": (
        auth_mode, '`$ActionSendStreamDriverAuthMode x509/name` or an omfwd action with '
                   'StreamDriverAuthMode="x509/name"'),
    "rsyslog_omfwd_tls": (omfwd_tls, 'every omfwd action has StreamDriverMode="1" or tls="on" '
                                     '(none at all also passes)'),
    "rsyslog_omfwd_streamdriver": (omfwd_streamdriver, 'every omfwd action has StreamDriver="gtls" or '
                                                       '"ossl" (none at all also passes)'),
    "rsyslog_omfwd_authmode": (omfwd_authmode, 'every omfwd action has x509/name and a permitted peer '
                                               '(streamdriver.permittedpeer, tls.permittedpeer or '
                                               'streamdriverpermittedpeer) equal to '
                                               'rsyslog_remote_loghost_address (none at all also passes)'),
    "rsyslog_remote_access_monitoring": (remote_access_monitoring, "rules writing auth.*, authpriv.* "
                                                                   "and daemon.* to files"),
    "rsyslog_nolisten": (nolisten, "no imtcp, imudp or imrelp module or input"),
}
