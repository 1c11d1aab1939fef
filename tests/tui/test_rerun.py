"""Apply, start the TUI again on the same root: every field shows the applied values, no plan."""
from tests.tui.helpers import (apply_on_review, drive, new_root, open_app, to_review, to_step,
                               type_into)

def test_rerun_shows_applied_values_and_empty_plan(tmp_path):
    root = new_root(tmp_path, "almalinux-9")
    first = open_app(root)

    async def set_up(pilot):
        await pilot.pause()
        await to_step(pilot, 4)
        await type_into(pilot, "#f-remote--server", "logs.example.com")
        await type_into(pilot, "#f-remote--outage", "30m")
        await to_review(pilot)
        await apply_on_review(pilot)

    drive(first, set_up)
    applied = first.session.answers

    second = open_app(root)
    seen = {}

    async def look(pilot):
        await pilot.pause()
        await to_step(pilot, 9)                      # every pane of the role built
        seen["values"] = {row.spec.dotted: row.control.value
                          for pane in second.frame.panes for row in pane._rows if row.display}
        seen["welcome_said_rerun"] = second.session.previous_config_found
        seen["empty"] = second.session.plan().empty
        seen["markers"] = [second.frame._changed.get(n) for n in range(1, 10)]

    drive(second, look)
    assert seen["welcome_said_rerun"]
    assert seen["values"]["remote.server"] == "logs.example.com"
    assert seen["values"]["remote.outage"] == "30m"   # read back from the applied answers
    for dotted, value in seen["values"].items():
        section, key = dotted.split(".")
        expected = getattr(getattr(applied, section), key)
        assert str(expected if expected is not None else "") == str(value), dotted
    assert seen["empty"]
    assert not any(seen["markers"]), "no step is marked as changing"
