"""At 80x24 and 60x20 (console mode, where `[` `]` make fields narrowest) every placeholder
("empty: ...") fits its field, a cut one reads as another meaning (the long version is F1's),
and every label leaves a blank column before its field."""
from __future__ import annotations

import asyncio

import pytest
from rich.cells import cell_len
from textual.widgets import Label

from screens.forms import allowed_text
from screens.widgets import FieldInput
from tests.tui.helpers import new_root, open_app

ANSWERS = {   # together these show every field that has a placeholder
    "native sender": {"remote.server": "logs.example.com", "security.encryption": "kerberos"},
    "rsyslog sender": {"method": "rsyslog", "remote.server": "logs.example.com"},
    "receiver": {"role": "receiver", "security.encryption": "kerberos"},
}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
def test_placeholders_and_labels_fit(tmp_path, size):
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
                for label in app.screen.query(".field-label").results(Label):
                    width = label.content_region.width
                    if width and cell_len(str(label.render())) >= width:
                        cut.append(f"{name}, step {step}: label {str(label.render())!r} >= {width}")
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
