"""Co-scheduling and right-sizing on screen: the hosts panel states the co-scheduling mode, the
VM table shows co-stop beside ready (folded on a small terminal) and a saturated guest's CPU."""

from __future__ import annotations

import pytest

from tests.conftest import add_vm, base_level, build
from tests.tui.conftest import game_at, level_app, start
from vdc.scenario.schema import Level
from vdc.tui.widgets.hosts import HostsPanel
from vdc.tui.widgets.vms import VmTable


def strict_level() -> Level:
    """The primer's case on an old strict host beside a relaxed one, and an undersized VM."""
    lv = base_level(duration=3600)
    h = lv["hosts"][0]
    lv["hosts"] = [dict(h, name="esx-old", cores=4, co_scheduling="strict"), dict(h, name="esx-new")]
    lv["profiles"].append(dict(lv["profiles"][0], name="busy2", cpu=4000))
    add_vm(lv, "wide-01", host="esx-old", vcpu=4)
    add_vm(lv, "app-01", host="esx-old", vcpu=2, profile="busy2")
    add_vm(lv, "small-01", host="esx-new", vcpu=2)  # wants 8,000 MHz of 4,000
    add_vm(lv, "ok-01", host="esx-new", vcpu=4)
    lv["services"] = [
        {"name": "billing", "min_served": 0.4, "tiers": [{"name": "app", "vms": ["wide-01", "app-01"]}]},
        {"name": "intranet", "tiers": [{"name": "web", "vms": ["small-01", "ok-01"]}]},
    ]
    return build(lv)


def _cells(table: VmTable, vm: str) -> dict[str, str]:
    cells = table.table.get_row(vm)
    return {key: str(cell).strip() for key, cell in zip(table.columns, cells, strict=True)}


async def test_costop_beside_ready_at_160x50_and_the_mode_stated():
    async with level_app(strict_level()).run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 300)
        table = game.query_one(VmTable)
        cols = table.columns
        assert cols.index("costop") == cols.index("ready") + 1
        row = _cells(table, "wide-01")
        assert row["ready"] == "✖ 50.0"
        assert row["costop"] == "16.7"
        assert _cells(table, "ok-01")["costop"] == "0.0"
        assert _cells(table, "small-01")["cpu"] == "▲200"  # its guest wants 2× its vCPUs
        assert _cells(table, "small-01")["health"].startswith("✖")
        assert "starved 50 %" in _cells(table, "small-01")["health"]
        hosts = game.query_one(HostsPanel)
        assert hosts.border_subtitle == "strict co-scheduling: esx-old; others relaxed"


async def test_costop_folds_at_80x24():
    async with level_app(strict_level()).run_test(size=(80, 24)) as pilot:
        game = await start(pilot, 300)
        await pilot.press("4")
        await pilot.pause()
        table = game.query_one(VmTable)
        assert "costop" not in table.columns
        assert {"cpu", "ready"} <= set(table.columns)


async def test_relaxed_hosts_say_so_and_show_no_costop():
    async with level_app("02").run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 60)
        assert "costop" not in game.query_one(VmTable).columns
        assert game.query_one(HostsPanel).border_subtitle == "vCPUs: relaxed co-scheduling"


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_snapshot_game_strict_host(snap_compare, size):
    keys = ("4",) if size == (80, 24) else ()  # the VMs table in its slot on a small terminal
    assert snap_compare(level_app(strict_level()), terminal_size=size, run_before=game_at(300, *keys))


async def test_tools_and_nic_show_while_a_guest_lacks_them_at_both_sizes():
    """Level 11's problem is on screen: the Tools NIC column (`✖ e1000`) appears while a VM
    runs without Tools or with an emulated NIC, says `⟳` once Tools wait for a reboot, and is
    not there on a level where every guest is standard."""
    for size in ((80, 24), (160, 50)):
        async with level_app("11-drivers-matter").run_test(size=size) as pilot:
            game = await start(pilot, 30)
            await pilot.press("4")
            await pilot.pause()
            table = game.query_one(VmTable)
            assert "guest" in table.columns, size
            assert _cells(table, "web-01")["guest"] == "✖ e1000"
            assert _cells(table, "db-01")["guest"] == "✔ vmxnet3"
            game.submit("tools install web-01")
            game.step(130)
            await pilot.pause()
            assert _cells(table, "web-01")["guest"] == "⟳ e1000"
            table.set_filter("e1000")
            await pilot.pause()
            assert table.table.row_count == 3
    async with level_app("01").run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 30)
        assert "guest" not in game.query_one(VmTable).columns
