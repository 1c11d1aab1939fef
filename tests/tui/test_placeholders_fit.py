"""Every text field's placeholder ("empty: ...") fits the field at 80x24 and 60x20 (console
mode, where `[` `]` make fields narrowest): a cut placeholder reads as a different meaning.
The long version is F1's."""
from __future__ import annotations

import asyncio

import pytest
from rich.cells import cell_len

from tests.tui.helpers import new_root, open_app
from screens.forms import allowed_text
from screens.widgets import FieldInput

ANSWERS = {   # together these show every field that has a placeholder
    "native sender": {"remote.server": "logs.example.com", "security.encryption": "kerberos"},
    "rsyslog sender": {"method": "rsyslog", "remote.server": "logs.example.com"},
    "receiver": {"role": "receiver", "security.encryption": "kerberos"},
}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_placeholders_fit_their_fields(tmp_path, size):
    cut, seen = [], set()

    async def walk(name, answers):
        app = open_app(new_root(tmp_path / name.replace(" ", "-")), start_at=1, ascii_mode=True)
        for dotted, value in answers.items():
            app.session.set_field(dotted, value)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for step in filter(app.frame.applies, range(1, 10)):
                await app.frame.show_step(step)
                await pilot.pause(0.1)
                for field in app.screen.query(FieldInput):
                    width = field.content_region.width
                    if width and field.placeholder:
                        seen.add(field.id)
                        if cell_len(field.placeholder) > width:
                            cut.append(f"{name}, step {step}: {field.id} {field.placeholder!r} > {width}")

    for name, answers in ANSWERS.items():
        asyncio.run(walk(name, answers))
    assert not cut, cut
    assert {"f-remote--peak-rate", "f-rsyslog--queue-max-disk"} <= seen, seen


def test_f1_says_what_an_empty_field_means_in_full():
    assert "(empty: from its audit log)" in allowed_text("remote.peak_rate")
    assert allowed_text("remote.peak_rate").startswith("a whole number from 1 to")
