"""SVG snapshots of every screen, at 80×24 and 160×50, from a paused simulation stepped to a
fixed time. Look at the pictures before accepting new baselines (tests/tui/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.tui.app import VdcApp

TROUBLE = Path(__file__).resolve().parent.parent / "data" / "levels" / "tui-trouble.toml"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


def _app(path: Path | None = None) -> VdcApp:
    return VdcApp(level=load_level(path) if path else None, tick_interval=None)


def _game_at(t: float, *keys: str):
    """run_before: start the level from its briefing, step to t, press keys, drop toasts."""

    async def run_before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.step(t)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_title(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_briefing(snap_compare, size):
    assert snap_compare(_app(find_level("01")), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_game_calm(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=_game_at(60))


@pytest.mark.parametrize("size", SIZES)
def test_game_uplink_down_cuts_vlan(snap_compare, size):
    # Small terminals show one infra panel at a time: bring up the network panel (3).
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=_game_at(150, "3"))


@pytest.mark.parametrize("size", SIZES)
def test_game_host_failed(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=_game_at(250))


@pytest.mark.parametrize("size", SIZES)
def test_game_datastore_over_85(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=_game_at(350, "2"))


@pytest.mark.parametrize("size", SIZES)
def test_command_line_completion(snap_compare, size):
    keys = ("colon", *"power on web", "tab")
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=_game_at(60, *keys))


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=_game_at(1000))


@pytest.mark.parametrize("size", SIZES)
def test_leave_with_unsaved_commands(snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.submit("host power on esx-02")
        pilot.app.clear_notifications()
        await pilot.press("q")
        await pilot.pause()

    assert snap_compare(_app(find_level("01")), terminal_size=size, run_before=run_before)
