"""The network dialog (`L`): it opens on the selected host, says what its uplinks and teams
do now, and builds `net …` / `vm nic` commands given through the one command language. Pilot
tests on level 13 (VLAN 120 pruned from esx-02's vmnic1 at 0:10, esx-01's vmnic0 black-holed
at 0:30) and SVG snapshots at 80×24 and 160×50."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Select

from tests.tui.conftest import SIZES, click, game_at, level_app, screen_of, start, until
from vdc.tui.screens.network import NetworkScreen


async def test_the_dialog_fixes_the_pruned_trunk_of_the_selected_host():
    async with level_app("13-vlan-trouble").run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 620)
        game.selected = ("vm", "app-01")
        await pilot.press("L")
        dialog = await screen_of(pilot, NetworkScreen)
        assert dialog.host == "esx-02"  # the selected VM's host
        now = str(dialog.query_one("#net-now", Label).render())
        assert "vmnic1 up" in now and "all VLANs but 120" in now
        assert dialog.command() == "net trunk esx-02 vmnic1 add VLAN"  # the pruned uplink first
        assert dialog.missing() == ["VLAN"]
        dialog.query_one("#net-uplink", Select).value = "vmnic1"
        dialog.query_one("#net-trunk-vlan", Input).value = "120"
        await until(pilot, lambda: "120" in str(dialog.query_one("#net-command").render()))
        assert dialog.command() == "net trunk esx-02 vmnic1 add 120"
        await click(pilot, "#net-go")
        records = game.controller.session.records
        await until(pilot, lambda: len(records) == 1)
        assert records[-1].text == "net trunk esx-02 vmnic1 add 120" and records[-1].accepted
        assert game.controller.sim.inv.hosts["esx-02"].nics["vmnic1"].pruned == ()


async def test_the_dialog_switches_a_team_to_beacon_probing():
    async with level_app("13-vlan-trouble").run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 1810)
        game.selected = ("host", "esx-01")
        await pilot.press("L")
        dialog = await screen_of(pilot, NetworkScreen)
        assert "vmnic0 BLACK HOLE" in str(dialog.query_one("#net-now", Label).render())
        dialog.query_one("#net-change", Select).value = "teaming"
        await until(pilot, lambda: "teaming" in dialog.command())
        assert str(dialog.query_one("#net-now", Label).render()) == (
            "Teams: vSwitch0: port-id, link status")
        assert dialog.query_one("#net-active", Input).value == "vmnic0 vmnic1 vmnic2"
        assert dialog.command() == "net teaming esx-01 vSwitch0 policy port-id --detection link"
        dialog.query_one("#net-detection", Select).value = "beacon"
        await until(pilot, lambda: "beacon" in dialog.command())
        dialog.query_one("#net-standby", Input).value = "vmnic2"
        dialog.query_one("#net-active", Input).value = "vmnic0 vmnic1"
        await until(pilot, lambda: "--standby" in dialog.command())
        assert dialog.command() == ("net teaming esx-01 vSwitch0 policy port-id --active vmnic0 "
                                    "vmnic1 --standby vmnic2 --detection beacon")
        dialog.query_one("#net-standby", Input).focus()
        await pilot.press("enter")  # Enter in a field gives it too
        await until(pilot, lambda: pilot.app.screen is game)
        rec = game.controller.session.records[-1]
        assert rec.accepted and "beacon detection" in rec.message
        vs = game.controller.sim.inv.hosts["esx-01"].vswitches[0]
        assert (vs.detection, vs.active, vs.standby) == ("beacon", ["vmnic0", "vmnic1"], ["vmnic2"])


async def test_every_change_builds_its_command_and_esc_gives_nothing():
    async with level_app("13-vlan-trouble").run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 60)
        game.selected = ("host", "esx-01")
        await pilot.press("L")
        dialog = await screen_of(pilot, NetworkScreen)
        want = {
            "uplink": "net uplink esx-01 vmnic0 down",
            "portgroup": "net portgroup esx-01 outside vlan VLAN",
            "nic": "vm nic fw-01 1 outside",
        }
        for change, command in want.items():
            dialog.query_one("#net-change", Select).value = change
            await until(pilot, lambda c=command: dialog.command() == c)
            assert dialog.command() == command
            shown = [r.id for r in dialog.query(".net-row") if r.id and not r.has_class("-hidden")]
            assert shown and all(r.startswith("net-") for r in shown)
        dialog.query_one("#net-host", Select).value = "esx-03"
        await until(pilot, lambda: dialog.command() == "vm nic db-01 1 outside")
        assert dialog.command() == "vm nic db-01 1 outside"  # esx-03's only VM
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert game.controller.session.records == []


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_network_dialog(snap_compare, size):
    """Level 13 at 0:10:20 with app-01 selected: esx-02's uplinks (vmnic1 'all VLANs but
    120'), the trunk change, the command being built."""
    assert snap_compare(level_app("13-vlan-trouble"), terminal_size=size,
                        run_before=game_at(620, "L", select=("vm", "app-01"), shows=NetworkScreen))


async def test_without_a_selection_the_dialog_opens_on_the_host_in_trouble():
    async with level_app("13-vlan-trouble").run_test(size=(80, 24), notifications=True) as pilot:
        game = await start(pilot, 620)
        game.selected = None
        await pilot.press("3", "L")
        dialog = await screen_of(pilot, NetworkScreen)
        assert dialog.host == "esx-02" and dialog.command() == "net trunk esx-02 vmnic1 add VLAN"
        dialog.query_one("#net-trunk-vlan", Input).focus()
        await pilot.press(*"120", "enter")
        await until(pilot, lambda: pilot.app.screen is game)
        assert game.controller.session.records[-1].text == "net trunk esx-02 vmnic1 add 120"
        assert game.controller.session.records[-1].accepted


def _lacp_app():
    """Two hosts on a distributed switch, vSwitch0 a LACP group (slow LACPDUs) of vmnic0 and
    vmnic1 (tests/test_network.py's level)."""
    from tests.conftest import build
    from tests.test_network import _level

    return level_app(build(_level(standby=False, distributed=True, policy="lacp")))


async def _lacp_team(pilot, dialog: NetworkScreen) -> None:
    dialog.query_one("#net-change", Select).value = "teaming"
    await until(pilot, lambda: "Teams" in str(dialog.query_one("#net-now", Label).render()))


async def test_the_dialog_sets_a_lacp_groups_rate():
    async with _lacp_app().run_test(size=(80, 24), notifications=True) as pilot:
        game = await start(pilot, 60)
        game.selected = ("host", "esx-01")
        await pilot.press("L")
        dialog = await screen_of(pilot, NetworkScreen)
        await _lacp_team(pilot, dialog)
        rate = dialog.query_one("#net-lacp-rate", Select)
        assert not rate.has_class("-hidden") and rate.value == "slow"
        assert str(dialog.query_one("#net-now", Label).render()) == "Teams: vSwitch0: lacp, slow LACPDUs"
        assert dialog.command() == ("net teaming esx-01 vSwitch0 policy lacp --detection link "
                                    "--lacp-rate slow")
        rate.value = "fast"
        await until(pilot, lambda: dialog.command().endswith("fast"))
        # Another policy has no LACPDUs: the rate is hidden and left out of the command.
        dialog.query_one("#net-policy", Select).value = "port-id"
        await until(pilot, lambda: rate.has_class("-hidden"))
        assert "--lacp-rate" not in dialog.command()
        dialog.query_one("#net-policy", Select).value = "lacp"
        await until(pilot, lambda: not rate.has_class("-hidden"))
        assert dialog.command().endswith("--lacp-rate fast")
        await click(pilot, "#net-go")
        await until(pilot, lambda: pilot.app.screen is game)
        rec = game.controller.session.records[-1]
        assert rec.text == "net teaming esx-01 vSwitch0 policy lacp --detection link --lacp-rate fast"
        assert rec.accepted and "fast LACPDUs" in rec.message
        assert game.controller.sim.inv.hosts["esx-01"].vswitches[0].lacp_rate == "fast"


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_network_dialog_lacp_team(snap_compare, size):
    """esx-01's LACP group in the dialog: policy lacp, link status, the LACPDU rate."""

    async def run_before(pilot) -> None:
        await game_at(60, "L", select=("host", "esx-01"), shows=NetworkScreen)(pilot)
        await _lacp_team(pilot, pilot.app.screen)
        await pilot.pause()

    assert snap_compare(_lacp_app(), terminal_size=size, run_before=run_before)
