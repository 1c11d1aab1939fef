"""Review shows the preflight (issue #10 item 4) and, before it applies what the command line
would refuse without --force, asks a second time naming the blockers (only y applies)."""
from screens.app import make_app
from wizard.session import Session
from screens.widgets import render_preview
from tests.tui.helpers import drive, new_root, next_step, screen_text

KERBEROS_SENDER = ('role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                   '[security]\nencryption = "kerberos"\n')


def test_review_names_the_blockers_and_applies_only_after_the_second_yes(tmp_path):
    root = new_root(tmp_path)
    answers = tmp_path / "answers.toml"
    answers.write_text(KERBEROS_SENDER)
    app = make_app(Session.open(str(root), str(answers)))
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        for _ in range(12):                          # welcome, the sender's steps -> Review
            if pilot.app.screen.id == "review":
                break
            await next_step(pilot)
        review = pilot.app.screen
        seen["text"] = review._text.plain
        await pilot.press("f10", "y")                # "Apply N changes?" -> y
        await pilot.pause()
        seen["second"] = (pilot.app.screen.id, screen_text(app))
        await pilot.press("n")                       # the second question: no
        await pilot.pause()
        seen["after_no"] = (pilot.app.screen.id, review.state, list(app.session.history()))
        await pilot.press("f10", "y")
        await pilot.pause()
        await pilot.press("y")                       # both questions answered y
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.2)
        seen["after_yes"] = review.state

    drive(app, scenario)
    assert "== Before applying" in seen["text"]
    assert "BLOCKER (step 8): No default_realm in /etc/krb5.conf" in seen["text"]
    assert "BLOCKER (step 8): /etc/audit/audisp-remote.key does not exist" in seen["text"]
    assert "security.run_kadmin" not in seen["text"] and '"Create with kadmin"' in seen["text"]
    screen_id, question = seen["second"]
    assert screen_id == "confirm-blocked"
    assert "Apply anyway?" in question and "No default_realm" in question
    assert seen["after_no"] == ("review", "review", [])     # nothing applied after n
    assert seen["after_yes"] == "done"
    assert "transport = KRB5" in (root / "etc/audit/audisp-remote.conf").read_text()


def test_a_steps_preview_names_blockers_and_warnings_as_such(tmp_path):
    root = new_root(tmp_path)
    answers = tmp_path / "answers.toml"
    answers.write_text(KERBEROS_SENDER)
    shown = render_preview(Session.open(str(root), str(answers)).step_preview(8), colour=False).plain
    assert "Blocker: No default_realm in /etc/krb5.conf" in shown
    assert "Note: This host's principal" in shown
    answers.write_text('role = "receiver"\n[receiver]\nmax_per_addr = 1\nclient_max_idle = 0\n')
    # the dead-connection warning belongs to step 6, where client_max_idle is asked
    shown = render_preview(Session.open(str(root), str(answers)).step_preview(6), colour=False).plain
    assert "Warning: A sender that crashed or lost power is refused (op=dup)" in shown


def test_a_steps_findings_name_fields_by_their_labels(tmp_path):
    """The planner writes `security.run_kadmin` for answers files; step 8 on screen says
    "Create with kadmin", the label right above it."""
    root = new_root(tmp_path)
    answers = tmp_path / "answers.toml"
    answers.write_text(KERBEROS_SENDER)
    app = make_app(Session.open(str(root), str(answers)), start_at=8)
    seen = {}

    async def scenario(pilot):
        await pilot.pause(0.3)
        seen["preview"] = app.frame.pane(8).query_one(".preview").source.plain

    drive(app, scenario)
    assert "Blocker: /etc/audit/audisp-remote.key does not exist" in seen["preview"]
    assert "security.run_kadmin" not in seen["preview"]
    assert '"Create with kadmin"' in seen["preview"]
