"""Save from the game, autosave, and Continue: the resumed game ends where an uninterrupted
run of the same commands ends (same final digest)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.tui.conftest import TROUBLE, level_app, screen_of, start, toasts, until
from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session.actions import parse_actions
from vdc.session.runner import run_level
from vdc.session.save import load
from vdc.session.verify import verify
from vdc.tui.app import VdcApp
from vdc.tui.screens.debrief import DebriefScreen
from vdc.tui.screens.game import GameScreen
from vdc.tui.screens.help import LeaveScreen
from vdc.tui.screens.title import TitleScreen


def saves() -> Path:
    return Path(os.environ["VDC_SAVES_DIR"])


def save_of(level_id: str, kind: str = "save") -> Path:
    """The `kind` save of the one game of `level_id` (`<level-id>.<began>.<kind>.vdcsave`), or
    a path that does not exist when there is none."""
    found = sorted(saves().glob(f"{level_id}-*.{kind}.vdcsave"))
    assert len(found) <= 1, found
    return found[0] if found else saves() / f"{level_id}.none.{kind}.vdcsave"


async def test_ctrl_s_saves_a_game_that_verifies_and_continue_finishes_like_one_run():
    app = level_app("01")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        game = await start(pilot)
        game.submit("host power on esx-02")
        game.step(90)
        game.submit("power on intranet-db-01 esx-02")
        game.step(30)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved" in toasts(app, "title"))
        path = save_of("01-first-light")
        assert path.is_file()
        assert "Saved" in toasts(app, "title")
    saved = load(path)
    assert saved.sim_time == 120.0 and [c.text for c in saved.commands] == [
        "host power on esx-02", "power on intranet-db-01 esx-02",
    ]
    assert verify(saved)[1] is None

    resumed = VdcApp(resume=path, tick_interval=None)
    async with resumed.run_test(size=(100, 30)) as pilot:
        game = await screen_of(pilot, GameScreen)
        assert game.controller.now == 120.0
        game.step(2000)  # to the end
        final = game.controller.sim.digest()
        await screen_of(pilot, DebriefScreen)
    straight = run_level(
        load_level(find_level("01")).level,
        actions=parse_actions("0 host power on esx-02\n90 power on intranet-db-01 esx-02\n"),
    )
    assert final == straight.sim.digest()


async def test_the_saved_toast_says_the_sim_time_as_a_clock():
    app = level_app("01")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        game = await start(pilot, 1234)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved" in toasts(app, "title"))
        [said] = [m for m in toasts(app, "message") if m.startswith("Saved at")]
        assert said.startswith("Saved at 0:20:34 to ") and "1234 s" not in said
        assert game.controller.now == 1234


async def test_autosave_every_five_sim_minutes_and_title_offers_continue():
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot, 299)
        assert not save_of("01-first-light", "autosave").exists()
        game.step(10)
        await pilot.pause()
    auto = save_of("01-first-light", "autosave")
    assert auto.is_file() and load(auto).sim_time == 309.0  # the first refresh past 300 s

    title = VdcApp(tick_interval=None)
    async with title.run_test(size=(100, 30)) as pilot:
        assert isinstance(title.screen, TitleScreen)
        menu = title.screen.query_one("#menu")
        assert "Continue" in str(menu.get_option_at_index(0).prompt)
        await pilot.press("enter")
        game = await screen_of(pilot, GameScreen)
        assert game.controller.now == 309.0


async def test_continued_game_logs_its_history_without_toasting_it():
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.submit("power on intranet-db-01")  # refused: a command_rejected event
        game.step(60)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: save_of("01-first-light").exists())
        path = save_of("01-first-light")
    resumed = VdcApp(resume=path, tick_interval=None)
    async with resumed.run_test(size=(100, 30), notifications=True) as pilot:
        game = await screen_of(pilot, GameScreen)
        await pilot.pause()
        log = game.query_one("EventLogPanel")
        # intranet is down from the first sample (its VMs start off): logged, not toasted
        assert [r.kind for r in log.records] == ["command_rejected", "service_down"]
        assert not [m for m in toasts(resumed, "message") if "esx-01 has" in m]
        assert "First light" in str(game.query_one("#topbar").render())


async def test_leaving_with_unsaved_commands_asks_first():
    app = level_app("01")
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.submit("host power on esx-02")
        await pilot.press("q")
        await screen_of(pilot, LeaveScreen)
        await pilot.press("escape")  # stay
        await until(pilot, lambda: app.screen is game)
        assert app.screen is game
        await pilot.press("q")
        await screen_of(pilot, LeaveScreen)
        await pilot.press("s")  # save and leave
        await screen_of(pilot, TitleScreen)
    saved = load(save_of("01-first-light"))
    assert [c.text for c in saved.commands] == ["host power on esx-02"]


async def test_leaving_after_saving_or_choosing_leave_does_not_save():
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.submit("host power on esx-02")
        await pilot.press("q")
        await screen_of(pilot, LeaveScreen)
        await pilot.press("l")  # leave without saving
        await screen_of(pilot, TitleScreen)
    assert not save_of("01-first-light").exists()


async def test_autosave_at_an_important_event():
    async with level_app(TROUBLE).run_test(size=(100, 30)) as pilot:
        game = await start(pilot, 90)  # nothing has happened yet
        assert not save_of("tui-trouble", "autosave").exists()
        game.step(20)  # at 100 an uplink dies and cuts web-02's VLAN: critical
        await pilot.pause()
    assert load(save_of("tui-trouble", "autosave")).sim_time == 110.0


def _menu_ids(app: VdcApp) -> list[str | None]:
    return [o.id for o in app.screen.query_one("#menu").options]


async def test_title_continue_offers_the_latest_unfinished_game_looked_for_again_on_return():
    """Finish 01, play the sandbox, Ctrl+S, leave: Continue offers the sandbox save, never the
    finished 01 autosave, and it is looked for again each time the title shows (issue 12,
    bug 5)."""
    app = VdcApp(tick_interval=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await screen_of(pilot, TitleScreen)
        assert "continue" not in _menu_ids(app)  # no saves yet
        app.open_briefing("01")
        game = await start(pilot)
        game.step(2000)  # to the end: the autosave of a finished game
        await screen_of(pilot, DebriefScreen)
        finished = save_of("01-first-light", "autosave")
        assert load(finished).result is not None
        await pilot.press("m")
        await screen_of(pilot, TitleScreen)
        await until(pilot, lambda: app.screen.is_mounted)
        assert "continue" not in _menu_ids(app)  # a finished game is not continued
        app.open_sandbox("small", 1)
        game = await start(pilot, 30)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: save_of("sandbox-small-1").exists())
        sandbox = save_of("sandbox-small-1")
        await pilot.press("q")
        title = await screen_of(pilot, TitleScreen)
        await until(pilot, lambda: "continue" in _menu_ids(app))
        assert title.latest == sandbox
        assert str(app.screen.query_one("#menu").get_option_at_index(0).prompt) == (
            f"Continue — {sandbox.name}"
        )
        await pilot.press("enter")
        game = await screen_of(pilot, GameScreen)
        assert game.controller.level.level.id == "sandbox-small-1" and game.controller.now == 30.0


async def test_a_title_with_only_finished_saves_offers_no_continue():
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.step(2000)
        await screen_of(pilot, DebriefScreen)
    title = VdcApp(tick_interval=None)
    async with title.run_test(size=(100, 30)) as pilot:
        await screen_of(pilot, TitleScreen)
        assert "continue" not in _menu_ids(title)


async def test_continuing_a_finished_game_again_is_not_another_game_played():
    """`vdc continue <finished autosave>` twice: progress still counts one game played, and the
    finished save is left as it was (issue 12, bug 6)."""
    from vdc.session import progress

    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.step(2000)
        await screen_of(pilot, DebriefScreen)
    finished = save_of("01-first-light", "autosave")
    assert progress.load().of("01-first-light").played == 1
    written = finished.read_bytes(), finished.stat().st_mtime_ns
    for _ in range(2):
        again = VdcApp(resume=finished, tick_interval=None)
        async with again.run_test(size=(100, 30)) as pilot:
            await screen_of(pilot, DebriefScreen)
        assert progress.load().of("01-first-light").played == 1
    assert (finished.read_bytes(), finished.stat().st_mtime_ns) == written


async def test_a_new_game_never_writes_over_the_saves_of_another():
    """Finish 01, play it again: the new game autosaves into a file of its own, the finished
    game's autosave stays as it was; a continued game goes on in its own file (issue 12,
    Saves)."""
    app = level_app("01")
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.step(2000)
        await screen_of(pilot, DebriefScreen)
        [finished] = saves().glob("01-first-light-*.autosave.vdcsave")
        kept = finished.read_bytes()
        await pilot.press("r")  # retry: a new game of the same level
        game = await start(pilot, 310)
        await pilot.pause()
        autosaves = sorted(saves().glob("01-first-light-*.autosave.vdcsave"))
        assert len(autosaves) == 2 and finished.read_bytes() == kept
        [second] = [p for p in autosaves if p != finished]
        assert load(second).sim_time == 310.0 and load(second).result is None
    again = VdcApp(resume=second, tick_interval=None)
    async with again.run_test(size=(100, 30)) as pilot:
        game = await screen_of(pilot, GameScreen)
        game.step(300)
        await pilot.pause()
    assert sorted(saves().glob("01-first-light-*.autosave.vdcsave")) == autosaves
    assert load(second).sim_time == 610.0
