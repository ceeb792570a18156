"""The HA settings dialog (`H`), the HA role in the Hosts panel, and HA restarting on screen:
Pilot tests on a paused simulation stepped explicitly, and SVG snapshots at 80×24 and 160×50."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from vdc.scenario.loader import load_level
from vdc.tui.app import VdcApp
from vdc.tui.screens.game import GameScreen
from vdc.tui.screens.ha import HaScreen
from vdc.tui.widgets.hosts import HostsPanel

HA_LEVEL = Path(__file__).resolve().parent.parent / "data" / "levels" / "tui-ha.toml"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 50), id="160x50")]


def _app() -> VdcApp:
    return VdcApp(level=load_level(HA_LEVEL), tick_interval=None)


async def _game(pilot, t: float) -> GameScreen:
    await pilot.press("enter")
    await pilot.pause()
    game = pilot.app.screen
    assert isinstance(game, GameScreen)
    game.step(t)
    await pilot.pause()
    return game


def _game_at(t: float, *keys: str):
    async def run_before(pilot) -> None:
        await _game(pilot, t)
        if keys:
            await pilot.press(*keys)
            await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


async def test_dialog_changes_settings_through_commands():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await _game(pilot, 30)
        game.selected = ("host", "esx-03")
        await pilot.press("H")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, HaScreen) and dialog.cluster == "prod"
        status = str(dialog.query_one("#ha-status").render())
        assert status == "HA is on · primary esx-01 · no restarts"
        hosts = str(dialog.query_one("#ha-hosts").render())
        assert hosts == "Hosts: esx-01 ★ primary, esx-02 ◇ secondary, esx-03 ◇ secondary"
        capacity = str(dialog.query_one("#ha-capacity").render())
        assert capacity == "Admission percent: free 100 % CPU / 92 % memory, reserved 33 % / 33 %"
        # Isolation response: choosing one gives the command.
        dialog.query_one("#ha-isolation", Select).value = "power-off"
        await pilot.pause()
        sim = game.controller.sim
        assert sim.inv.clusters["prod"].ha.isolation_response == "power-off"
        # Admission: policy and values, then apply.
        dialog.query_one("#ha-policy", Select).value = "slots"
        dialog.query_one("#ha-values", Input).value = "1"
        await pilot.click("#ha-apply")
        await pilot.pause()
        assert game.controller.session.records[-1].text == "ha admission prod slots 1"
        assert sim.inv.clusters["prod"].ha.admission == "slots"
        capacity = str(dialog.query_one("#ha-capacity").render())
        assert capacity == ("Admission slots: slot 32 MHz / 16 GiB, slots 8/8/8 for 6 VMs, failover capacity 2 host(s)")
        # HA off and on again.
        await pilot.press("e")
        await pilot.pause()
        assert not sim.inv.clusters["prod"].ha.enabled
        assert str(dialog.query_one("#ha-status").render()) == "HA is off"
        await pilot.press("e")
        await pilot.pause()
        assert sim.inv.clusters["prod"].ha.enabled
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is game
        assert [r.text for r in game.controller.session.records] == [
            "ha isolation prod power-off", "ha admission prod slots 1",
            "ha disable prod", "ha enable prod",
        ]


async def test_hosts_panel_shows_ha_roles_and_restarts_are_tasks():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await _game(pilot, 100)
        panel = game.query_one(HostsPanel)
        cells = [str(panel.table.get_cell(f"host:{h}", "ha")) for h in ("esx-01", "esx-02", "esx-03")]
        assert [c.strip() for c in cells] == ["★ primary", "✖ dead", "◇ secondary"]
        tasks = game.controller.sim.tasks.tasks
        assert [(t.kind, t.subject, t.state) for t in tasks] == [
            ("ha_restart", "db-01", "running"), ("ha_restart", "web-02", "running"),
            ("ha_restart", "jump-01", "running"), ("ha_restart", "backup-01", "failed"),
        ]


@pytest.mark.parametrize("size", SIZES)
def test_game_while_ha_restarts(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_game_at(100))


@pytest.mark.parametrize("size", SIZES)
def test_ha_dialog(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_game_at(100, "H"))
