"""The rsyslog method end to end over the drop-ins the wizard PLANS and applies (not
hand-written ones): sender auditd -> audisp-syslog (the wizard's syslog.conf) -> /dev/log ->
sender rsyslogd with the wizard's forward drop-in (omfwd, gtls, x509/name, disk-assisted
queue) -> receiver rsyslogd with the wizard's imtcp drop-in -> <remote_dir>/<host>/audit.log.
A plaintext client and an unlisted peer are refused. Also: the domain's `rsyslogd -N1` check
accepts every planned drop-in (gtls and ossl, sender and receiver) and rejects a broken one,
and the lab CA the planner describes really produces certificates rsyslog accepts."""
import os
import socket
import subprocess

import pytest

from backends.changes import FileAttributes, RunCommand
from backends.sh_runner import ShRunner
from tests.realstack.conftest import pki, realstack  # noqa: F401 (fixtures)
from tests.realstack.native_setup import SENDER_HOSTNAME
from tests.realstack.prereqs import find_program
from tests.realstack.rsyslog_planned_setup import run_planned_tls
from wizard import tls
from wizard.plan.methods import rsyslog_dropins
from wizard.model import Answers
from wizard.rsyslog_check import check_dropin

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack"),
              pytest.mark.xdist_group("rsyslog-planned")]   # its module fixture runs once


@pytest.fixture(scope="module")
def planned_run(pki, tmp_path_factory):
    return run_planned_tls(pki, tmp_path_factory.mktemp("planned-tls"))


def test_planned_dropins_are_rainerscript_with_tls(planned_run):
    for text in planned_run["dropins"].values():
        assert "$ModLoad" not in text and 'StreamDriver' in text and "x509/name" in text
    assert "args = LOG_INFO LOG_LOCAL6" in planned_run["syslog_plugin"]


def _fromhost(address: str) -> str:
    """What rsyslog's %FROMHOST% is for a connection from `address`: its DNS name, else it."""
    try:
        return socket.getnameinfo((address, 0), socket.NI_NAMEREQD)[0].lower()
    except OSError:
        return address


def test_audit_records_arrive_over_tls_in_a_directory_per_sender(planned_run):
    assert "%s/audit.log" % _fromhost("127.0.0.1") in planned_run["files"], planned_run["files"]
    text = planned_run["remote_text"]
    assert "node=%s type=DAEMON_START" % SENDER_HOSTNAME in text
    assert planned_run["acks"] == ["acked"] and planned_run["marker"] in text
    own = [l for l in text.splitlines() if " sender01 audispd: " in l]
    assert any("node=%s type=DAEMON_START" % SENDER_HOSTNAME in l for l in own), own
    assert any(planned_run["marker"] in l for l in own)


def test_the_directory_is_the_connection_never_the_host_name_a_sender_writes(planned_run):
    """A client with a valid, permitted certificate that writes HOSTNAME db01 into its message
    lands in the directory of its connection, like every other record from that address
    (issue #10 item 5f: it used to write into remote/db01/)."""
    directories = {path.split("/")[0] for path in planned_run["files"]}
    assert directories == {_fromhost("127.0.0.1")}, planned_run["files"]
    assert planned_run["control_claims"] not in directories
    assert planned_run["control_marker"] in planned_run["remote_text"]


def test_plaintext_client_and_unlisted_peer_are_refused(planned_run):
    seen = planned_run
    assert seen["plaintext"] in ("ConnectionResetError", "closed by server"), seen["plaintext"]
    assert seen["plaintext_marker"] not in seen["remote_text"]
    assert seen["rogue_marker"] not in seen["remote_text"]
    assert "peer name not authorized" in seen["receiver_internal"]
    assert seen["control_arrived"], seen["control"]["output"]   # a listed peer still gets in


@pytest.mark.parametrize("driver,forward", [("gtls", "audit"), ("ossl", "audit"), ("gtls", "all")])
@pytest.mark.parametrize("role", ["sender", "receiver"])
def test_rsyslogd_accepts_every_planned_dropin(pki, role, driver, forward):
    answers = Answers.model_validate({
        "role": role, "method": "rsyslog", "remote": {"server": "receiver.e2e.test"},
        "rsyslog": {"forward": forward},
        "security": {"encryption": "tls", "tls_driver": driver, "ca_file": str(pki / "ca.pem"),
                     "cert_file": str(pki / "server.pem"), "key_file": str(pki / "server-key.pem"),
                     "peer_names": ["sender01.e2e.test", "*.e2e.test"]}})
    text = rsyslog_dropins.sender_dropin(answers) if role == "sender" else rsyslog_dropins.receiver_dropin(answers)
    result = check_dropin(text, ShRunner())
    assert result.ok, result.output


def test_rsyslogd_accepts_the_access_logging_dropin():
    result = check_dropin(rsyslog_dropins.access_dropin(), ShRunner())
    assert result.ok, result.output


def test_rsyslogd_check_rejects_a_broken_dropin(pki):
    broken = rsyslog_dropins.receiver_dropin(Answers.model_validate({
        "role": "receiver", "method": "rsyslog", "security": {
            "encryption": "tls", "ca_file": str(pki / "ca.pem"), "cert_file": str(pki / "server.pem"),
            "key_file": str(pki / "server-key.pem"), "peer_names": ["a.e2e.test"]}}))
    result = check_dropin(broken.replace("StreamDriver.Mode", "StreamDriver.Moode"), ShRunner())
    assert not result.ok and "rejects" in result.summary
    missing = check_dropin(broken.replace("server.pem", "nosuch.pem"), ShRunner())
    assert not missing.ok and "nosuch.pem" in missing.output


def test_lab_ca_makes_certificates_rsyslog_accepts(tmp_path):
    if find_program("openssl") is None:
        message = "openssl is missing (Debian package openssl)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    d = tmp_path / "pki"
    answers = Answers.model_validate({"role": "receiver", "method": "rsyslog", "security": {
        "encryption": "tls", "lab_certificates": True, "ca_file": str(d / "ca.pem"),
        "cert_file": str(d / "cert.pem"), "key_file": str(d / "key.pem"),
        "peer_names": ["sender01.e2e.test", "*.dmz.e2e.test"]}})
    for path, text in tls.lab_files(answers, "receiver.e2e.test"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as out:
            out.write(text)
    for change in tls.lab_changes(answers, "receiver.e2e.test"):
        if isinstance(change, RunCommand):
            subprocess.run(change.argv, check=True, capture_output=True, timeout=30)
        else:
            assert isinstance(change, FileAttributes)
            os.chmod(change.path, change.mode)
    for cert, name in ((d / "cert.pem", "receiver.e2e.test"),
                       (d / "lab" / "sender01.e2e.test.pem", "sender01.e2e.test")):
        verify = subprocess.run(["openssl", "verify", "-CAfile", str(d / "ca.pem"), str(cert)],
                                capture_output=True, text=True, timeout=30)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert tls.certificate_names(cert.read_bytes()) == [name]
    assert oct(os.stat(str(d / "key.pem")).st_mode & 0o777) == "0o600"
    assert check_dropin(rsyslog_dropins.receiver_dropin(answers), ShRunner()).ok
