"""The App shell as the screens call it, typed: `shell(self.app).after_apply(ok)`.

screens/app.py imports every screen, so the screens name its class for the type checker only."""
from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import App

if TYPE_CHECKING:
    from screens.app import WizardApp


def shell(app: App) -> WizardApp:
    return cast("WizardApp", app)
