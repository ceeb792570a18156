"""The vMotion dialog for a host that does not see the VM's storage: the row says the disks move
too; choosing it asks which datastore (with each one's estimate) and gives `vmotion VM HOST
DATASTORE`; the Tasks panel shows the move. Pilot tests and SVG snapshots at 80×24 and 160×50."""

from __future__ import annotations

import copy

import pytest

from tests.tui.conftest import SIZES, level_app, screen_of, start, until
from vdc.scenario.schema import Level
from vdc.tui.app import VdcApp
from vdc.tui.screens.vmotion import MoveDialog


def _level() -> Level:
    host = {"name": "esx-01", "cores": 8, "mhz": 2000, "memory": 64, "cpu_generation": 3,
            "nics": [{"name": "vmnic0", "speed": 10000}, {"name": "vmnic1", "speed": 10000}]}
    fast = {"capacity": 2000, "iops": 20000, "mbps": 2000}
    lv = {
        "level": {"id": "t-shared-nothing", "title": "Across the racks", "duration": 3600, "seed": 7},
        "hosts": [host, dict(host, name="esx-02"), dict(host, name="esx-03")],
        "datastores": [fast | {"name": "ds-a", "hosts": ["esx-01", "esx-02"]},
                       fast | {"name": "ds-b", "hosts": ["esx-03"]},
                       fast | {"name": "ds-b-slow", "mbps": 300, "hosts": ["esx-03"]},
                       fast | {"name": "ds-b-tiny", "capacity": 20, "hosts": ["esx-03"]}],
        "networks": [{"name": "vSwitch0", "uplinks": ["vmnic0", "vmnic1"], "portgroups": [
            {"name": "prod", "vlan": 100}, {"name": "vmk-vmotion", "vlan": 200, "vmkernel": "vmotion"}]}],
        "profiles": [{"name": "still", "cpu": 1000, "mem_active": 0.0, "iops": 10,
                      "write_mbps": 0, "net": 1, "shape": "flat", "peak": 0, "noise": 0}],
        "vms": [
            {"name": n, "host": "esx-01", "vcpu": 2, "memory": 16, "profile": "still", "boot_s": 0,
             "nics": [{"portgroup": "prod"}], "disks": [{"datastore": "ds-a", "size": 100, "thin": False}]}
            for n in ("db-01", "app-01")
        ],
        "services": [],
    }
    return Level.model_validate(copy.deepcopy(lv))


def _app() -> VdcApp:
    return level_app(_level())


async def test_a_host_without_the_storage_asks_for_a_datastore_and_moves_the_disks_too():
    app = _app()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await start(pilot, 5)
        screen.selected = ("vm", "db-01")
        await pilot.press("v")
        dialog = await screen_of(pilot, MoveDialog)
        rows = {name: (str(line), ok) for name, line, ok in dialog.rows}
        assert rows["esx-02"][1] and "compatible, about 20s" in rows["esx-02"][0]
        # 5 s + 100 GiB and 16 GiB over 10 GbE (1,175 MB/s) = 111 s at best
        assert rows["esx-03"][1] and "disks move too, from 1m52s" in rows["esx-03"][0]
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MoveDialog) and app.screen is not dialog)
        datastores = app.screen
        assert isinstance(datastores, MoveDialog)
        rows = {name: (str(line), ok) for name, line, ok in datastores.rows}
        assert list(rows) == ["ds-b", "ds-b-slow", "ds-b-tiny"]
        assert rows["ds-b"][1] and "about 1m52s" in rows["ds-b"][0]
        assert rows["ds-b-slow"][1] and "about 6m18s" in rows["ds-b-slow"][0]  # 5 + 357.9 (100 GiB at 300 MB/s) + 14.6 s
        assert not rows["ds-b-tiny"][1] and "ds-b-tiny has 20 GiB free" in rows["ds-b-tiny"][0]
        records = screen.controller.session.records
        await pilot.press("enter")
        await until(pilot, lambda: len(records) == 1)
        assert records[0].text == "vmotion db-01 esx-03 ds-b" and records[0].accepted
        assert app.screen is screen
        await pilot.press("8")
        screen.step(10)
        await pilot.pause()
        text = str(screen.query_one("#task-lines").render())
        assert "▶ running vMotion db-01 → esx-03/ds-b" in text
        screen.step(120)
        vm = screen.controller.sim.inv.vms["db-01"]
        assert vm.host == "esx-03" and vm.disks[0].datastore == "ds-b"


async def test_escape_in_the_datastore_step_gives_nothing():
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, 5)
        screen.selected = ("vm", "db-01")
        await pilot.press("v")
        dialog = await screen_of(pilot, MoveDialog)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MoveDialog) and app.screen is not dialog)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert screen.controller.session.records == []


def _at(*keys: str, step: bool = False):
    async def run_before(pilot) -> None:
        screen = await start(pilot, 5)
        if step:
            screen.submit("vmotion db-01 esx-03 ds-b")
            screen.submit("vmotion app-01 esx-02")
            screen.step(20)
        screen.selected = ("vm", "db-01" if not step else "app-01")
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_vmotion_dialog_with_a_host_without_the_storage_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_at("v"))


@pytest.mark.parametrize("size", SIZES)
def test_vmotion_datastore_step_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_at("v", "down", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_tasks_panel_with_a_shared_nothing_vmotion_snapshot(snap_compare, size):
    assert snap_compare(_app(), terminal_size=size, run_before=_at("8", step=True))
