"""A big game in the terminal (issue 18): its objects kept out of the collector's sight while
it is played, its autosaves written off the screen's path. Level 01 stands in for the
enterprise sandbox (`big_game_vms` lowered: what a big game does, a small one does when told)."""

from __future__ import annotations

import gc
import io
import json
import os
import threading
import weakref
from pathlib import Path

import pytest

from tests.tui.conftest import TROUBLE, level_app, screen_of, start, toasts, until
from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session import save_writer
from vdc.session.save import load
from vdc.tui.screens.title import TitleScreen


def save_of(level_id: str, kind: str) -> Path:
    """The one `kind` save of `level_id`'s game, or a path that does not exist."""
    found = sorted(Path(os.environ["VDC_SAVES_DIR"]).glob(f"{level_id}-*.{kind}.vdcsave"))
    return found[0] if found else Path(os.environ["VDC_SAVES_DIR"]) / "none.vdcsave"


async def test_a_big_game_is_set_aside_once_drawn_and_released_when_left() -> None:
    app = level_app("01")
    app.big_game_vms = 1
    before = gc.get_threshold()
    assert app.lasting.frozen is False  # built before it was told: nothing set aside
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        await until(pilot, lambda: app.lasting.game_frozen)
        assert app.lasting.game_frozen and gc.isenabled() and gc.get_freeze_count() > 0
        assert gc.get_threshold()[2] == 10 * app.lasting.thresholds[2]
        game.controller.paused = False
        gc.collect()  # a full collection: what survived it is set aside at the next tick
        assert app.lasting.survivors
        game._on_tick()
        assert not app.lasting.survivors
        app.leave_level()
        await screen_of(pilot, TitleScreen)
        assert not app.lasting.frozen and gc.get_freeze_count() == 0 and gc.isenabled()
        assert gc.get_threshold() == before
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


def _hold_writer() -> threading.Event:
    """Keep the save writer busy until the event is set (what a slow disk would do)."""
    go = threading.Event()
    save_writer._pool().submit(go.wait, 30)
    return go


async def test_an_autosave_is_taken_at_once_and_written_while_the_game_goes_on() -> None:
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot, 299)
        go = _hold_writer()
        game.step(10)  # past 300 s: the autosave is taken now, the writer is busy
        await pilot.pause()
        assert not save_of("01-first-light", "autosave").exists() and len(game._writing) == 1
        game.step(60)  # the game goes on meanwhile
        assert game.controller.now == 369.0
        go.set()
        save_writer.flush()
        game.controller.paused = False
        game._on_tick()  # the next tick sees it written
        auto = save_of("01-first-light", "autosave")
        assert not game._writing and game.controller.last_save == auto
    assert load(auto).sim_time == 309.0  # what the game was when it was taken


@pytest.mark.parametrize("leave", [False, True], ids=["tick", "leave"])
async def test_autosaves_due_while_one_is_written_make_one_more_after_it(leave: bool) -> None:
    async with level_app(TROUBLE).run_test(size=(100, 30)) as pilot:
        game = await start(pilot, 90)
        go = _hold_writer()
        game.step(20)  # at 100 an uplink dies: critical, autosave (the writer is busy)
        game.step(100)  # at 200 a host fails: critical again, due
        game.step(40)
        assert len(game._writing) == 1 and game._autosave_due
        if leave:  # the one due is written too, before the game is gone
            threading.Timer(0.2, go.set).start()
            return
        go.set()
        save_writer.flush()
        game.controller.paused = False
        game._on_tick()  # sees the first written, takes the one due
        assert len(game._writing) == 1 and not game._autosave_due
        save_writer.flush()
    # taken before the tick, or as the game is left
    assert load(save_of("tui-trouble", "autosave")).sim_time == 250.0


async def test_autosaves_handed_over_are_written_before_the_title_reads_the_saves() -> None:
    app = level_app("01")
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot, 299)
        go = _hold_writer()
        game.step(10)
        await pilot.pause()
        threading.Timer(0.2, go.set).start()
        app.leave_level()  # waits for the writer
        title = await screen_of(pilot, TitleScreen)
        await until(pilot, lambda: title.latest is not None)  # looked for as the title shows
        assert title.latest == save_of("01-first-light", "autosave")


async def test_autosaves_handed_over_are_written_before_the_app_is_gone() -> None:
    async with level_app("01").run_test(size=(100, 30)) as pilot:
        game = await start(pilot, 299)
        go = _hold_writer()
        game.step(10)
        await pilot.pause()
        threading.Timer(0.3, go.set).start()
    assert load(save_of("01-first-light", "autosave")).sim_time == 309.0


async def test_an_autosave_that_cannot_be_written_is_told(monkeypatch) -> None:
    def full(path: Path, pending: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(save_writer, "write_pending", full)
    app = level_app("01")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        game = await start(pilot, 299)
        game.step(10)
        save_writer.flush()
        game.controller.paused = False
        game._on_tick()
        await until(pilot, lambda: "Save failed" in toasts(app, "title"))
        assert any("No space left on device" in m for m in toasts(app, "message"))
        assert game.controller.last_save is None


def test_a_save_taken_then_written_is_the_text_of_one_written_at_once(tmp_path: Path) -> None:
    from vdc.session.save import encode, snapshot, to_data, write_pending
    from vdc.session.session import Session
    from vdc.sim.engine import Simulation

    session = Session(Simulation(load_level(find_level("01")).level))
    session.submit("host power on esx-02")
    session.advance(120)
    taken = snapshot(session)
    whole = json.dumps(to_data(session), indent=1, ensure_ascii=False)
    session.advance(60)  # the run goes on: what was taken stays
    assert encode(taken) == whole and json.loads(whole)["sim_time"] == 120.0
    written = write_pending(tmp_path / "s.vdcsave", taken)
    assert written.read_bytes() == whole.encode("utf-8")


async def test_an_alarm_storm_lists_the_worst_and_counts_the_rest() -> None:
    from rich.console import Console
    from textual.widgets import Static

    from tests.tui.conftest import PanelApp
    from vdc.session.alarms import Alarm
    from vdc.tui.widgets.alarms import LIST_MAX, AlarmsPanel

    storm = [Alarm("critical", f"host esx-{i:04d} failed", "`host power on`") for i in range(70)]
    storm += [Alarm("warning", f"VM vm-{i:05d} CPU ready 20.0%") for i in range(930)]
    app = PanelApp(AlarmsPanel())
    async with app.run_test(size=(160, 50)) as pilot:
        panel = app.panel
        assert isinstance(panel, AlarmsPanel)
        panel.show(None, storm)  # type: ignore[arg-type] - the alarms are given
        await pilot.pause()
        console = Console(width=150, record=True, file=io.StringIO())
        console.print(panel.query_one("#alarms-text", Static).content)
        text = console.export_text()
        assert panel.border_title == "Alarms (1000)" and len(panel.alarms) == 1000
        assert "host esx-0059 failed" in text and "host esx-0060 failed" not in text
        assert "940 more alarms, 10 of them critical: deal with those above first" in text
        assert LIST_MAX == 60
