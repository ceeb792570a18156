"""The Hosts panel keeps its history column (a host's CPU sparkline, a VM's health) when names
are long: host names of 8 characters and more (`esx-prod-01`) or the VMs of an expanded host
used to push it out at 160×50. Now the bars narrow and the power column goes first; names are
never cut while another column can give way, and then in the middle (`esx…d-01`). Pilot tests
on the game and SVG snapshots at 80×24 and 160×50."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZES, level_app, start, until
from vdc.scenario.paths import find_level
from vdc.scenario.schema import Level
from vdc.tui.app import VdcApp
from vdc.tui.widgets.hosts import HIST_MIN, HostsLayout, HostsPanel, choose_layout

LONG = ["esx-prod-01", "esx-prod-02", "esx-prod-03"]


def _long_names_app() -> VdcApp:
    """Level 00 with its hosts named `esx-prod-0N` (11 characters)."""
    text = find_level("00").read_text(encoding="utf-8").replace('"esx-0', '"esx-prod-0')
    return level_app(Level.model_validate(tomllib.loads(text), strict=True))


def _columns(panel: HostsPanel) -> list[str]:
    return [str(c.key.value) for c in panel.table.ordered_columns]


def _cell(panel: HostsPanel, row: str, column: str) -> str:
    return panel.table.get_cell(row, column).plain


# --------------------------------------------------------------------------- the layout


@pytest.mark.parametrize("name", [8, 10, 13, 16, 22])
def test_history_stays_wherever_bars_of_3_and_no_power_leave_it_room(name: int) -> None:
    """For every width: the history shows exactly when it fits beside bars of 3 cells without
    the power column, and never at the cost of the names."""
    least = HostsLayout(8, name, 3, True, False, HIST_MIN).width
    for width in range(30, 200):
        layout = choose_layout(width, 8, name, name)
        assert bool(layout.hist) == (width >= least), width
        if layout.hist:
            assert layout.width <= width and layout.name == name and layout.bar >= 3
            assert layout.vms and (layout.power or layout.bar >= 3)


def test_the_bars_narrow_before_the_power_goes_and_the_power_before_the_history() -> None:
    # esx-prod-01 (13 cells with its ▸): 70 cells keep everything with bars of 4 …
    assert choose_layout(70, 8, 13) == HostsLayout(8, 13, 4, True, True, 10)
    # … 69 (the Hosts panel at 160×50) are too few for that: the power goes, the bars widen again.
    assert choose_layout(69, 8, 13) == HostsLayout(8, 13, 6, True, False, 12)
    # VMs listed under a host (`svc-001-web4`: 15 cells) at 160×50: their health stays.
    assert choose_layout(69, 8, 15, 8) == HostsLayout(8, 15, 6, True, False, 10)


# --------------------------------------------------------------------------- the game


async def test_long_host_names_keep_the_history_at_160x50() -> None:
    async with _long_names_app().run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 600)
        panel = game.query_one(HostsPanel)
        await until(pilot, lambda: "hist" in _columns(panel))
        assert _columns(panel) == ["state", "name", "ha", "cpu", "mem", "ready", "vms", "hist"]
        for host in LONG:
            assert _cell(panel, f"host:{host}", "name").strip() == f"▸ {host}"  # in full
            spark = _cell(panel, f"host:{host}", "hist").strip()
            assert len(spark) >= HIST_MIN and set(spark) <= set("▁▂▃▄▅▆▇█ ")
        assert _cell(panel, "host:esx-prod-02", "cpu").strip().endswith("%")


async def _zoom_hosts(pilot: Pilot[Any]) -> HostsPanel:
    """The game at 600 s with the Hosts panel focused and zoomed (`1`, `z`)."""
    game = await start(pilot, 600)
    panel = game.query_one(HostsPanel)
    await pilot.press("1", "z")
    await until(pilot, lambda: game.maximized is panel)
    return panel


async def test_at_80x24_the_history_needs_the_zoomed_panel() -> None:
    """80×24 gives the Hosts panel 35 cells for its columns: state, name, CPU, memory and ready,
    the names cut in the middle (their numbers stay) — no history at any name length, and no
    table wider than the panel (it used to scroll sideways, the HA role pushing out ready).
    Zoomed (`z`), it has the room, and keeps it with a host's VMs listed (their health)."""
    async with _long_names_app().run_test(size=(80, 24)) as pilot:
        game = await start(pilot, 600)
        panel = game.query_one(HostsPanel)
        await until(pilot, lambda: _cell(panel, "host:esx-prod-01", "name").strip() != "")
        assert _columns(panel) == ["state", "name", "cpu", "mem", "ready"]
        names = [_cell(panel, f"host:{h}", "name").strip() for h in LONG]
        assert names == ["▸ esx-…od-01", "▸ esx-…od-02", "▸ esx-…od-03"]
        table = panel.table
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= table.size.width
    async with _long_names_app().run_test(size=(80, 24)) as pilot:
        panel = await _zoom_hosts(pilot)
        await until(pilot, lambda: "hist" in _columns(panel))
        panel.toggle("esx-prod-02")
        await until(pilot, lambda: panel.table.row_count > 3)
        assert "hist" in _columns(panel)
        vm_rows = [str(r.key.value) for r in panel.table.ordered_rows if str(r.key.value).startswith("vm:")]
        assert vm_rows and all(_cell(panel, r, "hist").strip() == "✔ ok" for r in vm_rows)


async def test_an_expanded_host_keeps_its_vms_health_at_160x50() -> None:
    """Level 00's VM names under esx-02 are wider than its host names: the health column stays."""
    async with level_app("00").run_test(size=(160, 50)) as pilot:
        game = await start(pilot, 600)
        panel = game.query_one(HostsPanel)
        panel.toggle("esx-02")
        await until(pilot, lambda: any(str(r.key.value).startswith("vm:") for r in panel.table.ordered_rows))
        assert "hist" in _columns(panel)
        vm_rows = [str(r.key.value) for r in panel.table.ordered_rows if str(r.key.value).startswith("vm:")]
        assert all(_cell(panel, r, "hist").strip() for r in vm_rows)


# --------------------------------------------------------------------------- SVG


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_long_host_names(snap_compare, size) -> None:
    """`esx-prod-0N`: at 160×50 the Hosts panel shows the CPU history (the power column gave
    way); at 80×24 the names are cut in the middle beside CPU, memory and ready."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await start(pilot, 600)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_long_names_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_long_host_names_zoomed_with_vms(snap_compare, size) -> None:
    """The Hosts panel zoomed, esx-prod-02's VMs listed: names whole, history and VM health."""

    async def run_before(pilot: Pilot[Any]) -> None:
        panel = await _zoom_hosts(pilot)
        panel.toggle("esx-prod-02")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_long_names_app(), terminal_size=size, run_before=run_before)


def test_names_are_cut_in_the_middle_only_when_nothing_else_gives_way() -> None:
    from vdc.tui.format import squeeze

    assert squeeze("esx-prod-01", 11) == "esx-prod-01"
    assert [squeeze("esx-prod-01", n) for n in (10, 9, 8)] == ["esx-…od-01", "esx-…d-01", "esx…d-01"]
    assert squeeze("svc-001-web4", 10) == "svc-…-web4"
    # 35 cells (80×24): the HA role goes before a host's name is cut, names then go to 8 characters.
    assert choose_layout(35, 8, 8, 8, ha=True) == HostsLayout(8, 8, 0, False, False, 0)
    assert choose_layout(35, 8, 13, 13, ha=True) == HostsLayout(8, 10, 0, False, False, 0)
    for width in range(25, 80):
        for name in (8, 13, 20):
            layout = choose_layout(width, 8, name, name, ha=True)
            assert layout.width <= max(width, HostsLayout(8, 10, 0, False, False, 0).width)
