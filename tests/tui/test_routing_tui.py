"""A router appliance in the VM table: its Service cell gives its role and the traffic it
routes (`⇄ shop 600M`), and the VMs behind it say when it is missing or starved. Pilot tests
and SVG snapshots at 80×24 and 160×50."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import build
from tests.test_routing import busy, deploy, router_level
from tests.tui.conftest import SIZES, level_app, start, until
from vdc.session.alarms import _first_fix
from vdc.sim.engine import Simulation
from vdc.tui.app import VdcApp
from vdc.tui.widgets.services import ServicesPanel
from vdc.tui.widgets.vms import VmTable


def _app(starved: bool = False) -> VdcApp:
    lv = router_level()
    lv["level"]["title"] = "Routers"
    return level_app(build(busy(lv) if starved else lv))


def _cells(table: VmTable, vm: str) -> dict[str, str]:
    cells = table.table.get_row(vm)
    return {key: str(cell).strip() for key, cell in zip(table.columns, cells, strict=True)}


async def _with_router(pilot: Any, host: str) -> Any:
    game = await start(pilot, 10)
    game.submit(f"deploy router r-01 {host} ds-1 web")
    game.submit("vm nic r-01 2 db")
    game.step(100)
    await pilot.pause()
    return game


async def test_the_router_shows_what_it_routes_and_the_tier_behind_it_says_when_it_is_gone():
    async with _app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 30)
        table = game.query_one(VmTable)
        await until(pilot, lambda: _cells(table, "db-01")["health"] == "✖ DOWN no router")
        game.submit("deploy router r-01 esx-02 ds-1 web")
        game.submit("vm nic r-01 2 db")
        game.step(100)
        await until(pilot, lambda: _cells(table, "r-01")["service"] == "⇄ shop 600M")
        assert _cells(table, "db-01")["health"].startswith("✔")
        services = game.query_one(ServicesPanel)
        await until(pilot, lambda: any("web ✔ ⇄ db ✔" in line for line in services.lines))
        assert any(line.endswith("front ✔ → back ✔") for line in services.lines)  # one VLAN
        assert _cells(table, "web-01")["service"] == "shop"
        game.submit("power off r-01")
        game.step(20)
        await until(pilot, lambda: _cells(table, "db-01")["health"] == "✖ DOWN no router")


async def test_a_starved_router_is_named_by_the_vm_behind_it():
    async with _app(starved=True).run_test(size=(160, 50)) as pilot:
        game = await _with_router(pilot, "esx-01")
        table = game.query_one(VmTable)
        await until(pilot, lambda: _cells(table, "r-01")["service"] == "⇄ shop 600M")
        assert _cells(table, "db-01")["health"] == "✖ DOWN starved 49 %"
        log = game.controller.sim.log.of_kind("vm_unhealthy")
        assert [r.detail for r in log if r.subject == "db-01"] == [  # one episode: cut, then starved
            "db-01: cut off: no router up for VLAN 130 to tier web on VLAN 110",
            "db-01: starved: gets 49 % of its demand: its router r-01 gets 49 % of its demand "
            "(was cut off: no router up)"]


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_a_starved_router(snap_compare, size):
    async def run_before(pilot: Any) -> None:
        await _with_router(pilot, "esx-01")
        await pilot.press("4")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(starved=True), terminal_size=size, run_before=run_before)


def test_the_alarm_says_how_to_get_a_router_and_which_one_to_move():
    sim = Simulation(build(busy(router_level())))
    sim.run_until(30)
    view = sim.view()
    reason = view.vms.reasons[view.vms.names.index("db-01")]
    assert _first_fix(view, "db-01", reason) == (
        "a router with a NIC on each VLAN joins them (`deploy router NAME HOST DATASTORE web`, "
        "then `vm nic NAME 2 db`), or start the one that is down")
    deploy(sim, "r-01", "esx-01")
    sim.run_until(130)
    view = sim.view()
    reason = view.vms.reasons[view.vms.names.index("db-01")]
    assert reason == "starved: gets 49 % of its demand, router"
    assert _first_fix(view, "db-01", reason) == (
        "its router r-01 is starved on esx-01: move it to a quieter host (`vmotion r-01 esx-02`) "
        "or deploy a second one")
