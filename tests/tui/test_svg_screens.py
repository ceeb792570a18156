"""SVG snapshots of every screen, at 80×24 and 160×50, from a paused simulation stepped to a
fixed time. Look at the pictures before accepting new baselines (tests/tui/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.conftest import SIZES, TROUBLE, game_at, level_app, screen_of, start
from vdc.tui.app import VdcApp
from vdc.tui.screens.debrief import DebriefScreen
from vdc.tui.screens.help import KeysScreen, LeaveScreen


def _app(path: Path | None = None) -> VdcApp:
    return level_app(path) if path else VdcApp(tick_interval=None)


@pytest.mark.parametrize("size", SIZES)
def test_title(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_game_calm(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=game_at(60))


@pytest.mark.parametrize("size", SIZES)
def test_game_uplink_down_cuts_vlan(snap_compare, size):
    # Small terminals show one infra panel at a time: bring up the network panel (3).
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=game_at(150, "3"))


@pytest.mark.parametrize("size", SIZES)
def test_game_host_failed(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=game_at(250))


@pytest.mark.parametrize("size", SIZES)
def test_game_datastore_over_85(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=game_at(350, "2"))


@pytest.mark.parametrize("size", SIZES)
def test_command_line_completion(snap_compare, size):
    keys = ("colon", *"power on web", "tab")
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=game_at(60, *keys))


@pytest.mark.parametrize("size", SIZES)
def test_debrief(snap_compare, size):
    assert snap_compare(_app(TROUBLE), terminal_size=size, run_before=game_at(1000, shows=DebriefScreen))


@pytest.mark.parametrize("size", SIZES)
def test_leave_with_unsaved_commands(snap_compare, size):
    async def run_before(pilot) -> None:
        game = await start(pilot)
        game.submit("host power on esx-02")
        pilot.app.clear_notifications()
        await pilot.press("q")
        await screen_of(pilot, LeaveScreen)

    assert snap_compare(level_app("01"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_keys(snap_compare, size):
    """`?`: the keys (panel numbers 1–9, the VMs panel's s / r / /) and the commands."""
    assert snap_compare(_app(TROUBLE), terminal_size=size,
                        run_before=game_at(60, "question_mark", shows=KeysScreen))


@pytest.mark.parametrize("size", SIZES)
def test_game_level_01_opens_on_its_first_panel(snap_compare, size):
    """Level 01 names the VMs panel first: at 80×24 the VM list (with Host and Power) is in
    view and focused; the footer shows the acting keys, v V n M H D ? included."""
    assert snap_compare(level_app("01"), terminal_size=size, run_before=game_at(5))
