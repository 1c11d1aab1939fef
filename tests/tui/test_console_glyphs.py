"""Console mode draws only ASCII: the Linux VT font and serial terminals lack half blocks,
arrows and box-drawing glyphs."""
import asyncio

import pytest

from tests.tui.helpers import SIZE, new_root, open_app, screen_text

KEYS = {
    "welcome": [],
    "step4": ["f10", "f10", "f10", "f10"],
    "step6": ["f10"] * 6,
    "review": ["f10"] * 10,
    "help": ["f10", "f1"],
    "history": ["f10", "f7"],
    "quit": ["f10", "f9"],
}


@pytest.mark.parametrize("where", sorted(KEYS))
def test_console_mode_is_ascii(tmp_path, where):
    app = open_app(new_root(tmp_path), ascii_mode=True)
    app.session.set_field("remote.server", "logs.example.com")
    seen = {}

    async def main():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.3)
            for key in KEYS[where]:
                await pilot.press(key)
                await pilot.pause(0.2)
            seen["text"] = screen_text(app)

    asyncio.run(main())
    odd = sorted({c for c in seen["text"] if ord(c) > 126})
    assert odd == [], f"non-ASCII glyphs on the {where} screen: {odd}"
