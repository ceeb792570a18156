"""Exam mode in the terminal UI (`vdc play --exam PACK`): no hints, the speed limit, and the
wall-clock countdown that only the UI counts — a fake wall clock here, never a sleep."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import SIZES, TROUBLE, screen_of, start, toasts, until
from vdc.scenario.loader import load_level
from vdc.session.pack import Exam
from vdc.session.save import load
from vdc.tui.app import VdcApp
from vdc.tui.exam import Countdown
from vdc.tui.screens.briefing import BriefingScreen
from vdc.tui.screens.debrief import DebriefScreen
from vdc.tui.widgets.topbar import TopBar

ROOT = Path(__file__).resolve().parent.parent.parent


class FakeClock:
    """A wall clock a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def exam_app(tmp_path: Path, exam: Exam, clock: FakeClock | None = None,
             level: Path | str = ROOT / "levels" / "01-first-light.toml") -> VdcApp:
    return VdcApp(level=load_level(level), saves_dir=tmp_path, tick_interval=None, player="ada",
                  exam=exam, wall_clock=clock or FakeClock())


def test_countdown_text():
    clock = FakeClock()
    cd = Countdown(2700, clock)
    assert (cd.text(), cd.over) == ("exam 45:00 left", False)
    clock.now += 0.2
    assert cd.text() == "exam 45:00 left"  # 44:59.8 shows 45:00: the last second shows 0:01
    clock.now += 2699.7
    assert cd.text() == "exam 0:01 left"
    clock.now += 0.1
    assert (cd.text(), cd.over, cd.left()) == ("exam 0:00 left", True, 0.0)
    assert Countdown(5400, clock).text() == "exam 1:30:00 left"


async def test_no_hints_and_the_speed_limit(tmp_path: Path):
    app = exam_app(tmp_path, Exam(max_speed=4))
    async with app.run_test(size=(100, 30)) as pilot:
        briefing = await screen_of(pilot, BriefingScreen)
        assert not briefing.query("#hints")  # no switch to turn hints on
        assert "Exam: no hints · up to 4× · no time limit" in str(
            briefing.query_one("#exam-rules").render())
        await pilot.press("h")  # does nothing
        game = await start(pilot)
        c = app.controller
        assert c is not None and c.hints_on is False and c.speeds == (1, 2, 4)
        for _ in range(6):
            c.faster()
        assert c.speed == 4
        game.step(120)  # level 01's time hint is due at 30 s: not shown
        await pilot.pause()
        assert not [t for t in toasts(app, "title") if t == "Hint"]
        assert game.countdown is None  # no time limit, no countdown
        assert "exam " not in str(game.query_one(TopBar).render())


async def test_hints_stay_on_outside_an_exam(tmp_path: Path):
    app = VdcApp(level=load_level(ROOT / "levels" / "01-first-light.toml"), saves_dir=tmp_path,
                 tick_interval=None, player="ada")
    async with app.run_test(size=(100, 30)) as pilot:
        game = await start(pilot)
        game.step(60)
        await until(pilot, lambda: "Hint" in toasts(app, "title"))
        assert "Hint" in toasts(app, "title")


async def test_the_countdown_ends_the_attempt_and_the_run_is_whole(tmp_path: Path):
    clock = FakeClock()
    app = exam_app(tmp_path, Exam(time_limit_s=600, max_speed=16), clock)
    async with app.run_test(size=(120, 36)) as pilot:
        game = await start(pilot)
        assert game.countdown is not None
        assert "exam 10:00 left" in str(game.query_one(TopBar).render())
        game.submit("host power on esx-02")
        game.step(90)
        clock.now += 599.0
        game.exam_tick()
        await pilot.pause()
        assert "exam 0:01 left" in str(game.query_one(TopBar).render())
        assert app.controller is not None and app.controller.now == pytest.approx(90, abs=2)
        clock.now += 1.0
        game.exam_tick()
        debrief = await screen_of(pilot, DebriefScreen)
        assert "Exam: Time is up: the rest of the level runs without you." in toasts(app)
        assert "the exam's time was up; the rest ran without you" in debrief.report["end_reason"]
        # One attempt: no Retry in an exam's debrief (`r` does nothing either).
        assert not debrief.query("#retry") and debrief.focused is not None
        await pilot.press("r")
        await pilot.pause()
        assert pilot.app.screen is debrief
    saves = sorted(tmp_path.rglob("*.vdcsave"))
    assert saves, "the attempt is saved"
    saved = load(saves[-1])
    # The simulation never saw the wall clock: the save is the whole level, one command at 0.
    assert saved.sim_time == 1800 and [c.text for c in saved.commands] == ["host power on esx-02"]


@pytest.mark.parametrize("size", SIZES)
def test_exam_briefing_svg(snap_compare, size, tmp_path: Path):
    app = exam_app(tmp_path, Exam(time_limit_s=2700, max_speed=8), level=TROUBLE)
    assert snap_compare(app, terminal_size=size,
                        run_before=lambda pilot: screen_of(pilot, BriefingScreen))


@pytest.mark.parametrize("size", SIZES)
def test_exam_game_countdown_svg(snap_compare, size, tmp_path: Path):
    clock = FakeClock()

    async def run_before(pilot) -> None:
        game = await start(pilot)
        game.step(60)
        clock.now += 125.0
        game.exam_tick()
        await pilot.pause()

    app = exam_app(tmp_path, Exam(time_limit_s=2700, max_speed=8), clock, level=TROUBLE)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_a_served_exam_opens_the_packs_level_after_the_name(tmp_path: Path):
    from vdc.tui.app import ServedApp
    from vdc.tui.screens.player import PlayerScreen

    app = ServedApp(level=load_level(ROOT / "levels" / "04-host-down.toml"), seed=1,
                    saves_dir=tmp_path, tick_interval=None, exam=Exam(max_speed=2))
    async with app.run_test(size=(100, 30)) as pilot:
        await screen_of(pilot, PlayerScreen)
        await pilot.press(*"ada", "enter")
        briefing = await screen_of(pilot, BriefingScreen)
        assert briefing.loaded.level.level.id == "04-host-down" and not briefing.query("#hints")
        await start(pilot)
        assert app.controller is not None and app.controller.speeds == (1, 2)
        assert app.controller.hints_on is False and app.player == "ada"
