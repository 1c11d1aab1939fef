"""One count of changes everywhere an admin reads it: Review's heading, the "Apply N changes"
question, the apply log's [i/N] and History's row. The wizard's own record (the ledger under
/var/lib/auditd-wizard/ledger) writes files on the host, so it is listed and counted too."""
from __future__ import annotations

import re

from textual.widgets import OptionList

from tests.tui.helpers import drive, new_root, open_app, screen_text, to_review

RECORD = "Record what auditd-wizard set in /var/lib/auditd-wizard/ledger"


def test_review_question_log_and_history_count_the_same_changes(tmp_path):
    app = open_app(new_root(tmp_path), start_at=9)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}

    async def scenario(pilot):
        await to_review(pilot)
        seen["review"] = screen_text(app)
        seen["plan"] = app.screen.query_one("#plan-text").source.plain
        await pilot.press("f10")
        await pilot.pause()
        seen["question"] = screen_text(app)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        seen["log"] = list(app.screen.query_one("#apply-log")._lines)
        await pilot.press("f7")
        await pilot.pause()
        seen["history"] = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        seen["detail"] = app.screen.query_one("#tx-diff").source.plain

    drive(app, scenario)
    count = int(re.search(r"Review & apply: (\d+) change", seen["review"]).group(1))
    assert f"Apply {count} changes to " in seen["question"]
    numbered = [line for line in seen["log"] if line.startswith("[")]
    assert [line.split("]")[0] for line in numbered] == [f"[{i}/{count}" for i in range(1, count + 1)]
    assert numbered[0].startswith(f"[1/{count}] {RECORD}")
    assert f"{count:>3} changes" in seen["history"], seen["history"]
    # the record is a line of its own wherever the changes are listed
    assert RECORD in seen["plan"] and RECORD in seen["detail"]
