"""Every field on screen does something (issue #12 item 1).

For both methods and both roles, Pilot walks the steps the way a user does (Welcome's choices,
then F10), and on each step edits every field the step shows, one after the other, as typed or
picked. After each edit the step's own preview must change, or a message must appear under a
field. A second walk picks up the fields an answer on a later step shows on an earlier one (a
receiver's listen port makes step 5 offer the SELinux label). The fields seen must be exactly
those of the method and role: the rsyslog method shows rsyslog's port, facility, disk queue
and log directory, and none of audisp-remote's own settings."""
from __future__ import annotations

from typing import Dict, List, Set

import pytest
from textual.widgets import Input

from tests.tui.helpers import choose, drive, focus_on, new_root, open_app

# What a user types or picks to change each field (from the defaults of a fresh demo host).
# Booleans are toggled once per listed value, so firewall.manage goes off and on again and
# the fields it hides come back.
EDITS: Dict[str, List[object]] = {
    "auditd.name_format": ["user"],            # shows Node name, which is then required
    "auditd.name": ["web01"],
    "auditd.log_format": ["RAW"],
    "auditd.overflow_action": ["suspend"],
    "auditd.disk_full_action": ["halt"],
    "auditd.disk_error_action": ["single"],
    "rsyslog.forward": ["all"],
    "rsyslog.log_remote_access": [True],
    "rsyslog.facility": ["local3"],
    "remote.server": ["logs.example.com"],
    "remote.port": ["6000"],
    "rsyslog.port": ["1514"],
    "remote.mode": ["immediate", "forward"],   # hides, then shows Queue file
    "remote.queue_file": ["/var/spool/audit/forward.log"],
    "remote.outage": ["30m"],
    "remote.peak_rate": ["200"],
    "rsyslog.queue_max_disk": ["2g"],
    "remote.network_failure_action": ["suspend"],
    "remote.local_port": ["700"],
    "remote.heartbeat_timeout": ["45"],
    "selinux.manage": [False],
    "firewall.manage": [False, True],
    "firewall.zone": ["internal"],
    "receiver.allowed_senders": ["192.0.2.0/24, 198.51.100.7"],
    "receiver.listen_port": ["6000"],
    "receiver.max_per_addr": ["3"],
    "receiver.local_events": [False],
    "receiver.client_ports": ["1-1023"],
    "receiver.client_max_idle": ["600"],
    "receiver.listen_queue": ["10"],
    "rsyslog.remote_dir": ["/srv/remote-logs"],
    "security.encryption": {"audisp-remote": ["kerberos"], "rsyslog": ["tls"]},
    "security.tls_driver": ["ossl"],
    "security.ca_file": ["/etc/pki/tls/ca.pem"],
    "security.cert_file": ["/etc/pki/tls/host.pem"],
    "security.key_file": ["/etc/pki/tls/host.key"],
    "security.peer_names": ["*.example.com"],
    "security.lab_certificates": [True],
    "security.krb5_principal": ["auditlog"],
    "security.krb5_key_file": ["/etc/audit/auditlog.keytab"],
    "security.run_kadmin": [True],             # shows kadmin principal and keytab
    "security.kadmin_principal": ["admin/admin"],
    "security.kadmin_keytab": ["/root/admin.keytab"],
}

AUDITD = {"auditd.name_format", "auditd.name", "auditd.log_format", "auditd.overflow_action",
          "auditd.disk_full_action", "auditd.disk_error_action"}
KERBEROS = {"security.encryption", "security.krb5_principal", "security.run_kadmin",
            "security.kadmin_principal", "security.kadmin_keytab", "rsyslog.log_remote_access"}
TLS = {"security.encryption", "security.tls_driver", "security.ca_file", "security.cert_file",
       "security.key_file", "security.peer_names", "rsyslog.log_remote_access"}
FIREWALL = {"selinux.manage", "firewall.manage", "firewall.zone", "receiver.allowed_senders"}
# The fields each step shows, for each (method, role), once every answer is given.
EXPECTED: Dict[tuple, Dict[int, Set[str]]] = {
    ("audisp-remote", "sender"): {
        2: AUDITD,
        4: {"remote.server", "remote.port", "remote.outage", "remote.peak_rate", "remote.mode",
            "remote.queue_file", "remote.network_failure_action", "remote.local_port",
            "remote.heartbeat_timeout"},
        5: {"selinux.manage"},
        8: KERBEROS},
    ("audisp-remote", "receiver"): {
        2: AUDITD,
        5: FIREWALL,
        6: {"receiver.listen_port", "receiver.max_per_addr", "receiver.local_events",
            "receiver.client_ports", "receiver.client_max_idle", "receiver.listen_queue"},
        8: KERBEROS | {"security.krb5_key_file"}},
    ("rsyslog", "sender"): {
        2: AUDITD,
        3: {"rsyslog.facility"},
        4: {"remote.server", "rsyslog.port", "rsyslog.forward", "remote.outage",
            "remote.peak_rate", "rsyslog.queue_max_disk"},
        5: {"selinux.manage"},
        8: TLS},
    ("rsyslog", "receiver"): {
        2: AUDITD,
        5: FIREWALL,
        6: {"rsyslog.port", "rsyslog.remote_dir"},
        8: TLS | {"security.lab_certificates"}},
}
ROLE_STEPS = {"sender": [1, 2, 3, 4, 5, 7, 8, 9], "receiver": [1, 2, 5, 6, 7, 8, 9]}


def _preview(pane) -> str:
    messages = [row.error_text for row in pane._rows if row.display and row.error]
    return str(pane.query_one(".preview").render()) + "\n".join(messages)


async def _settled(pilot, pane) -> None:
    """Past the preview's debounce, and the preview recomputed."""
    for _ in range(40):
        await pilot.pause(0.05)
        if pane._timer is None:
            return
    raise AssertionError("the preview never refreshed")


async def _edit(pilot, pane, row, value) -> None:
    selector = "#" + row.control.id
    if row.kind == "choice":
        await choose(pilot, selector, value)
    elif row.kind == "bool":
        control = await focus_on(pilot, selector, type(row.control))
        if control.value != value:
            await pilot.press("space")
    else:
        control = await focus_on(pilot, selector, Input)
        control.value = ""
        await pilot.press(*[c if c != " " else "space" for c in str(value)])
    await _settled(pilot, pane)


def _edits_for(dotted: str, method: str) -> List[object]:
    edits = EDITS[dotted]
    return edits[method] if isinstance(edits, dict) else edits


@pytest.mark.parametrize("method", ["audisp-remote", "rsyslog"])
@pytest.mark.parametrize("role", ["sender", "receiver"])
def test_every_field_changes_the_preview_or_says_why_not(tmp_path, method, role):
    app = open_app(new_root(tmp_path))
    seen: Dict[int, Set[str]] = {}
    did_nothing: List[str] = []
    visited_steps: List[int] = []
    visited_back: List[int] = []

    async def walk(pilot):
        await pilot.pause()
        await choose(pilot, "#role", role)
        await choose(pilot, "#method", method)
        await pilot.press("f10")
        await pilot.pause()
        for _ in range(2):          # again: answers on later steps show fields on earlier ones
            while True:
                frame = app.frame
                number = frame.current
                visited_steps.append(number)
                pane = frame.pane(number)
                await _settled(pilot, pane)
                done = seen.setdefault(number, set())
                while True:
                    todo = [row for row in pane._rows if row.display and row.spec.dotted not in done]
                    if not todo:
                        break
                    row = todo[0]
                    done.add(row.spec.dotted)
                    for value in _edits_for(row.spec.dotted, method):
                        before = _preview(pane)
                        await _edit(pilot, pane, row, value)
                        if _preview(pane) == before:
                            did_nothing.append(f"step {number} {row.spec.label} = {value!r}")
                await pilot.press("f10")
                await pilot.pause()
                if app.screen.id == "review":
                    break
            await pilot.press("f8")          # Review -> step 9, then back to step 1
            await pilot.pause()
            while app.screen is app.frame and app.frame.current != ROLE_STEPS[role][0]:
                visited_back.append(app.frame.current)
                await pilot.press("f8")
                await pilot.pause()

    drive(app, walk)
    assert did_nothing == []
    shown = {step: fields for step, fields in seen.items() if fields}
    assert shown == EXPECTED[(method, role)]
    assert visited_steps[:len(ROLE_STEPS[role])] == ROLE_STEPS[role], "F10 skips the other role's steps"
    assert visited_back[:len(ROLE_STEPS[role]) - 1] == ROLE_STEPS[role][:0:-1], "F8 skips them too"
