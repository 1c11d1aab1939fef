"""Every audit generation EL ships, run for real: the wizard's AlmaLinux 10 output on audit 4.0.2
(Debian trixie) and 4.2.x (sid), next to the AlmaLinux 8/9 output on this machine's 3.0.9
(tests/test_realstack_native_e2e.py). The parsers accept every set, a sender delivers to a
receiver of the same version and of every other one, and forward mode queues and loses
nothing. Daemons run from the cached roots (tests/realstack/roots.py) in private namespaces."""
import re

import pytest

from tests.realstack.configsets import AUDISP_REMOTE_VARIANTS, VARIANTS, build_config_set
from tests.realstack.conftest import (config_workdir, realstack, sid_root, skip_or_fail,  # noqa: F401
                                      trixie_root)
from tests.realstack.harness import check_audisp_remote, check_auditd_conf
from tests.realstack.keyvalue import get_key
from tests.realstack.krb5_setup import kerberos_args, kerberos_sets
from tests.realstack.native_setup import SENDER_HOSTNAME, run_native
from tests.realstack.prereqs import find_program
from tests.realstack.roots import info
from tests.realstack.security_harness import run_security_scenario
from tests.realstack.tlspsk_setup import run_tls_psk, wizard_psk_pair
from tests.test_realstack_kerberos import KDC_PROGRAMS

pytestmark = [pytest.mark.realstack, pytest.mark.usefixtures("realstack")]
VERSIONS = ("4.0", "4.2")          # trixie, sid
# (sender OS, sender audit, receiver OS, receiver audit); "3.0" = this machine's 3.0.9
CROSS = [("almalinux-8", "3.0", "almalinux-10", "4.2"), ("almalinux-10", "4.2", "almalinux-8", "3.0"),
         ("almalinux-8", "3.0", "almalinux-10", "4.0"), ("almalinux-10", "4.0", "almalinux-8", "3.0"),
         ("almalinux-10", "4.0", "almalinux-10", "4.2"), ("almalinux-10", "4.2", "almalinux-10", "4.0")]
PSK_KEYS = ("transport", "tls_psk_file", "tls_psk_identity")
PSK_WRITTEN = {"transport": "tls", "tls_psk_file": "/etc/audit/audit.psk", "tls_psk_identity": "auditd-sender"}


@pytest.fixture(scope="module")
def roots(request):
    """audit version prefix -> root (None: this machine's daemons)."""
    found = {"3.0": None, "4.0": request.getfixturevalue("trixie_root"),
             "4.2": request.getfixturevalue("sid_root")}
    for prefix, root in found.items():    # the roots really hold the version they stand for
        if root is not None:
            assert info(root)["versions"]["auditd"].startswith(prefix), info(root)["versions"]
    return found


def _roles(roots, sender, receiver):
    return {role: roots[v] for role, v in (("sender", sender), ("receiver", receiver))
            if roots[v] is not None}


PARSER_CHECKS = [(v, "auditd") for v in VARIANTS] + [(v, "audisp-remote") for v in AUDISP_REMOTE_VARIANTS]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("variant, program", PARSER_CHECKS)
def test_el10_sets_are_accepted_by_the_real_parsers(roots, config_workdir, version, variant, program):
    check = check_auditd_conf if program == "auditd" else check_audisp_remote
    result = check(build_config_set("almalinux-10-" + variant, config_workdir), root=roots[version])
    assert result.accepted, "%s %s rejected almalinux-10-%s: %s" % (program, version, variant, result)


def _delivered(seen):
    searches = seen["searches"]
    assert seen["acks"] == ["acked"]
    assert searches["daemon_start"]["exit_code"] == 0, seen["receiver_log"][-3000:]
    assert "node=%s type=DAEMON_START" % SENDER_HOSTNAME in searches["daemon_start"]["output"]
    assert searches["user"]["exit_code"] == 0 and seen["marker"] in searches["user"]["output"]
    assert searches["other_node"]["exit_code"] == 1


@pytest.mark.parametrize("version", VERSIONS)
def test_el10_pair_delivers_on_the_same_version(roots, config_workdir, tmp_path, version):
    sender = build_config_set("almalinux-10-sender", config_workdir)
    receiver = build_config_set("almalinux-10-receiver", config_workdir)
    _delivered(run_native("native-chain", sender, receiver, tmp_path,
                          roots=_roles(roots, version, version)))


@pytest.mark.parametrize("sender_os, sender_v, receiver_os, receiver_v", CROSS)
def test_cross_version_pairs_deliver(roots, config_workdir, tmp_path, sender_os, sender_v,
                                     receiver_os, receiver_v):
    sender = build_config_set(sender_os + "-sender", config_workdir)
    receiver = build_config_set(receiver_os + "-receiver", config_workdir)
    _delivered(run_native("native-chain", sender, receiver, tmp_path,
                          roots=_roles(roots, sender_v, receiver_v)))


@pytest.mark.parametrize("version", VERSIONS)
def test_forward_mode_queues_and_loses_nothing(roots, config_workdir, tmp_path, version):
    sender = build_config_set("almalinux-10-sender", config_workdir)
    receiver = build_config_set("almalinux-10-receiver", config_workdir)
    seen = run_native("native-forward-queue", sender, receiver, tmp_path, mode="forward",
                      roots=_roles(roots, version, version))
    assert seen["queued_acks"] == ["acked"] * 3 and seen["trigger_acks"] == ["acked"]
    assert seen["sender_alive_while_down"] and seen["queue_file"].get("size", 0) > 0, seen["queue_file"]
    assert seen["counts"] == {marker: 1 for marker in seen["counts"]}, seen["counts"]


@pytest.mark.parametrize("version", VERSIONS)
def test_kerberos_with_a_real_kdc(roots, tmp_path, version):
    """The wizard's EL10 Kerberos pair on audit 4.x, against a real MIT KDC (this machine's,
    in the namespace): delivered and GSS-authenticated; a stale key and plaintext refused."""
    for program in KDC_PROGRAMS:
        if find_program(program) is None:
            skip_or_fail("MIT KDC program %s missing (Debian packages krb5-kdc, krb5-admin-server)"
                         % program)
    sender_set, receiver_set = kerberos_sets("almalinux-10", tmp_path / "sets")
    args = kerberos_args(sender_set, receiver_set, tmp_path / "scratch")
    args["roots"] = {role: str(roots[version]) for role in ("sender", "receiver")}
    seen = run_security_scenario("kerberos-chain", args, tmp_path / "scratch" / "run")
    assert seen["acks"] == ["acked"] and seen["arrived"], seen["receiver_log"][-2000:]
    assert seen["search"]["exit_code"] == 0 and seen["marker"] in seen["search"]["output"]
    # 4.0.2 says "Accepted", 4.2.1 "authenticated"
    assert re.search(r"GSS-API (Accepted|authenticated) connection from: "
                     r"auditd/sender01\.e2e\.test@E2E\.TEST", seen["syslog"]), seen["syslog"]
    assert not seen["stale_arrived"] and seen["stale_search"]["exit_code"] == 1
    assert not seen["plain_arrived"]


def test_tls_psk_delivers_with_the_right_key_and_identity_only(roots, tmp_path):
    """audit 4.2's TLS-PSK between two real 4.2 daemons, over the wizard's own AlmaLinux 10 sets
    and the key its receiver apply made (tests/realstack/tlspsk_setup.py)."""
    if find_program("gcc") is None:
        skip_or_fail("gcc missing (Debian package gcc): it builds the test's audit stand-in")
    sender_set, receiver_set = wizard_psk_pair(tmp_path / "sets")
    # what the wizard wrote: the same key file and identity on both ends, the sender managed
    assert {k: get_key(receiver_set / "auditd.conf", k) for k in PSK_KEYS} == PSK_WRITTEN
    assert {k: get_key(sender_set / "audisp-remote.conf", k) for k in PSK_KEYS + ("format",)} \
        == dict(PSK_WRITTEN, format="managed")
    key = (receiver_set / "audit.psk").read_bytes()
    assert re.fullmatch(rb"[0-9a-f]{64}\n", key) and (sender_set / "audit.psk").read_bytes() == key
    made = (receiver_set / "audit.psk").stat()
    assert (made.st_mode & 0o7777, made.st_uid, made.st_gid) == (0o400, 0, 0)
    seen = run_tls_psk(sender_set, receiver_set, roots["4.2"], tmp_path / "run")
    right, wrong_key, wrong_id = (seen["senders"][n] for n in ("right", "wrong-key", "wrong-identity"))
    assert right["acks"] == ["acked"] and right["arrived"], seen["receiver_log"][-2000:]
    assert seen["search"]["exit_code"] == 0 and right["marker"] in seen["search"]["output"]
    assert "TLS connected to" in seen["syslog"], seen["syslog"][-3000:]
    for refused in (wrong_key, wrong_id, seen["plain"]):
        assert not refused["arrived"] and refused["marker"] not in seen["receiver_log"]
    # the receiver says why: another key, another identity, no TLS at all
    for reason in ("binder does not verify", "TLS PSK identity mismatch: received 'someone-else'",
                   "wrong version number"):
        assert reason in seen["syslog"], reason
    assert seen["receiver_running"]
