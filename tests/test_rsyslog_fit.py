"""The rsyslog drop-ins in the whole rsyslog configuration (issue #10 items 5e and 5g): the
planner reads /etc/rsyslog.conf and everything it includes, refuses what real rsyslogd would
turn into a TLS listener without TLS, leaves out what another file already sets, lifts
imjournal's rate limit where rsyslog reads the journal, and every combined configuration it
produces passes the real `rsyslogd -N1` (8.2302 here; -N1 only parses, so it runs on the host)."""
import subprocess
import time
from pathlib import Path

import pytest

from backends.host import Host
from backends.sh_runner import ShRunner
from tests.realstack.conftest import require_realstack
from tests.security_helpers import all_notes, open_session, writes
from wizard import rsyslog_config
from wizard.plan.errors import PlanError
from wizard.plan.methods.rsyslog_dropins import dropin_paths
from wizard.probe import SystemState
from wizard.rsyslog_check import check_config
from wizard.security_report import dropin_checks

FORWARD = "/etc/rsyslog.d/auditd-wizard-forward.conf"
COLLECT = "/etc/rsyslog.d/auditd-wizard-collect.conf"
# The two layouts EL ships (comments shortened): EL8 loads the modules, then includes the
# drop-ins after the global directives; EL9/EL10 include them between the modules and the
# commented imudp/imtcp examples (EL9's imjournal also has FileCreateMode="0644", a parameter
# Debian's rsyslogd does not know). {imtcp} is "#" (as shipped) or "" (uncommented).
EL8 = """#### MODULES ####
module(load="imuxsock" SysSock.Use="off")
module(load="imjournal" StateFile="imjournal.state")
{imtcp}module(load="imtcp") # needs to be done just once
{imtcp}input(type="imtcp" port="514")
#### GLOBAL DIRECTIVES ####
global(workDirectory="{work}")
module(load="builtin:omfile" Template="RSYSLOG_TraditionalFileFormat")
include(file="/etc/rsyslog.d/*.conf" mode="optional")
#### RULES ####
*.info;mail.none;authpriv.none;cron.none                /var/log/messages
"""
EL9 = """#### GLOBAL DIRECTIVES ####
global(workDirectory="{work}")
module(load="builtin:omfile" Template="RSYSLOG_TraditionalFileFormat")
#### MODULES ####
module(load="imuxsock" SysSock.Use="off")
module(load="imjournal" UsePid="system" StateFile="imjournal.state")
include(file="/etc/rsyslog.d/*.conf" mode="optional")
{imtcp}module(load="imtcp") # needs to be done just once
{imtcp}input(type="imtcp" port="514")
#### RULES ####
*.info;mail.none;authpriv.none;cron.none                /var/log/messages
"""
LAYOUTS = {"el8": EL8, "el9": EL9}


def _answers(role: str, tls: bool, pki: Path, driver: str = "gtls") -> str:
    text = 'role = "%s"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n' % role
    if tls:
        text += ('[security]\nencryption = "tls"\ntls_driver = "%s"\nca_file = "%s/ca.pem"\n'
                 'cert_file = "%s/cert.pem"\nkey_file = "%s/key.pem"\npeer_names = ["web01.example.com"]\n'
                 % (driver, pki, pki, pki))
    return text


def _session(tmp_path: Path, role: str, tls: bool, main: str, extra=None, driver="gtls"):
    pki = tmp_path / "pki"
    pki.mkdir(parents=True, exist_ok=True)
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (pki / name).write_text("-----BEGIN CERTIFICATE-----\n")
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    session = open_session(tmp_path, _answers(role, tls, pki, driver))
    (session.root / "etc/rsyslog.conf").write_text(main.replace("{work}", str(work)))
    for path, text in (extra or {}).items():
        (session.root / path.lstrip("/")).write_text(text)
    session._refresh()
    return session


def _combined(session) -> str:
    """The configuration after applying the plan: the host's files with the planned writes."""
    files = rsyslog_config.read_files(session._host)
    files.update({path: text for path, text in writes(session).items() if path.startswith("/etc/rsyslog")})
    return rsyslog_config.combined_text(files)


@pytest.fixture(scope="module")
def rsyslogd():
    require_realstack()
    return ShRunner()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("role, tls, driver", [("sender", False, "gtls"), ("sender", True, "gtls"),
                                               ("sender", True, "ossl"), ("receiver", False, "gtls"),
                                               ("receiver", True, "gtls"), ("receiver", True, "ossl")])
def test_every_combined_configuration_passes_the_real_rsyslogd(tmp_path, rsyslogd, layout, role, tls, driver):
    session = _session(tmp_path, role, tls, LAYOUTS[layout].replace("{imtcp}", "#"), driver=driver)
    result = check_config(_combined(session), rsyslogd)
    assert result.ok, result.output
    dropin = writes(session)[FORWARD if role == "sender" else COLLECT]
    assert ("$imjournalRatelimitInterval 0" in dropin) is (role == "sender")     # 5g


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_tls_receiver_with_imtcp_loaded_elsewhere_is_refused(tmp_path, rsyslogd, layout):
    """The uncommented EL default: real rsyslogd drops the drop-in's TLS settings and takes
    plaintext from anyone on the TLS port; the planner refuses and says which line."""
    main = LAYOUTS[layout].replace("{imtcp}", "")
    session = _session(tmp_path, "receiver", True, main)
    message = session.plan_error() or ""
    line = next(n for n, text in enumerate(main.splitlines(), 1) if text.startswith('module(load="imtcp")'))
    assert "/etc/rsyslog.conf line %d loads imtcp already" % line in message
    assert "StreamDriver.Mode" in message and "plaintext" in message
    # What the planner would have written before: the real rsyslogd says why it is wrong.
    naive = _session(tmp_path / "naive", "receiver", True, LAYOUTS[layout].replace("{imtcp}", "#"))
    files = rsyslog_config.read_files(naive._host)
    files["/etc/rsyslog.conf"] = main.replace("{work}", str(tmp_path / "work"))
    files[COLLECT] = writes(naive)[COLLECT]
    refused = check_config(rsyslog_config.combined_text(files), rsyslogd)
    assert not refused.ok and "already in this config" in refused.output


def test_plain_receiver_uses_imtcp_loaded_before_it(tmp_path, rsyslogd):
    session = _session(tmp_path, "receiver", False, EL8.replace("{imtcp}", ""))
    dropin = writes(session)[COLLECT]
    assert 'module(load="imtcp")' not in dropin and 'input(type="imtcp" port="6514"' in dropin
    assert "imtcp is loaded by /etc/rsyslog.conf line 4" in all_notes(session)
    assert check_config(_combined(session), rsyslogd).ok
    later = _session(tmp_path / "later", "receiver", False, EL9.replace("{imtcp}", ""))
    assert "loads imtcp after the drop-in is read" in (later.plan_error() or "")


@pytest.mark.parametrize("role", ["sender", "receiver"])
def test_a_global_set_elsewhere_is_left_out_when_equal_and_refused_when_not(tmp_path, rsyslogd, role):
    pki = tmp_path / "same" / "pki"
    same = {"/etc/rsyslog.d/10-tls.conf": 'global(DefaultNetstreamDriver="gtls" '
                                          'DefaultNetstreamDriverCAFile="%s/ca.pem")\n' % pki}
    session = _session(tmp_path / "same", role, True, EL9.replace("{imtcp}", "#"), same)
    dropin = writes(session)[FORWARD if role == "sender" else COLLECT]
    assert "DefaultNetstreamDriverCAFile" not in dropin and "DefaultNetstreamDriverCertFile" in dropin
    assert check_config(_combined(session), rsyslogd).ok
    other = {"/etc/rsyslog.d/10-tls.conf": 'global(DefaultNetstreamDriver="ossl")\n'}
    refused = _session(tmp_path / "other", role, True, EL9.replace("{imtcp}", "#"), other)
    message = refused.plan_error() or ""
    assert "/etc/rsyslog.d/10-tls.conf line 1 sets defaultnetstreamdriver to 'ossl'" in message
    legacy = {"/etc/rsyslog.d/10-tls.conf": "$DefaultNetstreamDriverCAFile /etc/pki/other.pem\n"}
    refused = _session(tmp_path / "legacy", role, True, EL9.replace("{imtcp}", "#"), legacy)
    assert "defaultnetstreamdrivercafile to '/etc/pki/other.pem'" in (refused.plan_error() or "")


def test_a_listener_on_the_same_port_and_a_main_file_without_includes_are_refused(tmp_path):
    taken = {"/etc/rsyslog.d/old.conf": 'input(type="imtcp" port="6514")\n'}
    session = _session(tmp_path / "port", "receiver", False, EL8.replace("{imtcp}", ""), taken)
    assert "/etc/rsyslog.d/old.conf line 1 already listens on port 6514" in (session.plan_error() or "")
    bare = EL9.replace("{imtcp}", "#").replace('include(file="/etc/rsyslog.d/*.conf" mode="optional")', "")
    session = _session(tmp_path / "bare", "sender", False, bare)
    assert "never read the wizard's drop-in" in (session.plan_error() or "")


def test_the_wizards_own_dropins_are_not_conflicts(tmp_path):
    """A drop-in the wizard wrote (the other role's, which convergence removes) is the
    wizard's to rewrite: it is not read as someone else's setting."""
    old = {FORWARD: 'global(DefaultNetstreamDriver="ossl")\n'}
    session = _session(tmp_path, "receiver", True, EL9.replace("{imtcp}", "#"), old)
    assert session.plan_error() is None
    assert set(dropin_paths(session.facts.layout)) == {FORWARD, COLLECT}


def test_imjournal_rate_limit_is_lifted_and_the_plan_says_why(tmp_path):
    """EL's rsyslog reads the journal through imjournal, which keeps 20000 messages per 600 s
    (about 33 a second) by default; journald keeps 10000 per 30 s per service (5g)."""
    session = _session(tmp_path, "sender", False, EL9.replace("{imtcp}", "#"))
    notes = all_notes(session)
    assert "20000 messages per 600 s (about 33 a second)" in notes
    assert "imjournal, /etc/rsyslog.conf line 6" in notes
    unit = writes(session)["/etc/systemd/system/auditd.service.d/auditd-wizard-log-rate.conf"]
    assert "[Service]\nLogRateLimitIntervalSec=0\n" in unit
    argv = [c.argv for c in session.plan().changes if c.kind == "run-command"]
    assert ["systemctl", "daemon-reload"] in argv
    kinds = [c.kind for c in session.plan().changes]
    assert kinds.index("run-command") < max(i for i, k in enumerate(kinds) if k == "restart")
    set_by_admin = EL9.replace('StateFile="imjournal.state")', 'StateFile="imjournal.state" Ratelimit.Interval="60")')
    kept = _session(tmp_path / "admin", "sender", False, set_by_admin.replace("{imtcp}", "#"))
    assert "$imjournalRatelimitInterval" not in writes(kept)[FORWARD]
    assert "ratelimit.interval=60: audit records beyond its burst are dropped" in all_notes(kept)


def test_el8_says_what_journald_does_without_a_per_service_limit(tmp_path):
    session = open_session(tmp_path, _answers("sender", False, tmp_path), "almalinux-8")
    assert "EL8's systemd 239 has no per-service log limit" in all_notes(session)
    assert not [p for p in writes(session) if p.startswith("/etc/systemd/")]


def _imjournal_limit(tmp_path: Path, conf_text: str, name: str) -> str:
    """What real rsyslogd says about imjournal's rate limit when it starts with `conf_text`:
    run in private mount/net/PID namespaces with empty journal folders (it reads nothing of
    the host's journal and writes only under tmp_path), stopped as soon as it says it."""
    conf = tmp_path / ("%s.conf" % name)
    conf.write_text(conf_text)
    script = ("for d in /run/log/journal /var/log/journal; do [ -d $d ] && mount -t tmpfs tmpfs $d; "
              "done; exec rsyslogd -n -d -f \"$1\" -i \"$2\"")
    proc = subprocess.Popen(["unshare", "-m", "-n", "-p", "--fork", "--kill-child",
                             "--propagation", "private", "sh", "-c", script, "sh", str(conf),
                             str(tmp_path / ("%s.pid" % name))],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline().decode(errors="replace")
            if not line:
                break
            if "imjournal: ratelimiting" in line:
                return line.split("imjournal: ", 1)[1].strip()
        return "(no ratelimiting line)"
    finally:
        proc.kill()         # unshare ignores SIGTERM; --kill-child takes the namespace down with it
        proc.wait(timeout=10)
        proc.stdout.close()


def test_real_rsyslogd_reads_the_journal_without_a_limit_with_the_dropin(tmp_path, rsyslogd):
    """The legacy directive in the drop-in, read after rsyslog.conf loaded imjournal, really
    sets the limit (seen in rsyslogd's own debug output); without it: 20000 per 600 s."""
    session = _session(tmp_path, "sender", False, EL9.replace("{imtcp}", "#"))
    combined = "\n".join(l for l in _combined(session).splitlines() if "/var/log/messages" not in l)
    assert _imjournal_limit(tmp_path, combined + "\n", "with") == "ratelimiting burst 20000, interval 0"
    without = combined.replace("$imjournalRatelimitInterval 0", "")
    assert _imjournal_limit(tmp_path, without + "\n", "without") == "ratelimiting burst 20000, interval 600"


class _RealHost(Host):
    """A host whose files are under a test folder but whose commands are real (rsyslogd -N1
    only parses): what the Security report does on a real host."""
    is_real = True


def test_the_security_report_checks_the_whole_configuration_and_the_driver_package(tmp_path, rsyslogd):
    session = _session(tmp_path, "receiver", True, EL9.replace("{imtcp}", "#"))
    host = _RealHost(session.root, rsyslogd)
    checks = dropin_checks(host, session.facts, session.answers, SystemState())
    assert [(f.level, f.subject) for f in checks] == [("warning", "rsyslog-gnutls"), ("ok", "rsyslogd -N1")]
    assert "the plan installs it" in checks[0].text
    assert checks[1].text == "rsyslogd -N1 accepts the whole rsyslog configuration"
    (session.root / "etc/rsyslog.conf").write_text(
        EL9.replace("{imtcp}", "").replace("{work}", str(tmp_path / "work")))
    checks = dropin_checks(host, session.facts, session.answers, SystemState(installed={"rsyslog-gnutls": "8"}))
    assert checks[0].level == "ok" and checks[1].level == "error"
    assert "/etc/rsyslog.conf line 8 loads imtcp already" in checks[1].text
