"""The rsyslog method on the rsyslog versions of EL's era: Debian trixie's 8.2504 and sid's 8.26xx,
with both TLS drivers (gtls and ossl) on both ends, over the drop-ins the wizard plans and
applies (tests/realstack/rsyslog_planned_setup.py): audit records arrive, a plaintext client
is refused, and a CA-signed peer that is not listed is refused, except where rsyslog's ossl
driver lets it in (upstream issue #6350, fixed in 8.2602.0): there the wizard warns instead."""
import pytest

from tests.realstack.conftest import pki, realstack, sid_root, trixie_root  # noqa: F401 (fixtures)
from tests.realstack.native_setup import SENDER_HOSTNAME
from tests.realstack.roots import info
from tests.realstack.rsyslog_planned_setup import run_planned_tls
from tests.test_realstack_rsyslog_planned import _fromhost as fromhost
from wizard.plan.methods.rsyslog import ossl_receiver_unsafe

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack")]
ROOTS = ("trixie", "sid")
DRIVERS = ("gtls", "ossl")


@pytest.mark.parametrize("driver", DRIVERS)
@pytest.mark.parametrize("name", ROOTS)
def test_planned_tls_chain(request, pki, tmp_path, name, driver):
    root = request.getfixturevalue("%s_root" % name)
    version = info(root)["versions"]["rsyslog"]
    seen = run_planned_tls(pki, tmp_path, driver=driver, os_name="almalinux-10", daemon_root=root)
    text = seen["remote_text"]
    assert 'StreamDriver.Name="%s"' % driver in seen["dropins"]["receiver"]
    # The receiver files by connection (%FROMHOST%, issue #10 item 5f), never by the name a sender writes.
    assert seen["files"] == ["%s/audit.log" % fromhost("127.0.0.1")], (version, seen["files"])
    assert "node=%s type=DAEMON_START" % SENDER_HOSTNAME in text
    assert seen["acks"] == ["acked"] and seen["marker"] in text
    assert seen["plaintext_marker"] not in text, (version, seen["plaintext"])
    assert seen["control_arrived"], seen["control"]["output"]     # a listed peer gets in
    if driver == "ossl" and ossl_receiver_unsafe(version):
        # rsyslog #6350: this version may let the unlisted peer in; the wizard warns about it
        # (tests/test_rsyslog_plan.py) instead of claiming a refusal that does not hold
        return
    assert seen["rogue_marker"] not in text, (version, driver)
    assert "peer name not authorized" in seen["receiver_internal"]
    assert "rogue.e2e.test" in seen["receiver_internal"]
