"""Kerberos end to end with the real daemons and a real MIT KDC, in a private namespace:
the wizard's sender (audisp-remote transport = KRB5) delivers to the wizard's receiver
(auditd transport = KRB5); the realm, principals and keytabs are made by the test
(kdb5_util, kadmin.local). A sender whose key the KDC has replaced delivers nothing, and a
plaintext client is refused by the KRB5 receiver."""
import pytest

from tests.realstack.conftest import realstack  # noqa: F401 (fixture)
from tests.realstack.keyvalue import get_key
from tests.realstack.krb5_setup import kerberos_args, kerberos_sets
from tests.realstack.prereqs import find_program
from tests.realstack.security_harness import run_security_scenario

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack", "kdc_programs"),
              pytest.mark.xdist_group("kerberos")]   # its module fixture runs once
KDC_PROGRAMS = ("krb5kdc", "kdb5_util", "kadmin.local")


@pytest.fixture(scope="module")
def kdc_programs():
    from tests.realstack.conftest import require_realstack
    missing = [p for p in KDC_PROGRAMS if find_program(p) is None]
    if missing:
        import os
        message = "MIT KDC programs missing: %s (Debian packages krb5-kdc, krb5-admin-server)" % missing
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    require_realstack()


@pytest.fixture(scope="module")
def krb_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("krb")
    sender_set, receiver_set = kerberos_sets("almalinux-9", work)
    seen = run_security_scenario("kerberos-chain", kerberos_args(sender_set, receiver_set,
                                                                 work / "scratch"), work / "scratch" / "run")
    return {"seen": seen, "sender_set": sender_set, "receiver_set": receiver_set}


def test_the_wizard_wrote_krb5_transport_on_both_ends(krb_run):
    assert get_key(krb_run["sender_set"] / "audisp-remote.conf", "transport") == "KRB5"
    assert get_key(krb_run["sender_set"] / "audisp-remote.conf", "format") == "managed"
    assert get_key(krb_run["receiver_set"] / "auditd.conf", "transport") == "KRB5"


def test_sender_with_valid_key_delivers_over_kerberos(krb_run):
    seen = krb_run["seen"]
    assert seen["acks"] == ["acked"]
    assert seen["arrived"], seen["receiver_log"][-2000:]
    assert "node=sender01.e2e.test type=DAEMON_START" in seen["receiver_log"]
    assert seen["search"]["exit_code"] == 0 and seen["marker"] in seen["search"]["output"]
    # the receiver authenticated the sender's principal through GSSAPI
    assert "GSS-API Accepted connection from: auditd/sender01.e2e.test@E2E.TEST" in seen["syslog"]


def test_sender_without_a_valid_key_is_refused(krb_run):
    seen = krb_run["seen"]
    assert seen["stale_acks"] == ["acked"]        # its own auditd took the record...
    assert not seen["stale_arrived"]               # ...but it never reached the receiver
    assert seen["stale_marker"] not in seen["receiver_log"]
    assert seen["stale_search"]["exit_code"] == 1  # no record at all from sender02
    assert "Decrypt integrity check failed in krb5_get_init_creds_keytab" in seen["syslog"]
    assert "Accepted connection from: auditd/sender02" not in seen["syslog"]


def test_plaintext_client_is_refused_by_the_krb5_receiver(krb_run):
    seen = krb_run["seen"]
    assert not seen["plain_arrived"]
    assert seen["plain_marker"] not in seen["receiver_log"]
