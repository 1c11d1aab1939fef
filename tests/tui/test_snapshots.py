"""Every screen at 80x24, normal and console mode (pytest-textual-snapshot).

The demo roots have fixed hostnames and versions, and no picture shows a transaction id, a
time or a temporary path, so the pictures are deterministic."""
import pytest

from tests.tui.helpers import new_root, open_app

MODES = pytest.mark.parametrize("console", [False, True], ids=["normal", "console"])
SIZE = (80, 24)


def sender_app(tmp_path, console, start_at=None, server="logs.example.com"):
    app = open_app(new_root(tmp_path), start_at=start_at, ascii_mode=console)
    if server:
        app.session.set_field("remote.server", server)
    return app


def receiver_app(tmp_path, console, start_at):
    app = open_app(new_root(tmp_path), start_at=start_at, ascii_mode=console)
    app.session.set_field("role", "receiver")
    app.session.set_field("receiver.allowed_senders", ["192.0.2.0/24"])
    return app


async def settle(pilot):
    await pilot.pause(0.3)


async def until(pilot, predicate, timeout: float = 20.0):
    """Under CI load a fixed pause is not enough: panes are built on first visit and
    checks run in workers."""
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen did not get there in time")


async def diagnosed(pilot):
    """Step 9 shown, F5 pressed, and its findings listed."""
    from screens.step9_troubleshoot import TroubleshootPane
    panes = lambda: [p for p in pilot.app.screen.query(TroubleshootPane) if p.display]
    await until(pilot, lambda: bool(panes()))
    await pilot.press("f5")
    await until(pilot, lambda: bool(panes()[0].findings) and not panes()[0].running)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)


@MODES
def test_welcome(snap_compare, tmp_path, console):
    """Welcome: host facts (AlmaLinux 9.6, audit 3.1.5, SELinux Enforcing, firewalld running,
    alma9.example.com), "No forwarding is set up", role and method choices each with a
    paragraph, the F10/F1/F7/F9 keys in the footer."""
    app = open_app(new_root(tmp_path), ascii_mode=console)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@MODES
@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 7, 8, 9])
def test_sender_step(snap_compare, tmp_path, console, step):
    """Step N for a sender heading to logs.example.com: side list with `>` on step N, `*` apart
    from the name on steps 1-4 (they change something) and `-` on step 6 (a receiver's step,
    skipped), the step's explanation, its form (step 4: server, port, mode, queue, failure
    action, each field in brackets on the console), the preview of this step's diff/commands
    and the "why not what the guides say" note."""
    app = sender_app(tmp_path, console, start_at=step)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@MODES
@pytest.mark.parametrize("step", [4, 5, 6])
def test_receiver_step(snap_compare, tmp_path, console, step):
    """Receiver: step 4 (reached with F6, F10 skips it) says it does nothing on a receiver,
    that F10 and F8 skip it, and to run the wizard on the sender; step 5 shows Open port,
    Firewall zone (empty: the default zone) and Allowed senders 192.0.2.0/24, and the
    rich-rule commands; step 6 shows the listen form and the auditd.conf diff with
    tcp_listen_port = 60."""
    app = receiver_app(tmp_path, console, start_at=step)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@MODES
def test_invalid_field(snap_compare, tmp_path, console):
    """Step 4 with `bad host!` typed as the server: under the field, the message saying it is
    not a hostname or IP address and what is allowed (no dotted key)."""
    app = sender_app(tmp_path, console, start_at=4, server=None)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*"bad", "space", "host", "!")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_security_not_possible(snap_compare, tmp_path, console):
    """Step 8 with TLS chosen for audisp-remote on audit 3.1.5: the preview is the bold (red
    in colour) "Not possible with these answers" message saying TLS needs audit 4.2 and to use
    kerberos or rsyslog, naming the Encryption field by its label."""
    app = sender_app(tmp_path, console, start_at=8)
    app.session.set_field("security.encryption", "tls")
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@MODES
def test_review(snap_compare, tmp_path, console):
    """Review & apply for a sender: the change count, the unticked "[ ] Trial (t): undo
    unless kept (k) within [120] s" row, the plan grouped by step starting with
    `dnf install -y audispd-plugins`, and F10 Apply, t Trial, e Ansible, x Receiver in the
    footer."""
    app = sender_app(tmp_path, console, start_at=9)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f10")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_history_empty(snap_compare, tmp_path, console):
    """History before any apply: "No transactions yet." and no roll-back key."""
    app = sender_app(tmp_path, console, start_at=1)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f7")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_help(snap_compare, tmp_path, console):
    """F1 on step 4 with the focus in "Receiver host or IP": a box titled with the field, what
    it is, what it allows and its key in an answers file, then the step's purpose and each
    field shown with its meaning (the wrapped list of keys follows when scrolled)."""
    app = sender_app(tmp_path, console, start_at=4)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_confirm_quit(snap_compare, tmp_path, console):
    """F9 with unapplied changes: "Quit without applying?", that nothing on this host has
    been changed, and y/n."""
    app = sender_app(tmp_path, console, start_at=2)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def broken_app(tmp_path, console, start_at):
    from wizard.sandbox import make_demo_root
    return open_app(make_demo_root(tmp_path / "broken", broken=True), start_at=start_at,
                    ascii_mode=console)


@MODES
def test_doctor_findings(snap_compare, tmp_path, console):
    """Step 9 on a `demo-root --broken` sender after F5: the summary line (problems,
    warnings, ok), the findings list with [x] on problems that have a fix, [ ] on warnings
    with one, and the detail of the first problem (au-remote.conf type = builtin) with what
    was seen; F5 Run checks and a Apply fixes in the footer."""
    app = broken_app(tmp_path, console, start_at=9)

    assert snap_compare(app, terminal_size=SIZE, run_before=diagnosed)


@MODES
def test_doctor_fix_review(snap_compare, tmp_path, console):
    """a on step 9: "Review & apply the doctor's fixes" with one line per chosen fix, then
    their diffs (au-remote.conf type = always) and commands; no trial row, F10 Apply."""
    app = broken_app(tmp_path, console, start_at=9)

    async def run_before(pilot):
        await diagnosed(pilot)
        await pilot.press("a")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_export_dialog(snap_compare, tmp_path, console):
    """e on Review: the "Export an Ansible playbook" box over the plan, its sentence, the
    Directory field (/srv/ansible) and Esc Close in the footer."""
    app = sender_app(tmp_path, console, start_at=9)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f10")
        await pilot.pause(0.2)
        await pilot.press("e")
        await pilot.pause(0.2)
        pilot.app.screen.query_one("#export-dir").value = "/srv/ansible"
        await pilot.pause(0.2)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_security_kerberos(snap_compare, tmp_path, console):
    """Step 8 with encryption = kerberos on a sender: the Create with kadmin box and the
    preview, `-transport = tcp` / `+transport = KRB5` in audisp-remote.conf, then the restart
    (the host report below the preview is asserted in test_doctor_trial_flows)."""
    app = sender_app(tmp_path, console, start_at=8)
    app.session.set_field("security.encryption", "kerberos")
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@MODES
def test_delivery_test_result(snap_compare, tmp_path, console):
    """F5 on step 7 for a sender before apply (tag fixed to 0123456789ab): "Test FAILED"
    with "(Not applied yet: this is the host as it is now.)", the `auditd-wizard test --expect 0123456789ab` line for the receiver, then each step:
    OK auditd with the systemctl lines it ran, PROBLEM audisp-remote not running."""
    app = sender_app(tmp_path, console, start_at=7)
    run_test = app.session.run_test
    finished = []

    def fixed_tag_test(**kw):
        try:
            return run_test(nonce="0123456789ab", **kw)
        finally:
            finished.append(True)
    app.session.run_test = fixed_tag_test

    async def run_before(pilot):
        from screens.step7_test import DeliveryTestPane
        await until(pilot, lambda: any(p.display for p in pilot.app.screen.query(DeliveryTestPane)))
        await pilot.press("f5")
        await until(pilot, lambda: bool(finished))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_confirm_apply(snap_compare, tmp_path, console):
    """F10 on Review: the box "Apply N changes to alma9.example.com (sandbox)?" over the plan,
    saying it is one transaction undone on failure, "[ Cancel: Enter or n ]  [ Apply: y ]",
    and y / Enter/N in the footer; nothing has been applied (no progress bar, no log)."""
    app = sender_app(tmp_path, console, start_at=9)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f10")
        await pilot.pause(0.2)
        await pilot.press("f10")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def rsyslog_app(tmp_path, console, start_at, role):
    app = open_app(new_root(tmp_path), start_at=start_at, ascii_mode=console)
    app.session.set_field("role", role)
    app.session.set_field("method", "rsyslog")
    if role == "sender":
        app.session.set_field("remote.server", "logs.example.com")
    return app


@MODES
@pytest.mark.parametrize("step,role", [(4, "sender"), (6, "receiver")])
def test_rsyslog_step(snap_compare, tmp_path, console, step, role):
    """The rsyslog method. Step 4 (sender): Receiver host or IP, rsyslog's Receiver port 6514
    and Disk queue limit empty (sized from the outage), no audisp-remote setting (mode, queue
    depth, network failure, heartbeat); the preview is the new /etc/rsyslog.d/auditd-wizard-forward.conf with omfwd to
    logs.example.com port 6514. Step 6 (receiver): Listen port 6514 and Sender logs under
    /var/log/remote only (no tcp_* settings); the preview is auditd-wizard-collect.conf with
    imtcp on 6514."""
    app = rsyslog_app(tmp_path, console, step, role)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("focused", [True, False], ids=["focused", "unfocused"])
def test_console_field_focus(snap_compare, tmp_path, focused):
    """Console mode, step 4 with logs.example.com typed. Focused: the Receiver port field
    `[60___...]` is drawn in reverse video (the cursor after 60), the others are not.
    Unfocused: focus moved to the step list, so every field is drawn plainly inside its
    brackets, `[60___...]`, and the list's highlighted step is reversed instead. The two
    pictures differ in the port field."""
    app = sender_app(tmp_path, True, start_at=4)

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("#f-remote--port").focus()
        if not focused:
            await pilot.press("f6")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@MODES
def test_help_narrow(snap_compare, tmp_path, console):
    """F1 on step 4 at 60x20 with the focus in the side list: the Help box fits the screen
    (no text cut at the right), its sentences wrap at the box's edge and it scrolls; the key
    bar shows every key (Esc Close)."""
    app = sender_app(tmp_path, console, start_at=4)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f6", "f1")
        await pilot.pause(0.3)
    assert snap_compare(app, terminal_size=(60, 20), run_before=run_before)
