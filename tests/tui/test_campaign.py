"""Pilot tests of the campaign list with progress: locked levels are refused with a toast that
names the level to win first, a won level shows its best and stars, `--all` opens everything,
and a game finished in the UI is recorded (and opens the next level).

The campaign is the sandbox and three copies of level 01 (`levels_dir` patched), so there is
something to unlock; progress lives in the test's own VDC_DATA_DIR (tests/conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.tui.conftest import level_app, screen_of, start, toasts, until
from vdc.session import progress as prog
from vdc.tui.app import VdcApp
from vdc.tui.screens.briefing import BriefingScreen
from vdc.tui.screens.debrief import DebriefScreen
from vdc.tui.screens.title import CampaignScreen


def won(level: str, score: float = 97.5, stars: int = 3) -> dict:
    return {"level": level, "outcome": "won", "score": score, "stars": stars, "seed": 1,
            "level_hash": "h"}


async def open_campaign(pilot) -> CampaignScreen:
    await pilot.press("enter")  # Campaign is the first option (no save to continue)
    return await screen_of(pilot, CampaignScreen)


def cells(screen: CampaignScreen, key: str) -> list[str]:
    return [str(c) for c in screen.query_one("#levels").get_row(key)]


async def test_a_locked_level_is_refused_with_a_toast(campaign):
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = await open_campaign(pilot)
        assert cells(screen, "02-second-wind")[2] == "🔒 locked"
        assert cells(screen, "01-first-light")[2:4] == ["● new", "—"]
        await pilot.press("down", "down", "enter")  # 02-second-wind
        await until(pilot, lambda: toasts(app))
        assert isinstance(app.screen, CampaignScreen)
        assert toasts(app) == [
            "Locked: Win “First light” (01-first-light) first to open “Second wind”."]
        await pilot.press("up", "enter")  # 01 is open
        await screen_of(pilot, BriefingScreen)


async def test_a_won_level_shows_its_stars_and_opens_the_next(campaign):
    prog.record(won("01-first-light"))
    prog.record(won("02-second-wind", 55.0, 1) | {"outcome": "lost", "stars": 0})
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_campaign(pilot)
        assert cells(screen, "01-first-light")[2:4] == ["✔ won", "97.5 ★★★"]
        assert cells(screen, "02-second-wind")[2:4] == ["▶ played", "55.0 ☆☆☆"]
        assert cells(screen, "03-third-rail")[2] == "🔒 locked"
        assert cells(screen, "00-sandbox")[2] == "● new"
        await pilot.press("down", "down", "enter")
        briefing = await screen_of(pilot, BriefingScreen)
        assert briefing.loaded.level.level.id == "02-second-wind"


async def test_all_unlocks_everything(campaign):
    app = VdcApp(tick_interval=None, unlock_all=True)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_campaign(pilot)
        assert not any("locked" in cells(screen, k)[2] for k in screen.entries)
        await pilot.press("down", "down", "down", "enter")
        briefing = await screen_of(pilot, BriefingScreen)
        assert briefing.loaded.level.level.id == "03-third-rail"


async def test_a_damaged_progress_file_is_a_toast_not_a_crash(campaign):
    path = prog.progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{oops", encoding="utf-8")
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await open_campaign(pilot)
        await until(pilot, lambda: toasts(app))
        assert any(t.startswith("Progress: progress file ") and "bad-1" in t for t in toasts(app))
    assert (path.parent / "progress.json.bad-1").read_text() == "{oops"


async def _play_01(pilot, *, win: bool) -> DebriefScreen:
    game = await start(pilot)
    if win:
        game.submit("host power on esx-02")
        game.submit("power on intranet-web-01")
        game.step(61)
        game.submit("power on intranet-db-01 esx-02")
    game.step(2000)
    return await screen_of(pilot, DebriefScreen)


async def test_a_game_won_in_the_ui_is_recorded_and_opens_the_next(campaign):
    from vdc.scenario.loader import load_level

    async with level_app(campaign / "01-first-light.toml").run_test(size=(120, 40)) as pilot:
        debrief = await _play_01(pilot, win=True)
        assert debrief.has_next
    lp = prog.load().of("01-first-light")
    assert (lp.played, lp.won, lp.best_outcome) == (1, 1, "won") and lp.best_stars >= 1
    assert lp.best_level_hash == load_level(campaign / "01-first-light.toml").content_hash


async def test_a_lost_game_is_recorded_but_keeps_the_next_locked(campaign):

    async with level_app(campaign / "01-first-light.toml").run_test(size=(120, 40)) as pilot:
        debrief = await _play_01(pilot, win=False)
        assert not debrief.has_next
    lp = prog.load().of("01-first-light")
    assert (lp.played, lp.won, lp.best_stars) == (1, 0, 0)


async def test_a_generated_sandbox_records_nothing():
    from vdc.scenario.loader import level_from_model
    from vdc.scenario.sandbox import generate

    app = level_app(level_from_model(generate("small", 3)))
    async with app.run_test(size=(120, 40)) as pilot:
        game = await start(pilot, 60)
        app.show_debrief(game.controller)  # what the end of the level does
        await screen_of(pilot, DebriefScreen)
    assert not Path(os.environ["VDC_DATA_DIR"], "progress.json").exists()
