"""Tests of the infrastructure panels: hosts, datastores, network.

Each panel runs alone in a tiny harness app that calls `show(view)` with a real snapshot of the
sandbox level (levels/00-sandbox.toml), sometimes with trouble added as level events, and
records the selection messages the panel posts. Pilot tests assert on cell text and messages;
the SVG snapshots are for a person to look at (each docstring says what to check).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import DataTable

from tests.tui.conftest import PanelApp, until
from vdc.scenario.loader import level_from_model, load_level
from vdc.scenario.paths import find_level
from vdc.scenario.schema import Level
from vdc.sim.engine import Simulation
from vdc.sim.view import SimView
from vdc.tui.format import Tones
from vdc.tui.widgets.datastores import DatastoresPanel, latency_text, pct_text
from vdc.tui.widgets.gauges import ready_text
from vdc.tui.widgets.hosts import HostsPanel, choose_layout
from vdc.tui.widgets.network import NetworkPanel

# --------------------------------------------------------------------------- views


@cache
def sandbox_view(t: float = 600) -> SimView:
    """The sandbox as shipped, at sim time `t`: three calm hosts."""
    sim = Simulation(load_level(find_level("00")).level)
    sim.run_until(t)
    return sim.view()


def sandbox_with(
    events: Iterable[dict[str, Any]],
    edit: Callable[[dict[str, Any]], None] | None = None,
    t: float = 600,
) -> SimView:
    """The sandbox with extra events (and an optional edit of its data), at sim time `t`."""
    data = tomllib.loads(find_level("00").read_text(encoding="utf-8"))
    data["events"] = [*data.get("events", []), *events]
    if edit is not None:
        edit(data)
    level = level_from_model(Level.model_validate(data, strict=True)).level
    sim = Simulation(level)
    sim.run_until(t)
    return sim.view()


def _no_ha(data: dict[str, Any]) -> None:
    """HA off in the sandbox's cluster: a failed host's VMs stay down."""
    data["clusters"][0]["ha"] = {**data["clusters"][0]["ha"], "enabled": False}


@cache
def failed_view() -> SimView:
    """esx-02 crashed 40 s ago, HA off: its three VMs are off ("host failed")."""
    return sandbox_with([{"at": 560, "kind": "host_failure", "host": "esx-02"}], edit=_no_ha)


@cache
def full_view() -> SimView:
    """ds-gold filled to 88 % (alert), ds-local-03 to 78 % (warning)."""
    return sandbox_with([
        {"at": 500, "kind": "datastore_fill", "datastore": "ds-gold", "gib": 2200},
        {"at": 500, "kind": "datastore_fill", "datastore": "ds-local-03", "gib": 350},
    ])


def _trunk_without_120(data: dict[str, Any]) -> None:
    """esx-02's vmnic1 plugs into a switch port whose trunk lacks VLAN 120 (VM-Data)."""
    data["hosts"][1]["nics"][1]["vlans"] = [10, 20, 110]


@cache
def cut_view() -> SimView:
    """esx-02 lost vmnic0, and its vmnic1 does not trunk VLAN 120: VM-Data is cut there."""
    return sandbox_with(
        [{"at": 500, "kind": "uplink_down", "host": "esx-02", "uplink": "vmnic0"}],
        edit=_trunk_without_120,
    )


@cache
def isolated_view() -> SimView:
    """Both uplinks of esx-03 are down: the host is cut off the network."""
    return sandbox_with([
        {"at": 500, "kind": "uplink_down", "host": "esx-03", "uplink": "vmnic0"},
        {"at": 500, "kind": "uplink_down", "host": "esx-03", "uplink": "vmnic1"},
    ])


# --------------------------------------------------------------------------- harness


def keys(table: DataTable) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


def cell(table: DataTable, row: str, column: str) -> str:
    return table.get_cell(row, column).plain.strip()


def cursor_row_key(table: DataTable) -> str:
    return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


def host_view(view: SimView, name: str):
    return next(h for h in view.hosts if h.name == name)


# --------------------------------------------------------------------------- hosts: pilot


async def test_hosts_rows_match_the_view() -> None:
    view = sandbox_view()
    app = PanelApp(HostsPanel(), view, focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.panel.table
        assert keys(table) == ["host:esx-01", "host:esx-02", "host:esx-03"]
        for h in view.hosts:
            row = f"host:{h.name}"
            assert cell(table, row, "state") == "● on"
            assert cell(table, row, "name") == f"▸ {h.name}"
            assert cell(table, row, "cpu").endswith(f"{h.cpu_pct:.0f}%")
            assert cell(table, row, "mem").endswith(f"{h.mem_pct:.0f}%")
            assert cell(table, row, "ready") == f"{h.ready_pct:.1f}%"
            assert cell(table, row, "vms") == str(h.vm_count)
            assert cell(table, row, "power") == f"{h.power_w:.0f} W"
        # Wide enough for bars and the CPU history sparkline.
        assert "█" in cell(table, "host:esx-03", "cpu")
        assert set(cell(table, "host:esx-01", "hist")) <= set("▁▂▃▄▅▆▇█")
        assert app.panel.border_title == "Hosts"


async def test_hosts_cursor_moves_and_enter_expands_to_the_vms() -> None:
    view = sandbox_view()
    app = PanelApp(HostsPanel(), view, focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        panel: HostsPanel = app.panel  # type: ignore[assignment]
        table = panel.table
        assert table.has_focus, "focusing the panel focuses its table"
        await pilot.press("down")
        await until(pilot, lambda: app.posted[-1:] == [("host", "esx-02")])
        assert panel.selected_host == "esx-02"
        assert app.posted[-1] == ("host", "esx-02")

        await pilot.press("enter")
        await until(pilot, lambda: panel.expanded)
        on_02 = [n for n, h in zip(view.vms.names, view.vms.hosts, strict=True) if h == "esx-02"]
        assert on_02 == ["web-02", "app-02", "db-01"]
        assert keys(table) == [
            "host:esx-01", "host:esx-02", *(f"vm:{n}" for n in on_02), "host:esx-03",
        ]
        assert panel.expanded == ("esx-02",)
        assert cell(table, "host:esx-02", "name") == "▾ esx-02"
        assert panel.selected_host == "esx-02", "expanding leaves the cursor on the host"
        i = view.vms.names.index("db-01")
        assert cell(table, "vm:db-01", "name") == "└ db-01"
        assert cell(table, "vm:db-01", "state") == "● on"
        assert cell(table, "vm:db-01", "cpu").endswith(f"{view.vms.cpu_pct[i]:.0f}%")
        assert cell(table, "vm:db-01", "ready") == f"{view.vms.ready_pct[i]:.1f}%"
        assert cell(table, "vm:db-01", "hist") == "✔ ok"

        await pilot.press("down")
        await until(pilot, lambda: app.posted[-1:] == [("vm", "web-02")])
        assert app.posted[-1] == ("vm", "web-02")
        assert panel.selected_vm == "web-02"
        assert panel.selected_host == "esx-02"

        await pilot.press("up", "enter")
        await until(pilot, lambda: not panel.expanded)
        assert keys(table) == ["host:esx-01", "host:esx-02", "host:esx-03"]
        assert panel.expanded == ()
        assert ("leaked", "RowHighlighted") not in app.posted


async def test_hosts_click_selects_a_host() -> None:
    app = PanelApp(HostsPanel(), sandbox_view(), focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        # Border (1 line), header (1 line), then esx-01, esx-02, esx-03.
        await pilot.click(HostsPanel, offset=(12, 4))
        await until(pilot, lambda: app.posted[-1:] == [("host", "esx-03")])
        assert app.panel.selected_host == "esx-03"  # type: ignore[attr-defined]
        assert app.posted[-1] == ("host", "esx-03")


async def test_hosts_second_show_updates_cells_in_place() -> None:
    calm, later = sandbox_view(600), sandbox_view(1500)  # 1500: the web rush is on
    app = PanelApp(HostsPanel(), calm, setup=lambda p: p.toggle("esx-01"), focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        panel: HostsPanel = app.panel  # type: ignore[assignment]
        table = panel.table
        before_keys = keys(table)
        before_cpu = cell(table, "host:esx-01", "cpu")
        calls: list[str] = []
        for name in ("clear", "add_row", "remove_row", "add_column"):
            original = getattr(table, name)

            def spy(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
                calls.append(_name)
                return _original(*args, **kw)

            setattr(table, name, spy)
        panel.show(later)
        await pilot.pause()
        assert calls == [], "an unchanged set of rows is updated cell by cell"
        assert keys(table) == before_keys
        h = host_view(later, "esx-01")
        assert cell(table, "host:esx-01", "cpu").endswith(f"{h.cpu_pct:.0f}%")
        assert cell(table, "host:esx-01", "cpu") != before_cpu


async def test_hosts_selection_is_posted_only_while_the_panel_has_focus() -> None:
    app = PanelApp(HostsPanel(), sandbox_view(), focus="none")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        app.panel.show(sandbox_view(900))  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.posted == [], "ticks alone select nothing"
        app.panel.focus()
        await pilot.pause()
        assert app.posted == [("host", "esx-01")], "focusing the panel selects its cursor row"


async def test_hosts_vm_moving_between_hosts_adds_and_removes_rows() -> None:
    view = sandbox_view()
    app = PanelApp(HostsPanel(), view, setup=lambda p: p.toggle("esx-01"), focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        panel: HostsPanel = app.panel  # type: ignore[assignment]
        table = panel.table
        assert keys(table)[:5] == [
            "host:esx-01", "vm:web-01", "vm:app-01", "vm:jump-01", "host:esx-02",
        ]
        await pilot.press("down", "down", "down")  # onto jump-01
        await until(pilot, lambda: panel.selected_vm == "jump-01")
        assert panel.selected_vm == "jump-01"
        hosts = list(view.vms.hosts)
        hosts[view.vms.names.index("db-01")] = "esx-01"  # db-01 vMotioned to esx-01
        moved = replace(view, vms=replace(view.vms, hosts=tuple(hosts)))
        panel.show(moved)
        await pilot.pause()
        assert keys(table)[:6] == [
            "host:esx-01", "vm:web-01", "vm:app-01", "vm:db-01", "vm:jump-01", "host:esx-02",
        ]
        assert cell(table, "vm:jump-01", "name") == "└ jump-01"
        assert cell(table, "vm:db-01", "name") == "├ db-01"
        assert panel.selected_vm == "jump-01", "the cursor stays on its VM"

        hosts[view.vms.names.index("jump-01")] = "esx-03"  # and jump-01 leaves
        panel.show(replace(view, vms=replace(view.vms, hosts=tuple(hosts))))
        await pilot.pause()
        assert "vm:jump-01" not in keys(table)
        assert cursor_row_key(table) == "host:esx-01", "back to the host it was listed under"
        assert app.posted[-1] == ("host", "esx-01")


async def test_hosts_failed_host_stands_out_and_its_vms_are_down() -> None:
    view = failed_view()
    app = PanelApp(HostsPanel(), view, setup=lambda p: p.toggle("esx-02"), focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        assert cell(table, "host:esx-02", "state") == "✖ FAILED"
        assert table.get_cell("host:esx-02", "state").style.bold
        assert cell(table, "host:esx-02", "cpu") == "—"
        assert cell(table, "host:esx-01", "state") == "● on"
        for vm in ("web-02", "app-02", "db-01"):
            assert cell(table, f"vm:{vm}", "state") == "✖ DOWN"
            assert cell(table, f"vm:{vm}", "hist") == "✖ host failed"


async def test_hosts_narrow_panel_keeps_the_essentials() -> None:
    app = PanelApp(HostsPanel(), failed_view(), box=(40, 9), focus="panel")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        shown = [column.key.value for column in table.ordered_columns]
        assert shown[:5] == ["state", "name", "cpu", "mem", "ready"]
        assert sum(column.get_render_width(table) for column in table.ordered_columns) <= 37
        assert cell(table, "host:esx-02", "state") == "✖ FAILED"


def test_hosts_layout_gives_way_in_order() -> None:
    wide = choose_layout(157, 8, 13)
    assert wide.hist > 30 and wide.bar >= 16 and wide.power and wide.vms
    mid = choose_layout(77, 8, 13)
    assert mid.hist >= 10 and mid.bar >= 6
    narrow = choose_layout(37, 8, 11)
    assert (narrow.bar, narrow.power, narrow.hist) == (0, False, 0)
    for width in range(30, 200):
        layout = choose_layout(width, 8, 13)
        assert layout.width <= width or (layout.bar, layout.vms, layout.power) == (0, False, False)


def test_ready_thresholds_have_symbols_not_just_tones() -> None:
    tones = Tones.of(None)
    assert ready_text(tones, 3.04).plain == "3.0%"
    assert ready_text(tones, 7.2).plain == "▲7.2%"
    assert ready_text(tones, 12.4).plain == "✖12%"


# --------------------------------------------------------------------------- datastores: pilot


async def test_datastores_rows_match_the_view() -> None:
    view = sandbox_view()
    app = PanelApp(DatastoresPanel(), view, focus="panel")
    async with app.run_test(size=(160, 20)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        assert keys(table) == ["ds:ds-gold", "ds:ds-local-03"]
        gold = view.datastores[0]
        assert cell(table, "ds:ds-gold", "type") == "vmfs"
        assert cell(table, "ds:ds-gold", "pct") == f"{gold.pct:.0f}%"
        assert cell(table, "ds:ds-gold", "used") == (
            f"{gold.used / 1024:.1f} / {gold.capacity / 1024:.1f} TiB"
        )
        assert cell(table, "ds:ds-local-03", "used").endswith(" / 900 GiB")
        assert cell(table, "ds:ds-gold", "lat") == f"{gold.latency_ms:.1f} ms"
        assert cell(table, "ds:ds-gold", "iops") == "2.7k / 40k"
        capacity_bar = cell(table, "ds:ds-gold", "bar")
        assert capacity_bar.count("│") == 2, "marks at 75 % and 85 % on the empty track"
        assert app.panel.border_title == "Datastores"


async def test_datastores_over_85_percent_is_an_alert() -> None:
    view = full_view()
    app = PanelApp(DatastoresPanel(), view, focus="panel")
    async with app.run_test(size=(160, 20)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        gold, local = view.datastores
        assert gold.pct >= 85 and 75 <= local.pct < 85
        assert cell(table, "ds:ds-gold", "pct") == f"✖ {gold.pct:.0f}%"
        assert cell(table, "ds:ds-local-03", "pct") == f"▲ {local.pct:.0f}%"
        # Both marks are inside the filled part now: drawn heavy.
        assert cell(table, "ds:ds-gold", "bar").count("┃") == 2

        await pilot.press("down")
        await until(pilot, lambda: app.posted[-1:] == [("datastore", "ds-local-03")])
        assert app.posted[-1] == ("datastore", "ds-local-03")
        assert app.panel.selected_datastore == "ds-local-03"  # type: ignore[attr-defined]


async def test_datastores_full_and_thin_overcommit() -> None:
    filled = sandbox_with(
        [{"at": 100, "kind": "datastore_fill", "datastore": "ds-gold", "gib": 4000}]
    )
    gold, local = filled.datastores
    # A level cannot start overcommitted (the loader refuses it), so make the view say so.
    view = replace(filled, datastores=(gold, replace(local, provisioned=2 * local.capacity)))
    app = PanelApp(DatastoresPanel(), view, focus="panel")
    async with app.run_test(size=(160, 20)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        assert gold.pct >= 100
        assert cell(table, "ds:ds-gold", "pct") == "✖ FULL"
        # The fill counts as provisioned too: more than the datastore holds.
        assert gold.provisioned > gold.capacity
        assert cell(table, "ds:ds-gold", "prov") == f"▲ {gold.provisioned / 1024:.1f} TiB"
        assert cell(table, "ds:ds-local-03", "prov") == "▲ 1.8 TiB"
        # Calm: provisioned under capacity carries no mark.
        app.panel.show(sandbox_view())  # type: ignore[attr-defined]
        await pilot.pause()
        calm = sandbox_view().datastores[1]
        assert cell(table, "ds:ds-local-03", "prov") == f"{calm.provisioned:.0f} GiB"


def test_datastore_thresholds_have_symbols() -> None:
    tones = Tones.of(None)
    assert pct_text(tones, 74.6).plain == "75%"
    assert pct_text(tones, 75.0).plain == "▲ 75%"
    assert pct_text(tones, 85.0).plain == "✖ 85%"
    assert pct_text(tones, 100.0).plain == "✖ FULL"
    assert latency_text(tones, 4.25).plain == "4.2 ms"
    assert latency_text(tones, 20.0).plain == "▲ 20 ms"
    assert latency_text(tones, 50.0).plain == "✖ 50 ms"


async def test_datastores_narrow_keeps_name_percent_latency() -> None:
    app = PanelApp(DatastoresPanel(), full_view(), box=(40, 9), focus="panel")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        shown = [column.key.value for column in table.ordered_columns]
        assert {"name", "pct", "lat"} <= set(shown)
        assert sum(column.get_render_width(table) for column in table.ordered_columns) <= 37


# --------------------------------------------------------------------------- network: pilot


async def test_network_calm_lists_uplinks_and_port_groups() -> None:
    app = PanelApp(NetworkPanel(), sandbox_view(), focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        text = app.panel.text.plain  # type: ignore[attr-defined]
        lines = text.splitlines()
        assert lines[0] == "✔ every uplink up, every VLAN carried"
        assert "● esx-01  ✔ 2/2 uplinks up" in lines
        assert text.count("vSwitch0") == 3
        assert any(line.split()[:4] == ["vmnic1", "10G", "●", "up"] for line in lines)
        mgmt = [line for line in lines if line.strip().startswith("Management")]
        assert len(mgmt) == 3 and all("VLAN 10" in m and "mgmt" in m for m in mgmt)
        assert any("vMotion" in line and "vmotion" in line for line in lines)
        assert "✖" not in text
        assert app.panel.border_title == "Network"


async def test_network_headline_never_says_every_uplink_is_up_above_a_down_host() -> None:
    """Issue 12 bug 11: a FAILED host is trouble in the headline; an off host is named."""
    failed = sandbox_with([{"at": 100, "kind": "host_failure", "host": "esx-03"}], _no_ha, t=200)
    app = PanelApp(NetworkPanel(), failed, focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        lines = app.panel.text.plain.splitlines()  # type: ignore[attr-defined]
        assert lines[0] == "✖ esx-03: FAILED, no network while the host is down"
        assert not any("every uplink up" in line for line in lines)

    def esx03_off(data: dict[str, Any]) -> None:
        _no_ha(data)
        next(h for h in data["hosts"] if h["name"] == "esx-03")["state"] = "off"
        for vm in data["vms"]:
            if vm["host"] == "esx-03":
                vm["power"] = "off"

    app = PanelApp(NetworkPanel(), sandbox_with([], esx03_off), focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        lines = app.panel.text.plain.splitlines()  # type: ignore[attr-defined]
        assert lines[0] == "✔ every running host's uplinks up, every VLAN carried (esx-03 off)"


async def test_network_uplink_down_cutting_a_vlan_says_so() -> None:
    app = PanelApp(NetworkPanel(), cut_view(), focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        text = app.panel.text.plain  # type: ignore[attr-defined]
        lines = text.splitlines()
        assert lines[0] == "✖ esx-02: 1/2 uplinks down, VM-Data (VLAN 120) cut off"
        esx02 = lines[lines.index("● esx-02  ✖ 1 port group cut"):]
        assert any(line.split()[:4] == ["vmnic0", "10G", "✖", "down"] for line in esx02)
        assert any("VLANs 10,20,110" in line for line in esx02)
        assert any(
            "VM-Data" in line and "✖ VLAN 120 only trunked on down vmnic0" in line
            for line in esx02
        )


async def test_network_last_uplink_down_on_the_host_line() -> None:
    app = PanelApp(NetworkPanel(), isolated_view(), box=(40, 9), focus="panel")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = app.panel.text.plain  # type: ignore[attr-defined]
        assert text.splitlines()[0] == "✖ esx-03: ALL UPLINKS DOWN, 4 port groups cut off"
        assert "● esx-03  ✖ ALL UPLINKS DOWN: host cut off" in text
        assert "✖ VLAN 110 cut: no uplink up" in text  # narrow: under its port group


async def test_network_small_panel_folds_healthy_hosts_until_enter() -> None:
    app = PanelApp(NetworkPanel(), cut_view(), box=(60, 14), focus="panel")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel: NetworkPanel = app.panel  # type: ignore[assignment]
        lines = panel.text.plain.splitlines()
        assert "● esx-01  ✔ 2/2 uplinks up  (Enter: details)" in lines
        assert "● esx-03  ✔ 2/2 uplinks up  (Enter: details)" in lines
        assert lines.count("  vSwitch0") == 1, "only esx-02, the host in trouble, is in full"
        assert "✖ VLAN 120 only trunked on down vmnic0" in panel.text.plain
        await pilot.press("enter")
        await until(pilot, lambda: panel.details)
        assert panel.details
        assert panel.text.plain.count("  vSwitch0") == 3
        assert "(Enter: details)" not in panel.text.plain


async def test_network_redraws_only_what_changed() -> None:
    app = PanelApp(NetworkPanel(), sandbox_view(600), focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        panel: NetworkPanel = app.panel  # type: ignore[assignment]
        blocks = [panel.query_one("#network-summary"), *panel.query(".network-host")]
        assert len(blocks) == 4
        updated: list[Widget] = []
        for block in blocks:
            original = block.update  # type: ignore[attr-defined]

            def spy(*args: Any, _block: Widget = block, _original: Any = original) -> None:
                updated.append(_block)
                _original(*args)

            block.update = spy  # type: ignore[attr-defined]
        panel.show(sandbox_view(900))  # time moved on, the network did not
        await pilot.pause()
        assert updated == []
        panel.show(cut_view())
        await pilot.pause()
        assert sorted(b.id or "host" for b in updated) == ["host", "network-summary"]
        assert "esx-02" in str(updated[-1].render())  # only esx-02's block was redrawn
        assert list(panel.query(".network-host")) == blocks[1:], "no block was remounted"
        assert "VLAN 120" in panel.text.plain


# --------------------------------------------------------------------------- snapshots


def test_hosts_calm_80x24(snap_compare) -> None:
    """Three hosts `● on` in green, CPU and memory bars on a muted track with their %,
    ready 0.0 %, VM counts, power in W, a CPU history sparkline; cursor on esx-01."""
    assert snap_compare(PanelApp(HostsPanel(), sandbox_view(), focus="panel"), terminal_size=(80, 24))


def test_hosts_calm_160x50(snap_compare) -> None:
    """Wide: long bars, a long sparkline; esx-02 expanded to its three VMs (tree glyphs,
    `✔ ok` in the health column)."""
    app = PanelApp(HostsPanel(), sandbox_view(), setup=lambda p: p.toggle("esx-02"), focus="panel")
    assert snap_compare(app, terminal_size=(160, 50))


def test_hosts_failed_80x24(snap_compare) -> None:
    """esx-02 `✖ FAILED` in bold error tone with its name, dashes for its load; expanded, its
    VMs read `✖ DOWN` / `✖ host failed`."""
    app = PanelApp(HostsPanel(), failed_view(), setup=lambda p: p.toggle("esx-02"), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


def test_hosts_failed_in_a_small_panel(snap_compare) -> None:
    """The panel as the game shows it on an 80×24 terminal (40×9): state, name, CPU %,
    memory %, ready % fit without a horizontal scrollbar; `✖ FAILED` readable."""
    app = PanelApp(HostsPanel(), failed_view(), box=(40, 9), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


def test_datastores_alert_80x24(snap_compare) -> None:
    """ds-gold `✖ 88%` in bold error tone, its bar past both marks (drawn as light lines in
    the fill); ds-local-03 `▲ 78%` (cursor row)."""
    app = PanelApp(DatastoresPanel(), full_view(), focus="panel")
    assert snap_compare(app, press=["down"], terminal_size=(80, 24))


def test_datastores_alert_160x50(snap_compare) -> None:
    """Wide: every column (type, used / size, provisioned, IOPS, latency), a long bar whose
    header names its marks."""
    app = PanelApp(DatastoresPanel(), full_view(), focus="panel")
    assert snap_compare(app, press=["down"], terminal_size=(160, 50))


def test_datastores_alert_in_a_small_panel(snap_compare) -> None:
    """40×9: name, bar with marks, % and latency; the alert still reads `✖ 88%`."""
    app = PanelApp(DatastoresPanel(), full_view(), box=(40, 9), focus="panel")
    assert snap_compare(app, press=["down"], terminal_size=(80, 24))


def test_network_cut_80x24(snap_compare) -> None:
    """Top line names the trouble on esx-02; healthy esx-01 and esx-03 fold to one line;
    esx-02's vmnic0 `✖ down`, vmnic1 trunks only VLANs 10,20,110, VM-Data in error tone with
    `✖ VLAN 120 only trunked on down vmnic0` beside it."""
    assert snap_compare(PanelApp(NetworkPanel(), cut_view(), focus="panel"), terminal_size=(80, 24))


def test_network_cut_160x50(snap_compare) -> None:
    """Wide: three hosts side by side in full, trunks beside the uplinks, the cut port group's
    reason under it."""
    assert snap_compare(PanelApp(NetworkPanel(), cut_view(), focus="panel"), terminal_size=(160, 50))


def test_network_cut_in_a_small_panel(snap_compare) -> None:
    """40×9: the first lines say what is cut where, healthy esx-01 is one line, esx-02 begins
    below (scroll for the rest)."""
    app = PanelApp(NetworkPanel(), cut_view(), box=(40, 9), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


def test_network_host_without_uplinks_80x24(snap_compare) -> None:
    """esx-03's line says `✖ ALL UPLINKS DOWN: host cut off`, its vSwitch `✖ no uplink up`, both
    vmnics `✖ down`, each port group `✖ VLAN n cut: no uplink up`."""
    assert snap_compare(PanelApp(NetworkPanel(), isolated_view(), focus="panel"), terminal_size=(80, 24))


@pytest.mark.parametrize("panel", [HostsPanel, DatastoresPanel, NetworkPanel])
async def test_focusing_a_panel_focuses_what_takes_keys(panel: type[Widget]) -> None:
    app = PanelApp(panel(), sandbox_view(), focus="panel")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.panel in app.focused.ancestors


@pytest.mark.parametrize("width", range(40, 161))
def test_the_ha_column_shortens_before_it_pushes_out_a_column(width: int) -> None:
    """HA on: the role column takes its room from the bars and goes short before the panel
    loses its history, power or VM count (issue 12, bug 12)."""
    from vdc.tui.widgets.hosts import HA_SHORT_W, HA_W, choose_layout

    plain = choose_layout(width, 8, 8, 8)
    ha = choose_layout(width, 8, 8, 8, ha=True)
    assert ha.ha in (HA_W, HA_SHORT_W) and ha.width <= width
    if plain.hist:
        assert ha.hist and ha.power == plain.power and ha.vms


async def test_hosts_a_host_off_in_maintenance_says_so_beside_its_state() -> None:
    """Maintenance mode is a flag beside the power state (issue 19): `○ off ◆`."""
    view = sandbox_view()
    hosts = tuple(replace(h, state="off", maintenance=True) if h.name == "esx-02" else h for h in view.hosts)
    hosts = tuple(replace(h, state="maintenance", maintenance=True) if h.name == "esx-03" else h for h in hosts)
    app = PanelApp(HostsPanel(), replace(view, hosts=hosts), focus="panel")
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        table = app.panel.table  # type: ignore[attr-defined]
        assert cell(table, "host:esx-02", "state") == "○ off ◆"
        assert cell(table, "host:esx-03", "state") == "◆ maint"
        assert cell(table, "host:esx-01", "state") == "● on"
