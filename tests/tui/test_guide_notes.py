"""The "why not what the guides say" note speaks of the method chosen on Welcome."""
from __future__ import annotations

from screens.help_text import step_text
from tests.tui.helpers import drive, new_root, open_app


def test_step5_guide_note_follows_the_method(tmp_path):
    app = open_app(new_root(tmp_path), start_at=5)
    seen = {}

    async def scenario(pilot):
        for method in ("rsyslog", "audisp-remote"):
            app.session.set_field("method", method)
            app.frame.sync_all()
            await pilot.pause()
            pane = app.frame.pane(5)
            seen[method] = (str(pane.query_one(".guide-note").render()), step_text(pane))

    drive(app, scenario)
    shown, help_text = seen["rsyslog"]
    assert "setsebool" not in shown and "setsebool" not in help_text
    assert "syslogd_port_t" in shown and "syslogd_port_t" in help_text
    shown, help_text = seen["audisp-remote"]
    assert "setsebool -P auditd_network_connect 1" in shown and "setsebool" in help_text
