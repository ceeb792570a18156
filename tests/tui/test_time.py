"""Pilot tests of time that respects the player: the clock held while typing, skip to the next
event, speeds to 64× that drop to 1× on a critical event, the settled outcome (the lost banner,
retry, ending early), and one score shared by the top bar, the debrief and `vdc run`.

Time moves only when a test ticks (`game._on_tick()`, what the 4 Hz timer calls) or steps.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.command import CommandPalette

from tests.tui.conftest import TROUBLE, level_app, screen_of, start, toasts, until
from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session.actions import load_actions
from vdc.session.runner import result, run_level
from vdc.tui.controller import SKIP_LEAD_S, SPEEDS
from vdc.tui.screens.debrief import DebriefScreen
from vdc.tui.screens.game import GameScreen
from vdc.tui.screens.help import KeysScreen
from vdc.tui.widgets.cmdline import CommandLine
from vdc.tui.widgets.outcome import OutcomeBanner
from vdc.tui.widgets.topbar import TopBar

SOLUTIONS = Path(__file__).resolve().parents[2] / "levels" / "solutions"


async def _type_command(pilot, game: GameScreen, text: str) -> None:
    """Open the `:` line, type `text` a key at a time with a clock tick after each key (what
    the timer does while a player types), and run it; the sim time must not move."""
    before = game.controller.now
    await pilot.press("colon")
    await until(pilot, lambda: game.query_one(CommandLine).has_class("-open"))
    for ch in text:
        await pilot.press("space" if ch == " " else ch)
        game._on_tick()
        game._on_tick()
    assert game.controller.now == before, f"the clock moved while typing {text!r}"
    assert "HELD" in str(game.query_one(TopBar)._markup)
    await pilot.press("enter")
    await pilot.pause()


def _tick_to(game: GameScreen, t: float) -> None:
    """Tick the clock (as the timer would) until sim time t."""
    while game.controller.now < t and not game.controller.ended:
        game._on_tick()


async def test_01_is_won_through_the_tui_with_the_clock_held_while_typing():
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        c = game.controller
        assert c.pause_while_typing  # on by default
        await pilot.press("space", "plus", "plus")  # running at 4×
        assert not c.paused and c.speed == 4
        await _type_command(pilot, game, "host power on esx-02")
        await _type_command(pilot, game, "power on intranet-web-01")
        assert [r.accepted for r in c.session.records] == [True, True]
        assert c.session.records[0].t == 0.0  # typed at t = 0, given at t = 0
        _tick_to(game, 61)
        await _type_command(pilot, game, "power on intranet-db-01 esx-02")
        assert c.session.records[-1].accepted, c.session.records[-1].message
        for _ in range(6):
            await pilot.press("plus")  # 64×
        assert c.speed == 64
        _tick_to(game, 1800)
        debrief = await screen_of(pilot, DebriefScreen)
        assert debrief.report["outcome"] == "won"
        assert debrief.report["stars"] == 3


async def test_the_clock_runs_while_typing_when_the_setting_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("VDC_DATA_DIR", str(tmp_path))
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        game.action_toggle_typing_pause()  # what the palette's "Pause while typing" does
        assert not game.controller.pause_while_typing
        assert json.loads((tmp_path / "settings.json").read_text()) == {"pause_while_typing": False}
        await pilot.press("space", "colon")
        await until(pilot, lambda: game.query_one(CommandLine).has_class("-open"))
        game._on_tick()
        assert game.controller.now == 0.25  # one tick at 1×
    # The next game reads the setting.
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        assert not game.controller.pause_while_typing


async def test_the_palette_and_a_dialog_hold_the_clock():
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        await pilot.press("space")
        game._on_tick()
        assert game.controller.now == 0.25
        await pilot.press("ctrl+p")
        await screen_of(pilot, CommandPalette)
        game._on_tick()
        assert game.controller.now == 0.25
        await pilot.press("escape")
        await screen_of(pilot, GameScreen)
        await pilot.press("question_mark")
        await screen_of(pilot, KeysScreen)
        game._on_tick()
        assert game.controller.now == 0.25
        await pilot.press("escape")
        await screen_of(pilot, GameScreen)
        game._on_tick()
        assert game.controller.now == 0.5  # closed: the clock runs on


async def test_skip_goes_to_just_before_the_next_event():
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        game.submit("host power on esx-02")  # boots in 60 s
        game.submit("power on intranet-web-01")  # boots in 30 s
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: game.controller.now > 0)
        assert game.controller.now == 30 - SKIP_LEAD_S
        assert any("intranet-web-01 finishes booting" in t for t in toasts(pilot.app))
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: game.controller.now > 25)
        assert game.controller.now == 60 - SKIP_LEAD_S
        await pilot.press("greater_than_sign")  # nothing more is scheduled in 01
        await until(pilot, lambda: any("Nothing is scheduled" in t for t in toasts(pilot.app)))
        assert game.controller.now == 55


async def test_skip_stops_before_a_timed_hint():
    """Level 01 shows a hint at 0:00:30: with nothing else scheduled, `>` stops just before it
    (and says so), then the hint shows as the clock passes it."""
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        await pilot.press("greater_than_sign")
        await until(pilot, lambda: game.controller.now > 0)
        assert game.controller.now == 30 - SKIP_LEAD_S
        assert any("a hint" in t for t in toasts(pilot.app))
        game.step(10)
        await until(pilot, lambda: any("power on intranet-web-01" in t for t in toasts(pilot.app)))


async def test_skip_replays_like_normal_play():
    """A skip is time passing through the same stepping: the run's digest does not change."""
    async with level_app(TROUBLE).run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        await pilot.press("greater_than_sign")  # a hint at 30 s
        await until(pilot, lambda: game.controller.now > 0)
        assert game.controller.now == 30 - SKIP_LEAD_S
        await pilot.press("greater_than_sign")  # the uplink goes down at 100 s
        await until(pilot, lambda: game.controller.now > 30)
        assert game.controller.now == 100 - SKIP_LEAD_S
        game.step(200 - game.controller.now)
        digest = game.controller.sim.digest()
    headless = run_level(load_level(TROUBLE).level, until=200)
    assert headless.sim.digest() == digest


async def test_a_critical_event_drops_the_speed_to_1x_with_a_toast():
    async with level_app(TROUBLE).run_test(size=(120, 36)) as pilot:
        game = await start(pilot, 150)  # the uplink is down already
        await pilot.press("space", *["plus"] * 6)
        c = game.controller
        assert c.speed == SPEEDS[-1] == 64
        _tick_to(game, 201)  # the host fails at 200 s
        assert c.speed == 1
        assert not c.paused
        await until(pilot, lambda: "Back to 1×" in toasts(pilot.app, "title"))
        assert any("host failed" in t.lower() or "esx" in t for t in toasts(pilot.app, "message"))


async def test_a_lost_level_is_told_at_once_and_r_retries():
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        banner = game.query_one(OutcomeBanner)
        assert not banner.display
        game.step(170)  # the intranet has been down 170 s of the 180 s allowed
        await pilot.pause()
        assert not banner.display
        assert "✖ LOST" not in str(game.query_one(TopBar)._markup)
        game.step(20)
        await until(pilot, lambda: banner.display)
        text = str(banner.render())
        assert "The intranet was down for 3 min" in text
        assert "this level is lost. Retry (r)" in text
        await until(pilot, lambda: "This level is lost" in toasts(pilot.app, "title"))
        assert "✖ LOST" in str(game.query_one(TopBar)._markup)
        await pilot.press("r")
        fresh = await until_new_game(pilot, game)
        assert fresh.controller.now == 0
        assert not fresh.query_one(OutcomeBanner).display


async def until_new_game(pilot, old: GameScreen) -> GameScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, GameScreen) and pilot.app.screen is not old)
    screen = pilot.app.screen
    assert isinstance(screen, GameScreen)
    return screen


async def test_r_is_the_vm_lists_reverse_until_the_level_is_lost():
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        await pilot.press("4", "r")
        await pilot.pause()
        assert pilot.app.screen is game  # not restarted: r reversed the sort


async def test_ending_a_lost_level_early_scores_what_running_out_gives():
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.submit("power on intranet-web-01")
        game.step(200)
        await until(pilot, lambda: game.query_one(OutcomeBanner).display)
        await pilot.press("e")
        debrief = await screen_of(pilot, DebriefScreen)
        report = debrief.report
    level = load_level(find_level("01")).level
    headless = result(run_level(level, actions=list(_script("0 power on intranet-web-01"))))
    assert report["outcome"] == headless["outcome"] == "lost"
    assert report["score"] == headless["score"]
    assert report["sim_time"] == 1800
    assert report["end_reason"] == "ended at 0:03:20, the outcome settled; the rest ran without you"


async def test_a_level_won_for_good_offers_to_end_and_scores_the_same():
    script = load_actions(SOLUTIONS / "01-first-light.txt")
    async with level_app("01").run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        _play(game, script, until=1600)
        await pilot.pause()
        banner = game.query_one(OutcomeBanner)
        assert not banner.display  # 200 s left: the intranet could still lose its allowance
        game.step(150)
        await until(pilot, lambda: banner.display)
        assert "settled: won" in str(banner.render())
        assert "✔ WON ★★★" in str(game.query_one(TopBar)._markup)
        await pilot.press("e")
        debrief = await screen_of(pilot, DebriefScreen)
        report = debrief.report
    headless = result(run_level(load_level(find_level("01")).level, actions=script))
    assert (report["outcome"], report["score"], report["stars"]) == (
        headless["outcome"], headless["score"], headless["stars"])


def _script(text: str):
    from vdc.session.actions import parse_actions

    return parse_actions(text, "<test>")


def _play(game: GameScreen, script, until: float) -> None:
    for a in script:
        game.step(a.t - game.controller.now)
        rec = game.submit(a.text)
        assert rec is not None and rec.accepted
    game.step(until - game.controller.now)


@pytest.mark.parametrize("level, kind", [
    ("01", ""), ("01", ".naive"), ("02", ""), ("02", ".naive"), ("04", ""), ("04", ".naive"),
])
async def test_one_score_in_the_top_bar_the_debrief_and_vdc_run(level, kind):
    loaded = load_level(find_level(level))
    script = load_actions(SOLUTIONS / f"{loaded.level.level.id}{kind}.txt")
    headless = result(run_level(loaded.level, actions=script))
    async with level_app(loaded).run_test(size=(160, 50)) as pilot:
        game = await start(pilot)
        # Given at their times, with the clock moved in uneven slices between them.
        for a in script:
            while game.controller.now < a.t:
                game.controller.step(min(7.3, a.t - game.controller.now))
            game.submit(a.text)
        hud_scores = []
        while not game.controller.ended:
            game.controller.step(97.1)
            hud_scores.append(game.controller.standing().score)
        game.refresh_view()
        hud = game.query_one(TopBar)._markup or ""
        debrief = await screen_of(pilot, DebriefScreen)
    assert debrief.report["score"] == headless["score"] == hud_scores[-1]
    assert f"[b]{headless['score']:.0f}[/]" in hud
    assert debrief.report["outcome"] == headless["outcome"]
