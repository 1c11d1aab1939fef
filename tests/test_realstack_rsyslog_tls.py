"""End to end over the rsyslog path with the real daemons, in a private namespace:
sender auditd -> audisp-syslog (LOG_INFO LOG_LOCAL6) -> /dev/log -> sender rsyslogd -> TLS
(gtls, x509/name) -> receiver rsyslogd (PermittedPeer) -> one file per host. Certificates are
made here with certtool. The rsyslog configs are tests/realstack/fixtures/rsyslog/*.conf."""
import pytest

from tests.realstack.configsets import FIXTURES
from tests.realstack.conftest import pki, realstack  # noqa: F401 (fixtures)
from tests.realstack.native_setup import SENDER_HOSTNAME
from tests.realstack.rsyslog_setup import run_rsyslog_tls

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack"),
              pytest.mark.xdist_group("rsyslog-tls")]   # its module fixture runs once


@pytest.fixture(scope="module")
def tls_run(pki, tmp_path_factory):
    """One run of the whole chain; the tests below read different parts of what it saw."""
    return run_rsyslog_tls(FIXTURES / "sender-syslog", pki, tmp_path_factory.mktemp("tls"))


def _per_host_lines(seen):
    return [line for line in seen["remote_text"].splitlines() if " host=sender01 " in line]


def test_audit_records_arrive_over_tls_in_the_senders_own_file(tls_run):
    assert "sender01.log" in tls_run["files"], tls_run["files"]
    lines = _per_host_lines(tls_run)
    assert any("tag=audispd:" in line and "node=%s type=DAEMON_START" % SENDER_HOSTNAME in line
               and "pri=local6.info" in line for line in lines), lines
    assert tls_run["acks"] == ["acked"]
    assert any(tls_run["marker"] in line for line in lines), lines


def test_plaintext_client_is_refused(tls_run):
    assert tls_run["plaintext"] in ("ConnectionResetError", "closed by server"), tls_run["plaintext"]
    assert tls_run["plaintext_marker"] not in tls_run["remote_text"]
    assert "unexpected TLS packet" in tls_run["receiver_internal"]


def test_unlisted_peer_is_refused_and_listed_peer_accepted(tls_run):
    assert tls_run["rogue_marker"] not in tls_run["remote_text"]
    assert "peer name not authorized" in tls_run["receiver_internal"]
    assert "rogue.e2e.test" in tls_run["receiver_internal"]
    # Positive control, sent after the refused ones: the same receiver took it.
    assert tls_run["control_arrived"], tls_run["control"]["output"]
