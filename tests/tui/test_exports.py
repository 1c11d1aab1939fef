"""The export dialogs write only where they are told and never replace anything unasked: an
empty directory field is refused (no silent "current directory"), a directory that is not empty
and an existing file are only replaced after y, and above all the answers file the wizard was
started with; an error reads as words, not `[Errno 21] ...`."""
from __future__ import annotations

import os

from tests.tui.helpers import drive, new_root, screen_text
from screens.app import make_app
from wizard.session import Session


def _review_app(root, answers_path=None):
    session = Session.open(str(root), str(answers_path) if answers_path else None)
    if session.answers.remote.server is None:
        session.set_field("remote.server", "logs.example.com")
    return make_app(session, start_at=9)


async def _open(pilot, key):
    await pilot.pause()
    await pilot.press("f10")                 # step 9 -> Review
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()


async def _submit(pilot, selector, value):
    pilot.app.screen.query_one(selector).value = value
    pilot.app.screen.query_one(selector).focus()
    await pilot.press("enter")
    await pilot.pause(0.2)


def _result(app):
    return str(app.screen.query_one("#export-result").render())


def test_ansible_export_refuses_an_empty_directory_and_asks_before_replacing(tmp_path, monkeypatch):
    work = tmp_path / "work"          # the admin's current directory: a project of theirs
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "README.md").write_text("my project\n")
    full = tmp_path / "full"
    full.mkdir()
    (full / "README.md").write_text("keep me\n")
    app = _review_app(new_root(tmp_path))
    seen = {}

    async def scenario(pilot):
        await _open(pilot, "e")
        seen["default"] = app.screen.query_one("#export-dir").value
        await _submit(pilot, "#export-dir", "   ")
        seen["empty"] = _result(app)
        await _submit(pilot, "#export-dir", str(full))
        seen["asked"] = app.screen.id
        seen["question"] = app.screen.text
        await pilot.press("n")
        await pilot.pause()
        seen["after_no"] = _result(app)
        seen["kept"] = (full / "README.md").read_text()
        await _submit(pilot, "#export-dir", str(full))
        await pilot.press("y")
        await pilot.pause(0.3)
        seen["after_yes"] = _result(app)

    drive(app, scenario)
    assert seen["default"] and os.path.dirname(seen["default"]) != str(work)
    root_dir = str(app.session.root)
    assert seen["default"] == root_dir + "-ansible", "next to the sandbox, named after it"
    assert "Directory: type the directory" in seen["empty"]
    assert (work / "README.md").read_text() == "my project\n"
    assert sorted(p.name for p in work.iterdir()) == ["README.md"], "nothing in the current directory"
    assert seen["asked"] == "confirm-replace"
    assert f"{full} is not empty (README.md)" in seen["question"]
    assert "Nothing written" in seen["after_no"] and seen["kept"] == "keep me\n"
    assert "Written to" in seen["after_yes"] and (full / "site.yml").is_file()


def test_ansible_export_error_is_in_words(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    app = _review_app(new_root(tmp_path))
    seen = {}

    async def scenario(pilot):
        await _open(pilot, "e")
        await _submit(pilot, "#export-dir", str(a_file))
        seen["file"] = _result(app)
        await _submit(pilot, "#export-dir", str(a_file / "below"))
        seen["below"] = _result(app)

    drive(app, scenario)
    assert f"{a_file} is a file; give a directory" in seen["file"]
    assert "Errno" not in seen["below"] and f"Cannot write {a_file}" in seen["below"]


def test_receiver_answers_never_replace_the_senders_file_unasked(tmp_path):
    sender = tmp_path / "sender.toml"
    sender.write_text('role = "sender"\n[remote]\nserver = "logs.example.com"\n')
    original = sender.read_text()
    app = _review_app(new_root(tmp_path), answers_path=sender)
    seen = {}

    async def scenario(pilot):
        await _open(pilot, "x")
        app.screen.query_one("#export-sender").value = "192.0.2.10"
        await _submit(pilot, "#export-file", "")
        seen["empty"] = _result(app)
        await _submit(pilot, "#export-file", str(sender))
        seen["question"] = app.screen.text
        await pilot.press("escape")
        await pilot.pause()
        seen["after_no"] = sender.read_text()
        await _submit(pilot, "#export-file", str(tmp_path / "receiver.toml"))
        seen["written"] = _result(app)

    drive(app, scenario)
    assert "File: type the file" in seen["empty"]
    assert "is the answers file this wizard was started with" in seen["question"]
    assert seen["after_no"] == original
    assert "Written:" in seen["written"]
    assert 'role = "receiver"' in (tmp_path / "receiver.toml").read_text()
