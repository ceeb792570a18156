"""Memory reclamation on screen: the hosts panel's Reclaim column (each host's memory state,
each VM's balloon or swap) and the VM table's Bal/Swap column, which appear only while a host
reclaims memory (issue 13). Pilot tests assert the cells; the SVGs are for a person to look at.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

import pytest

from tests.tui.conftest import SIZES, PanelApp
from vdc.scenario.loader import level_from_model
from vdc.scenario.paths import find_level
from vdc.scenario.schema import Level
from vdc.sim.engine import Simulation
from vdc.sim.view import SimView
from vdc.tui.widgets.hosts import MEMST_SHORT_W, MEMST_W, HostsPanel, choose_layout
from vdc.tui.widgets.vms import VmTable


def _squeeze(data: dict[str, Any]) -> None:
    """esx-02 down to 34 GiB with db-01 (no Tools, e1000 and lsi: it keeps its network);
    esx-03 down to 44 GiB."""
    hosts = {h["name"]: h for h in data["hosts"]}
    hosts["esx-02"]["memory"] = 34
    hosts["esx-03"]["memory"] = 44
    for v in data["vms"]:
        if v["name"] == "db-01":
            v["tools"] = False
            for n in v.get("nics", []):
                n["adapter"] = "e1000"
            for d in v.get("disks", []):
                d["controller"] = "lsi"


@cache
def memory_view() -> SimView:
    """The sandbox at 600 s with esx-02 swapping (hard) and esx-03 ballooning (soft)."""
    data = tomllib.loads(find_level("00").read_text(encoding="utf-8"))
    _squeeze(data)
    sim = Simulation(level_from_model(Level.model_validate(data, strict=True)).level)
    sim.run_until(600)
    return sim.view()


def _cell(table, row: str, column: str) -> str:
    return table.get_cell(row, column).plain.strip()


def test_the_view_has_the_states_and_amounts():
    view = memory_view()
    states = {h.name: h.mem_state for h in view.hosts}
    assert states == {"esx-01": "high", "esx-02": "hard", "esx-03": "soft"}
    i = view.vms.names.index("db-01")
    assert view.vms.balloon[i] == 0 and view.vms.swapped[i] > 0.5  # no Tools: swapped


async def test_hosts_panel_shows_states_and_what_each_vm_gives() -> None:
    view = memory_view()
    app = PanelApp(HostsPanel(), view, setup=lambda p: p.toggle("esx-02"), focus="panel")
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        table = app.panel.table
        assert _cell(table, "host:esx-01", "memst") == ""
        assert _cell(table, "host:esx-02", "memst") == "✖ hard"
        assert _cell(table, "host:esx-03", "memst") == "▲ soft"
        vms = view.vms
        i = vms.names.index("db-01")
        assert _cell(table, "vm:db-01", "memst") == f"✖ s{vms.swapped[i]:.1f}G"
        assert _cell(table, "vm:web-02", "memst").startswith("✖ s")  # swapped too, a little


async def test_hosts_panel_has_no_reclaim_column_when_all_is_high() -> None:
    from tests.tui.test_panels_infra import sandbox_view

    app = PanelApp(HostsPanel(), sandbox_view(), focus="panel")
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        assert "memst" not in [str(c.value) for c in app.panel.table.columns]


@pytest.mark.parametrize("width", range(40, 161, 4))
def test_the_reclaim_column_goes_short_before_the_numbers_go(width: int) -> None:
    plain = choose_layout(width, 8, 8, 8)
    with_mem = choose_layout(width, 8, 8, 8, memst=True)
    assert with_mem.memst in (MEMST_W, MEMST_SHORT_W)
    assert with_mem.width <= max(width, plain.width)
    with_ha = choose_layout(width, 8, 8, 8, ha=True, memst=True)
    assert with_ha.memst and with_ha.width <= max(width, choose_layout(width, 8, 8, 8, ha=True).width)


async def test_vm_table_shows_balloon_and_swap() -> None:
    view = memory_view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        assert "reclaim" in table.columns
        vms = view.vms
        for name in ("db-01", "web-02", "db-02", "web-01"):
            i = vms.names.index(name)
            cells = dict(zip(table.columns, (str(c).strip() for c in table.table.get_row(name)), strict=True))
            if vms.balloon[i] < 0.05 and vms.swapped[i] < 0.05:
                assert cells["reclaim"] == "–"
            else:
                assert cells["reclaim"] == f"{vms.balloon[i]:.1f}/{vms.swapped[i]:.1f}"


def test_snapshot_hosts_reclaiming_160x50(snap_compare) -> None:
    """A Reclaim column after Mem: esx-02 `✖ hard` in bold error tone, esx-03 `▲ soft` in
    warning tone, esx-01 blank; esx-02 expanded: db-01 (no Tools) `✖ s…G` swapped, web-02 and
    app-02 swapped a little too."""
    app = PanelApp(HostsPanel(), memory_view(), setup=lambda p: p.toggle("esx-02"), focus="panel")
    assert snap_compare(app, terminal_size=(160, 50))


def test_snapshot_hosts_reclaiming_80x24(snap_compare) -> None:
    """At 80 columns the Reclaim column keeps its words; the bars give way (to numbers) so the
    VMs' health (why they are down) stays."""
    app = PanelApp(HostsPanel(), memory_view(), setup=lambda p: p.toggle("esx-02"), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


def test_snapshot_hosts_reclaiming_in_a_small_panel(snap_compare) -> None:
    """40×9 (the game's hosts panel at 80×24): the state folds to `✖h` / `▲s` beside Mem %,
    in the HA role's place; Ready still shows, no horizontal scrollbar."""
    app = PanelApp(HostsPanel(), memory_view(), box=(40, 9), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_vm_table_reclaiming(snap_compare, size) -> None:
    """A Bal/Swap column after Mem GiB: `5.2/0.2` (GiB ballooned / swapped) for VMs of the
    pressed hosts, `–` for the others; at 80×24 in short (`s2.5G`, `b1.4G`) or left out."""
    assert snap_compare(PanelApp(VmTable(), memory_view()), terminal_size=size)
