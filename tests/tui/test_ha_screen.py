"""The HA settings dialog (`H`), the HA role in the Hosts panel, and HA restarting on screen:
Pilot tests on a paused simulation stepped explicitly, and SVG snapshots at 80×24 and 160×50."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from tests.tui.conftest import LEVELS, SIZES, click, game_at, level_app, screen_of, start, until
from vdc.tui.app import VdcApp
from vdc.tui.screens.ha import HaScreen
from vdc.tui.widgets.hosts import HostsPanel

HA_LEVEL = LEVELS / "tui-ha.toml"


def _app() -> VdcApp:
    return level_app(HA_LEVEL)


async def test_dialog_changes_settings_through_commands():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 30)
        records = game.controller.session.records
        game.selected = ("host", "esx-03")
        await pilot.press("H")
        dialog = await screen_of(pilot, HaScreen)
        assert dialog.cluster == "prod"
        status = str(dialog.query_one("#ha-status").render())
        assert status == "HA is on · primary esx-01 · no restarts"
        hosts = str(dialog.query_one("#ha-hosts").render())
        assert hosts == "Hosts: esx-01 ★ primary, esx-02 ◇ secondary, esx-03 ◇ secondary"
        capacity = str(dialog.query_one("#ha-capacity").render())
        assert capacity == "Admission percent: free 100 % CPU / 92 % memory, reserved 33 % / 33 %"
        # Isolation response: choosing one gives the command.
        dialog.query_one("#ha-isolation", Select).value = "power-off"
        await until(pilot, lambda: len(records) == 1)
        sim = game.controller.sim
        assert sim.inv.clusters["prod"].ha.isolation_response == "power-off"
        # Admission: policy and values, then apply.
        dialog.query_one("#ha-policy", Select).value = "slots"
        dialog.query_one("#ha-values", Input).value = "1"
        await click(pilot, "#ha-apply")
        await until(pilot, lambda: len(records) == 2)
        assert records[-1].text == "ha admission prod slots 1"
        assert sim.inv.clusters["prod"].ha.admission == "slots"
        capacity = str(dialog.query_one("#ha-capacity").render())
        assert capacity == ("Admission slots: slot 32 MHz / 16 GiB, slots 8/8/8 for 6 VMs, failover capacity 2 host(s)")
        # HA off and on again.
        await pilot.press("e")
        await until(pilot, lambda: len(records) == 3)
        assert not sim.inv.clusters["prod"].ha.enabled
        assert str(dialog.query_one("#ha-status").render()) == "HA is off"
        await pilot.press("e")
        await until(pilot, lambda: len(records) == 4)
        assert sim.inv.clusters["prod"].ha.enabled
        # VM monitoring: choosing it gives the command.
        dialog.query_one("#ha-monitoring", Select).value = "on"
        await until(pilot, lambda: len(records) == 5)
        assert sim.inv.clusters["prod"].ha.vm_monitoring
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert pilot.app.screen is game
        assert [r.text for r in records] == [
            "ha isolation prod power-off", "ha admission prod slots 1",
            "ha disable prod", "ha enable prod", "ha monitoring prod on",
        ]


async def test_hosts_panel_shows_ha_roles_and_restarts_are_tasks():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 100)
        panel = game.query_one(HostsPanel)
        cells = [str(panel.table.get_cell(f"host:{h}", "ha")) for h in ("esx-01", "esx-02", "esx-03")]
        assert [c.strip() for c in cells] == ["★ pri", "✖ dead", "◇ sec"]  # short: room for…
        keys = [str(c.key.value) for c in panel.table.columns.values()]
        assert "hist" in keys  # …the history column HA must not push out (issue 12, bug 12)
        tasks = game.controller.sim.tasks.tasks
        assert [(t.kind, t.subject, t.state) for t in tasks] == [
            ("ha_restart", "db-01", "running"), ("ha_restart", "web-02", "running"),
            ("ha_restart", "jump-01", "running"), ("ha_restart", "backup-01", "failed"),
        ]


@pytest.mark.parametrize("size", SIZES)
def test_game_while_ha_restarts(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=game_at(100))


@pytest.mark.parametrize("size", SIZES)
def test_ha_dialog(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=game_at(100, "H", shows=HaScreen))
