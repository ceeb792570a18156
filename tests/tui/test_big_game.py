"""A big game in the terminal (issue 18): its objects kept out of the collector's sight while
it is played, its autosaves written off the screen's path. Level 01 stands in for the
enterprise sandbox (`big_game_vms` lowered: what a big game does, a small one does when told)."""

from __future__ import annotations

import gc
import weakref

from tests.tui.conftest import level_app, screen_of, start, until
from vdc.tui.screens.title import TitleScreen


async def test_a_big_game_is_set_aside_once_drawn_and_released_when_left() -> None:
    app = level_app("01")
    app.big_game_vms = 1
    assert app.lasting.frozen is False  # built before it was told: nothing set aside
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        await until(pilot, lambda: app.lasting.game_frozen)
        assert app.lasting.game_frozen and gc.isenabled() and gc.get_freeze_count() > 0
        game.controller.paused = False
        gc.collect()  # a full collection: what survived it is set aside at the next tick
        assert app.lasting.survivors
        game._on_tick()
        assert not app.lasting.survivors
        app.leave_level()
        await screen_of(pilot, TitleScreen)
        assert not app.lasting.frozen and gc.get_freeze_count() == 0 and gc.isenabled()
    assert app.lasting._collected not in gc.callbacks


async def test_a_restarted_big_game_collects_the_one_before() -> None:
    app = level_app("01")
    app.big_game_vms = 1
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        await until(pilot, lambda: app.lasting.game_frozen)
        before = weakref.ref(game.controller.sim)
        del game
        app.restart_level()
        await until(pilot, lambda: app.lasting.game_frozen and not app.lasting.held)
        assert gc.isenabled() and app.lasting.frozen
        # (Textual keeps the game screen before a restart until the title shows again.)
        app.leave_level()
        await screen_of(pilot, TitleScreen)
        await pilot.pause()
        gc.collect()
        assert before() is None  # not kept for good, cycles and all, by being set aside
    assert gc.get_freeze_count() == 0 and gc.isenabled()


async def test_a_small_game_changes_nothing() -> None:
    app = level_app("01")
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot)
        await pilot.pause()
        assert not app.lasting.frozen and not app.lasting.held and gc.isenabled()
        assert gc.get_freeze_count() == 0
