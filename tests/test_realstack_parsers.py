"""The real parsers (auditd 3.x, audisp-remote, rsyslogd -N1) as validators: every config set
the wizard generates must be accepted, and the known-bad files must be rejected with the
parser's own reason. Runs in a private namespace (see tests/realstack/harness.py)."""
from pathlib import Path

import pytest

from tests.realstack.configsets import (AUDISP_REMOTE_VARIANTS, FIXTURES, build_config_set,
                                        config_set_names)
from tests.realstack.conftest import config_workdir, pki, realstack  # noqa: F401 (fixtures)
from tests.realstack.harness import check_audisp_remote, check_auditd_conf, check_rsyslog
from tests.realstack.rsyslog_setup import rsyslog_configs

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack")]


@pytest.mark.parametrize("name", config_set_names() + ["fixture-sender", "fixture-receiver"])
def test_auditd_accepts_config_set(name, config_workdir):
    result = check_auditd_conf(build_config_set(name, config_workdir))
    assert result.accepted, "auditd rejected %s: %s" % (name, result)


@pytest.mark.parametrize("name", [n for n in config_set_names()
                                  if n.endswith(AUDISP_REMOTE_VARIANTS)] + ["fixture-sender"])
def test_audisp_remote_accepts_sender_set(name, config_workdir):
    etc_audit = build_config_set(name, config_workdir)
    result = check_audisp_remote(etc_audit)
    assert result.accepted, "audisp-remote rejected %s: %s" % (name, result)
    assert "Audisp-remote started" in result.reason     # the syslog capture really works


@pytest.mark.parametrize("fixture, reason", [
    # The popular guide's `format = encrypted`: the negative control for the whole harness.
    ("invalid-format-encrypted", "Option encrypted not found - line 8"),
    ("invalid-unknown-key-remote", 'Unknown keyword "remote_sever" in line 2'),
    ("invalid-no-spaces-remote", "Wrong number of arguments for line 3"),
])
def test_audisp_remote_rejects(fixture, reason):
    result = check_audisp_remote(FIXTURES / fixture)
    assert not result.accepted and result.exit_code == 6, str(result)
    assert reason in result.reason


@pytest.mark.parametrize("fixture, reason", [
    ("invalid-unknown-key-auditd", 'Unknown keyword "tcp_listen_ports" in line 23'),
    ("invalid-no-spaces-auditd", "Wrong number of arguments for line 23"),
])
def test_auditd_rejects(fixture, reason):
    result = check_auditd_conf(FIXTURES / fixture)
    assert not result.accepted and result.exit_code == 6, str(result)
    assert reason in result.reason


def test_rsyslog_accepts_the_tls_fixtures(pki, tmp_path):
    confs = rsyslog_configs(tmp_path, pki, tmp_path / "devlog.sock")
    for role, conf in confs.items():
        result = check_rsyslog(conf)
        assert result.accepted, "%s: %s" % (role, result)


DROPIN = """module(load="imtcp")
input(type="imtcp" port="6514" ruleset="remote")
template(name="per-host" type="string" string="/var/log/remote/%hostname%.log")
ruleset(name="remote") { action(type="omfile" dynaFile="per-host") }
"""


def test_rsyslog_checks_a_dropin_dir_through_a_main_config(tmp_path):
    dropins = tmp_path / "rsyslog.d"
    dropins.mkdir()
    (dropins / "50-receiver.conf").write_text(DROPIN)
    assert check_rsyslog(dropins).accepted
    (dropins / "60-typo.conf").write_text('module(load="imtcp" StreamDriver.Mdoe="1")\n')
    result = check_rsyslog(dropins)
    assert not result.accepted and "StreamDriver.Mdoe" in result.reason, str(result)


def test_rsyslog_rejects_an_unknown_action_parameter(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text('*.* action(type="omfwd" target="127.0.0.1" port="6514" '
                    'StreamDriverAuthmode="x509/name" StreamDriverPermitedPeers="x")\n')
    result = check_rsyslog(conf)
    assert not result.accepted and "StreamDriverPermitedPeers" in result.reason, str(result)
