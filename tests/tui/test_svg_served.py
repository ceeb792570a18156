"""SVG snapshots of a served session (`vdc serve`): the player screen, and the game with the
browser's keys in its footer (F2 save, F8 download), at 80×24 and 160×50."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import SIZES, TROUBLE, screen_of, start
from vdc.scenario.loader import load_level
from vdc.tui.app import ServedApp
from vdc.tui.screens.player import PlayerScreen


@pytest.mark.parametrize("size", SIZES)
def test_player_screen(snap_compare, size, tmp_path: Path):
    async def run_before(pilot) -> None:
        await screen_of(pilot, PlayerScreen)
        await pilot.press(*"ada")

    app = ServedApp(saves_dir=tmp_path, tick_interval=None)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_served_game_footer(snap_compare, size, tmp_path: Path):
    async def run_before(pilot) -> None:
        game = await start(pilot)
        game.step(60)
        await pilot.pause()

    app = ServedApp(level=load_level(TROUBLE), saves_dir=tmp_path, tick_interval=None,
                    player="ada")
    assert snap_compare(app, terminal_size=size, run_before=run_before)
