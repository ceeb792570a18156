"""Every dialog of the game opens at t = 0, before the simulation took its first sample (a
player who pauses at once and looks around must not crash the game)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import level_app, screen_of, start, until
from vdc.tui.screens.drs import DrsScreen
from vdc.tui.screens.game import GameScreen
from vdc.tui.screens.ha import HaScreen
from vdc.tui.screens.snapshot import SnapshotScreen
from vdc.tui.screens.vmotion import MoveDialog


@pytest.mark.parametrize(("keys", "screen"), [
    (("4", "down", "v"), MoveDialog),
    (("4", "down", "V"), MoveDialog),
    (("4", "down", "n"), SnapshotScreen),
    (("1", "H"), HaScreen),
    (("1", "D"), DrsScreen),
])
async def test_a_dialog_opens_before_the_first_sample(keys, screen):
    async with level_app("00").run_test(size=(160, 50)) as pilot:
        game = await start(pilot)
        assert game.controller.sim.sampler.samples == 0
        await pilot.press(*keys)
        await screen_of(pilot, screen)
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert type(pilot.app.screen) is GameScreen
