"""Every dialog of the game opens at t = 0, before the simulation took its first sample (a
player who pauses at once and looks around must not crash the game)."""

from __future__ import annotations

import pytest

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.tui.app import VdcApp


@pytest.mark.parametrize(("keys", "screen"), [
    (("4", "down", "v"), "MoveDialog"),
    (("4", "down", "V"), "MoveDialog"),
    (("4", "down", "n"), "SnapshotScreen"),
    (("1", "H"), "HaScreen"),
    (("1", "D"), "DrsScreen"),
])
async def test_a_dialog_opens_before_the_first_sample(keys, screen):
    app = VdcApp(level=load_level(find_level("00")), tick_interval=None)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.controller.sim.sampler.samples == 0
        await pilot.press(*keys)
        await pilot.pause()
        assert type(app.screen).__name__ == screen
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "GameScreen"
