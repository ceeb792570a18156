"""The "new VM" dialog (`N`) and the "deploy" dialog (`d`): they build `vm create` and `deploy`
commands given through the one command language. Pilot tests and SVG snapshots at 80×24 and
160×50 (a paused simulation stepped explicitly)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Label, OptionList, Select

from tests.conftest import add_vm, base_level, build
from tests.tui.conftest import SIZES, click, game_at, level_app, screen_of, start, until
from vdc.tui.app import VdcApp
from vdc.tui.screens.provision import DeployScreen, NewVmScreen, role_text


def _level() -> dict[str, Any]:
    """esx-01 (ds-1, port group prod) and esx-02 (ds-1 and its own ds-2, no port group), a shop
    served by web-01."""
    lv = base_level(duration=3600, title="Provisioning")
    lv["hosts"].append({"name": "esx-02", "cores": 8, "memory": 32})
    lv["networks"][0]["hosts"] = ["esx-01"]
    lv["datastores"].append({"name": "ds-2", "capacity": 500, "hosts": ["esx-02"]})
    add_vm(lv, "web-01")
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "vms": ["web-01"]}]}]
    return lv


def _app() -> VdcApp:
    """The app at `_level`'s briefing."""
    return level_app(build(_level()))


async def test_new_vm_dialog_builds_vm_create_and_the_game_gives_it():
    async with _app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 30)
        records = game.controller.session.records
        await pilot.press("N")
        dialog = await screen_of(pilot, NewVmScreen)
        await pilot.press(*"web-02")
        await until(pilot, lambda: "web-02" in str(dialog.query_one("#prov-command").render()))
        assert dialog.command() == "vm create web-02 esx-01 ds-1 cpu 2 mem 4 disk 40 prod"
        dialog.query_one("#prov-cpu", Input).value = "4"
        await click(pilot, "#prov-go")
        await until(pilot, lambda: len(records) == 1)
        assert records[-1].text == "vm create web-02 esx-01 ds-1 cpu 4 mem 4 disk 40 prod"
        assert records[-1].accepted and game.controller.sim.inv.vms["web-02"].vcpu == 4


async def test_choosing_another_host_offers_its_datastores_and_port_groups():
    async with _app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 30)
        await pilot.press("N")
        dialog = await screen_of(pilot, NewVmScreen)
        dialog.query_one("#prov-name", Input).value = "db-02"
        dialog.query_one("#prov-host", Select).value = "esx-02"
        ds = dialog.query_one("#prov-ds", Select)
        await until(pilot, lambda: "ds-2" in [v for _, v in ds._options])
        ds.value = "ds-2"
        await until(pilot, lambda: "ds-2" in dialog.command())
        want = "vm create db-02 esx-02 ds-2 cpu 2 mem 4 disk 40"  # no port group there: no NIC
        assert dialog.command() == want
        dialog.query_one("#prov-name", Input).focus()
        await pilot.press("enter")  # Enter in a field gives the command too
        await until(pilot, lambda: pilot.app.screen is game)
        assert game.controller.session.records[-1].text == want


async def test_deploy_dialog_builds_deploy_and_escape_gives_nothing():
    async with _app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 30)
        records = game.controller.session.records
        await pilot.press("d")
        dialog = await screen_of(pilot, DeployScreen)
        assert [o.id for o in dialog.query_one(OptionList).options] == [
            "router", "firewall", "load-balancer", "vcenter"]
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is game)
        assert not records
        await pilot.press("d")
        dialog = await screen_of(pilot, DeployScreen)
        dialog.query_one(OptionList).highlighted = 1
        dialog.query_one("#prov-name", Input).value = "fw-01"
        await until(pilot, lambda: dialog.command() == "deploy firewall fw-01 esx-01 ds-1 prod")
        await click(pilot, "#prov-go")
        await until(pilot, lambda: len(records) == 1)
        assert records[-1].text == "deploy firewall fw-01 esx-01 ds-1 prod" and records[-1].accepted


async def test_a_refused_command_is_told_and_a_nameless_one_not_given():
    async with _app().run_test(size=(160, 50), notifications=True) as pilot:
        game = await start(pilot, 30)
        records = game.controller.session.records
        await pilot.press("N")
        dialog = await screen_of(pilot, NewVmScreen)
        await click(pilot, "#prov-go")
        await pilot.pause()
        assert pilot.app.screen is dialog and not records  # no name: nothing given
        dialog.query_one("#prov-name", Input).value = "web-01"
        await click(pilot, "#prov-go")
        await until(pilot, lambda: len(records) == 1)
        assert not records[-1].accepted and records[-1].message == "a VM named web-01 exists already"


async def test_deploy_dialog_says_each_appliances_role():
    """A router joins VLANs, a load balancer spreads a tier; the others carry their own traffic:
    said in the list and, for the highlighted one, in a sentence (with its licence by the
    button). A level's own router (`routes = true`) under another name is called a router too."""
    lv = _level()
    lv["appliances"] = [{"name": "edge-gw", "nics": 2, "routes": True, "cost": 800}]
    async with level_app(build(lv)).run_test(size=(80, 24), notifications=True) as pilot:
        await start(pilot, 30)
        await pilot.press("d")
        dialog = await screen_of(pilot, DeployScreen)
        options = dialog.query_one(OptionList)
        lines = {str(o.id): str(o.prompt).split() for o in options.options}
        assert {name: words[1] for name, words in lines.items()} == {
            "router": "router", "firewall": "—", "load-balancer": "balancer", "vcenter": "—",
            "edge-gw": "router"}
        role, cost = dialog.query_one("#prov-role", Label), dialog.query_one("#prov-cost", Label)
        said = {}
        for i, name in enumerate(lines):
            options.highlighted = i
            await until(pilot, lambda i=i: str(role.render()) == role_text(dialog.catalogue[i]))
            said[name] = (str(role.render()), str(cost.render()))
        assert said["router"][0].startswith("Router: joins the VLANs its NICs are on")
        assert said["load-balancer"][0].startswith("Load balancer: put in a service's tier, it spreads")
        assert said["firewall"][0] == ("Neither routes nor balances: it carries only its own traffic "
                                       "(500 Mbit/s at baseline).")
        assert said["edge-gw"][0] == said["router"][0]
        assert [said[n][1] for n in lines] == [
            "it powers on at once · no licence cost", "it powers on at once · licence 1,500 a year",
            "it powers on at once · licence 2,000 a year", "it powers on at once · no licence cost",
            "it powers on at once · licence 800 a year"]
        # Two lines at most at 80 columns: the dialog keeps its command line on screen.
        assert role.size.height <= 2 and dialog.query_one("#prov-command").region.bottom <= 24


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_deploy_dialog_on_a_load_balancer(snap_compare, size):
    """The load balancer highlighted: "balancer" in the list, what it spreads under it."""

    async def run_before(pilot) -> None:
        await game_at(30, "d", shows=DeployScreen)(pilot)
        pilot.app.screen.query_one(OptionList).highlighted = 2
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_new_vm_dialog(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=game_at(30, "N", shows=NewVmScreen))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_deploy_dialog(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=game_at(30, "d", shows=DeployScreen))


def _office_app(budgets: bool = False) -> VdcApp:
    """esx-01 and two physical servers of the shop (2 U, 200–400 W each), one of them off;
    with `budgets`, objectives on rack units (1 U), power (0.3 kW) and yearly cost (12,000)."""
    lv = base_level(duration=3600, title="Small office", p2v_mbps=100)
    if budgets:
        lv["objectives"] = [{"id": "rack", "kind": "max_rack_units", "target": 1},
                            {"id": "power", "kind": "max_power_kw", "target": 0.3},
                            {"id": "cost", "kind": "max_yearly_cost", "target": 12000}]
    lv["profiles"].append(dict(lv["profiles"][0], name="srv", cpu=1000, write_mbps=2))
    for name, state in (("phys-01", "on"), ("phys-02", "off")):
        lv["hosts"].append({"name": name, "hypervisor": "none", "cores": 4, "memory": 16, "state": state,
                            "local_disk": 200, "disk_used": 100, "workload": "srv", "portgroup": "prod",
                            "rack_units": 2, "power_idle": 200, "power_busy": 400})
    lv["networks"][0]["hosts"] = ["esx-01"]
    lv["services"] = [{"name": "shop", "tiers": [{"name": "web", "servers": ["phys-01", "phys-02"]}]}]
    return level_app(build(lv))


async def test_hosts_panel_marks_physical_servers_and_sums_rack_and_power():
    from vdc.tui.widgets.hosts import HostsPanel

    async with _office_app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 30)
        panel = game.query_one(HostsPanel)
        await until(pilot, lambda: "servers" in str(panel.border_subtitle))
        assert str(panel.border_subtitle) == "▪ servers 1/2 · 3 U · 0.37 kW"  # 150 + 225 W
        game.submit("p2v phys-01 esx-01 ds-1")
        game.step(1300)
        game.submit("host power off phys-01")
        game.step(10)
        await until(pilot, lambda: "1 U" in str(panel.border_subtitle))
        assert str(panel.border_subtitle) == "▪ servers 0/2 · 1 U · 0.17 kW"
        view = game.controller.view()
        assert [(h.name, h.bare_metal, h.workload) for h in view.hosts] == [
            ("esx-01", False, ""), ("phys-01", True, ""), ("phys-02", True, "srv")]
        assert game.controller.view().services[0].up


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_office_during_a_p2v(snap_compare, size):
    async def run_before(pilot) -> None:
        game = await start(pilot, 30)
        game.submit("p2v phys-01 esx-01 ds-1")
        game.step(570)
        await pilot.press("8")  # the Tasks panel: the conversion and its ETA
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_office_app(), terminal_size=size, run_before=run_before)


async def test_hosts_panel_shows_rack_power_and_cost_against_the_levels_limits():
    from vdc.tui.widgets.hosts import HostsPanel

    async with _office_app(budgets=True).run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 30)
        panel = game.query_one(HostsPanel)
        await until(pilot, lambda: "servers" in str(panel.border_subtitle))
        # 150 + 225 W = 0.375 kW: a year at 0.15 a kWh is 493, plus 2 × 10,000 of hardware
        assert str(panel.border_subtitle) == (
            "▪ servers 1/2 · 3/1 U ✖ · 0.37/0.3 kW ✖ · cost 20.5k/12.0k/yr ✖")
        game.submit("p2v phys-01 esx-01 ds-1")
        game.step(1300)
        game.submit("host power off phys-01")
        game.step(10)
        await until(pilot, lambda: "1 U" in str(panel.border_subtitle))
        assert str(panel.border_subtitle) == (
            "▪ servers 0/2 · 1/1 U ✔ · 0.17/0.3 kW ✔ · cost 10.2k/12.0k/yr ✔")


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_office_with_budgets(snap_compare, size):
    async def run_before(pilot) -> None:
        await start(pilot, 30)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_office_app(budgets=True), terminal_size=size, run_before=run_before)
