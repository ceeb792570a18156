"""The operations panels: VM table, services, alarms and event log, driven by real snapshots."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import numpy as np
import pytest

from tests.conftest import add_vm, base_level, build
from tests.tui.conftest import PanelApp, until
from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.scenario.sandbox import generate
from vdc.sim.engine import Simulation
from vdc.sim.events import EventRecord
from vdc.sim.view import SimView
from vdc.tui.widgets.alarms import AlarmsPanel
from vdc.tui.widgets.eventlog import EventLogPanel
from vdc.tui.widgets.services import ServicesPanel
from vdc.tui.widgets.vms import VmTable

# ---------------------------------------------------------------------------- scenarios


@cache
def sandbox_sim(t: float) -> Simulation:
    """Level 00 (shop web → app → db; web-04 is powered off) run to `t`."""
    sim = Simulation(load_level(find_level("00")).level)
    sim.run_until(t)
    return sim


def trouble_level() -> dict[str, Any]:
    """Three hosts and a shop in trouble: by t = 60 db-01 has a bad change, esx-02 has failed
    (web-02, mail-01 down), ds-1 is 93 % full, a load spike overloads esx-01 (CPU ready on
    every VM there, 16.7 % on the four spiked ones) and esx-03 lost the uplink carrying VLAN 100
    (build-01 cut off)."""
    lv = base_level()
    for name in ("esx-02", "esx-03"):
        host = copy.deepcopy(lv["hosts"][0])
        host["name"] = name
        lv["hosts"].append(host)
    lv["hosts"][2]["nics"] = [
        {"name": "vmnic0", "speed": 10000},
        {"name": "vmnic1", "speed": 10000, "vlans": [10]},
    ]
    lv["profiles"].append(
        {"name": "light", "cpu": 1500, "mem_active": 0.3, "iops": 100, "write_mbps": 0,
         "net": 10, "shape": "flat", "peak": 0, "noise": 0}
    )
    placement = [
        ("fw-01", "esx-01"), ("lb-01", "esx-01"), ("web-01", "esx-01"), ("web-02", "esx-02"),
        ("web-03", "esx-01"), ("db-01", "esx-01"), ("mail-01", "esx-02"), ("crm-01", "esx-01"),
        ("build-01", "esx-03"), ("backup-01", "esx-01"),
    ]
    for name, host in placement:
        add_vm(lv, name, host=host, vcpu=2, profile="light")
    lv["services"] = [
        {"name": "shop", "tiers": [
            {"name": "fw", "vms": ["fw-01"]}, {"name": "lb", "vms": ["lb-01"]},
            {"name": "web", "vms": ["web-*"]}, {"name": "db", "vms": ["db-01"]},
        ]},
        {"name": "mail", "tiers": [{"name": "mx", "vms": ["mail-01"]}]},
        {"name": "crm", "tiers": [{"name": "app", "vms": ["crm-01"]}]},
    ]
    lv["events"] = [
        {"at": 10, "kind": "bad_change", "vm": "db-01"},
        {"at": 20, "kind": "host_failure", "host": "esx-02"},
        {"at": 30, "kind": "datastore_fill", "datastore": "ds-1", "gib": 1400},
        {"at": 40, "kind": "load_spike", "targets": ["web-01", "web-03", "crm-01", "backup-01"],
         "factor": 2.5, "duration": 600},
        {"at": 50, "kind": "uplink_down", "host": "esx-03", "uplink": "vmnic0"},
    ]
    return lv


@cache
def trouble_sim() -> Simulation:
    sim = Simulation(build(trouble_level()))
    sim.run_until(120)
    return sim


@cache
def large_views() -> tuple[SimView, SimView]:
    """The 2,000-VM sandbox at t = 60 and t = 64 (one tick at 16× speed)."""
    sim = Simulation(generate("large", 1))
    sim.run_until(60)
    first = sim.view()
    sim.run_until(64)
    return first, sim.view()


# ---------------------------------------------------------------------------- harness


def row_text(table: VmTable, vm: str) -> dict[str, str]:
    """The plain text of each shown cell of `vm`'s row, by column key."""
    cells = table.table.get_row(vm)
    return {key: str(cell).strip() for key, cell in zip(table.columns, cells, strict=True)}


def log_text(panel: EventLogPanel) -> list[str]:
    return [strip.text.rstrip() for strip in panel.rich_log.lines]


# ---------------------------------------------------------------------------- VM table


async def test_vm_cells_match_the_view():
    view = sandbox_sim(600).view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        assert table.columns == [
            "name", "host", "power", "cpu", "ready", "memory", "latency", "service", "health",
        ]
        vms = view.vms
        assert table.visible_vms == list(vms.names)  # default: inventory order
        for i, name in enumerate(vms.names):
            cells = row_text(table, name)
            assert cells["name"] == name
            assert cells["host"] == vms.hosts[i]
            assert cells["service"] == vms.services[i]
            if vms.power[i] == "off":
                assert cells["power"] == "○ off"
                assert cells["cpu"] == cells["ready"] == cells["memory"] == "–"
            else:
                assert cells["power"] == "● on"
                assert cells["cpu"] == str(round(float(vms.cpu_pct[i])))
                assert cells["ready"] == f"{vms.ready_pct[i]:.1f}"
                assert cells["memory"].endswith(f"/{vms.memory[i]:g}")
            assert cells["health"] == ("✔ ok" if vms.healthy[i] else f"✖ DOWN {vms.reasons[i]}")
        assert row_text(table, "web-04")["health"] == "✖ DOWN powered off"
        assert table.border_title == "VMs (10)"


async def test_vm_down_reasons_and_ready_marks():
    view = trouble_sim().view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        assert row_text(table, "db-01")["health"] == "✖ DOWN bad change"
        assert row_text(table, "web-02")["health"] == "✖ DOWN host failed"
        assert row_text(table, "build-01")["health"] == "✖ DOWN VLAN not carried"
        # Ready ≥ 10 gets the critical mark, ≥ 5 the warning mark: never colour alone.
        assert row_text(table, "web-01")["ready"] == "✖ 16.7"
        assert row_text(table, "fw-01")["ready"] == "▲ 6.7"
        assert row_text(table, "build-01")["ready"] == "0.0"


async def test_sort_by_cpu_puts_the_busiest_first_and_reverse_last():
    view = sandbox_sim(600).view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.panel
        assert isinstance(table, VmTable)
        cpu = view.vms.cpu_pct
        busiest = view.vms.names[int(np.argmax(cpu))]
        table.sort_by("cpu")
        await pilot.pause()
        assert table.visible_vms[0] == busiest == "backup-01"
        assert table.table.get_row_at(0)[0] == busiest  # the DataTable's own order agrees
        assert table.selected_vm == busiest  # untouched cursor: stays on the top row
        shown = [float(cpu[view.vms.names.index(n)]) for n in table.visible_vms]
        on = [c for n, c in zip(table.visible_vms, shown, strict=True) if n != "web-04"]
        assert [round(c) for c in on] == sorted((round(c) for c in on), reverse=True)
        assert table.visible_vms[-1] == "web-04"  # powered off: no CPU at all
        assert table.border_subtitle == "sort CPU high→low"
        table.sort_by("cpu", reverse=True)
        await pilot.pause()
        assert table.visible_vms[-1] == busiest
        assert table.visible_vms[0] == "web-04"
        assert table.border_subtitle == "sort CPU low→high"
        with pytest.raises(ValueError, match="cannot sort by 'colour'"):
            table.sort_by("colour")


async def test_sort_keys_cycle_and_reverse():
    view = sandbox_sim(600).view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.panel
        assert isinstance(table, VmTable)
        table.table.focus()
        await pilot.press("s")
        await until(pilot, lambda: table.sort_column == "name")
        assert table.sort_column == "name"
        assert table.visible_vms == sorted(view.vms.names)
        await pilot.press("r")
        await until(pilot, lambda: table.sort_reverse)
        assert table.sort_reverse is True
        assert table.visible_vms == sorted(view.vms.names, reverse=True)
        await pilot.press("s", "s", "s")
        await until(pilot, lambda: table.sort_column == "cpu")
        assert (table.sort_column, table.sort_reverse) == ("cpu", False)
        for _ in range(6):  # ready, memory, latency, service, health, then back to none
            await pilot.press("s")
        await until(pilot, lambda: table.sort_column is None)
        assert table.sort_column is None
        assert table.visible_vms == list(view.vms.names)


async def test_sort_by_health_puts_down_vms_first():
    view = trouble_sim().view()
    app = PanelApp(VmTable(), view, sort="health")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        down = {n for n, ok in zip(view.vms.names, view.vms.healthy, strict=True) if not ok}
        assert set(table.visible_vms[: len(down)]) == down == {
            "web-02", "db-01", "mail-01", "build-01",
        }


async def test_filter_keeps_matching_rows_case_insensitive():
    view = trouble_sim().view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.panel
        assert isinstance(table, VmTable)
        table.set_filter("ESX-02")  # host
        await pilot.pause()
        assert table.visible_vms == ["web-02", "mail-01"]
        assert table.table.row_count == 2
        assert table.border_title == "VMs (2 of 10)"
        table.set_filter("shop")  # service
        assert table.visible_vms == ["fw-01", "lb-01", "web-01", "web-02", "web-03", "db-01"]
        table.set_filter("bad change")  # health reason ("broken by a bad change")
        assert table.visible_vms == ["db-01"]
        table.set_filter("web-0")  # name
        assert table.visible_vms == ["web-01", "web-02", "web-03"]
        table.set_filter("nothing-like-this")
        assert table.visible_vms == [] and table.selected_vm is None
        table.set_filter("")
        assert table.visible_vms == list(view.vms.names)
        assert table.table.row_count == 10


async def test_filter_box_opens_with_slash_and_escape_clears():
    view = trouble_sim().view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.panel
        assert isinstance(table, VmTable)
        table.table.focus()
        await pilot.press("slash", "m", "a", "i", "l")
        await until(pilot, lambda: table.filter_text == "mail")
        assert table.filter_text == "mail"
        assert table.visible_vms == ["mail-01"]
        await pilot.press("enter")  # keeps the filter, back to the table
        await until(pilot, lambda: app.focused is table.table)
        assert app.focused is table.table
        await pilot.press("escape")
        await until(pilot, lambda: table.filter_text == "")
        assert table.filter_text == ""
        assert len(table.visible_vms) == 10


async def test_cursor_stays_on_the_same_vm_across_resorts():
    view = sandbox_sim(600).view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.panel
        assert isinstance(table, VmTable)
        table.table.focus()
        await pilot.press("down", "down", "down", "down")
        await until(pilot, lambda: table.selected_vm == "app-01")
        assert table.selected_vm == "app-01"
        table.sort_by("cpu")
        await pilot.pause()
        assert table.selected_vm == "app-01"
        assert table.table.cursor_row == table.visible_vms.index("app-01") == 5
        table.sort_by("name", reverse=True)
        await pilot.pause()
        assert table.selected_vm == "app-01"
        assert table.table.cursor_row == 9
        # …and across a new snapshot that re-orders the rows.
        table.sort_by("cpu")
        before = table.visible_vms
        table.show(sandbox_sim(1500).view())  # the marketing rush: web VMs climb
        await pilot.pause()
        assert table.visible_vms != before
        assert table.selected_vm == "app-01"
        assert table.table.cursor_row == table.visible_vms.index("app-01")


async def test_untouched_cursor_keeps_the_top_of_a_busy_table_in_view():
    first, second = large_views()
    app = PanelApp(VmTable(), first)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        table.table.focus()
        await pilot.press("s", "s", "s", "s")  # name, host, power, CPU
        await until(pilot, lambda: table.sort_column == "cpu")
        assert table.sort_column == "cpu"
        table.show(second)
        await pilot.pause()
        assert table.table.cursor_row == 0 and table.table.scroll_y == 0
        i = second.vms.names.index(table.selected_vm or "")
        assert round(float(second.vms.cpu_pct[i])) == round(float(second.vms.cpu_pct.max()))
        # Once the player picks a VM, the cursor follows it instead.
        await pilot.press("down", "down")
        await until(pilot, lambda: table.selected_vm == table.visible_vms[2])
        picked = table.selected_vm
        assert picked == table.visible_vms[2]
        table.sort_by("name")
        table.show(first)
        await pilot.pause()
        assert table.selected_vm == picked
        assert table.table.cursor_row == table.visible_vms.index(picked) != 2


async def test_second_show_updates_changed_cells_in_place():
    first, second = large_views()
    app = PanelApp(VmTable(), first, sort="cpu")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        lt = table.table
        assert lt.row_count == 2000
        invalidated: list[str] = []
        made: list[str] = []
        real_invalidate, real_clear, real_cells = lt.invalidate, lt.clear, lt._cells_of

        def invalidate(keys: Any) -> None:
            keys = list(keys)
            invalidated.extend(keys)
            real_invalidate(keys)

        def clear(*a: Any, **kw: Any) -> Any:
            raise AssertionError("show() must not clear the rows")

        def cells_of(vm: str) -> Any:
            made.append(vm)
            return real_cells(vm)

        lt.invalidate, lt.clear, lt._cells_of = invalidate, clear, cells_of  # type: ignore[method-assign]

        cached = set(lt.cached_rows)  # rows with cells made: about those drawn
        assert 0 < len(cached) < 200
        table.show(second)
        await pilot.pause()
        cpu_changed = {
            n for n, a, b in zip(
                second.vms.names, np.rint(second.vms.cpu_pct), np.rint(first.vms.cpu_pct),
                strict=True,
            ) if a != b
        }
        # Only rows whose cells were made are dropped (work by rows drawn, not by 2,000 VMs).
        assert cpu_changed and cpu_changed & cached <= set(invalidated) <= cached
        # Cells are made only for the rows drawn (the ~47 in view), not for 2,000 VMs.
        in_view = lt.size.height - 1
        assert 0 < len(made) <= in_view
        assert set(made) <= set(table.visible_vms[:in_view])
        # The table shows the new numbers, still busiest first.
        i = second.vms.names.index(table.visible_vms[0])
        assert second.vms.cpu_pct[i] == pytest.approx(second.vms.cpu_pct.max(), abs=0.5)
        vm = sorted(cpu_changed)[0]
        j = second.vms.names.index(vm)
        assert row_text(table, vm)["cpu"] == str(round(float(second.vms.cpu_pct[j])))
        drawn = "".join(strip.text for strip in lt.render_lines(lt.region.reset_offset))
        top = table.visible_vms[0]
        assert top in drawn and row_text(table, top)["health"] in drawn

        # The same snapshot again changes nothing at all.
        invalidated.clear()
        made.clear()
        table.show(second)
        await pilot.pause()
        assert invalidated == [] and made == []
        lt.invalidate, lt.clear, lt._cells_of = real_invalidate, real_clear, real_cells  # type: ignore[method-assign]


async def test_the_selection_follows_the_cursor_and_enter_selects_again():
    """Like the Hosts panel: coming into the table selects the VM under the cursor, moving the
    cursor selects the VM it lands on, Enter selects it again."""
    view = sandbox_sim(600).view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        table = app.panel
        assert isinstance(table, VmTable)
        table.table.focus()
        await pilot.pause()
        assert app.picked == ["web-01"]
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: len(app.picked) == 4)
        assert app.picked == ["web-01", "web-02", "web-03", "web-03"]
        assert set(app.senders) == {table}
        assert table.selected_vm == "web-03"


@pytest.mark.parametrize("width", range(20, 161))
def test_a_first_snapshot_never_pushes_out_a_column_of_the_table(width: int) -> None:
    """The Snap column comes only into room the table's own columns leave (in short,
    `2·14G`, before it is left out); it never replaces Mem, Service or Host (issue 12,
    bug 12). Latency, the least useful, may give it its place."""
    from vdc.tui.widgets.vm_cells import fit_columns

    for name, host, service in ((9, 6, 7), (15, 6, 8), (24, 16, 16)):
        before = {c.key for c in fit_columns(width, name, host, service)}
        after = {c.key: c.width for c in fit_columns(width, name, host, service, snap=True)}
        assert before - {"latency"} <= after.keys(), (width, name)


async def test_narrow_panel_keeps_the_most_useful_columns():
    view = trouble_sim().view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        assert table.columns[:2] == ["name", "cpu"] and "health" in table.columns
        assert row_text(table, "db-01")["health"].startswith("✖ DOWN")
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert len(table.columns) == 10  # with Port group: web-02's network is cut
        assert "net" in table.columns and row_text(table, "web-02")["net"].strip() == "prod"
        assert row_text(table, "db-01")["health"] == "✖ DOWN bad change"
        assert table.table.row_count == 10


# ---------------------------------------------------------------------------- services


async def test_services_show_the_down_tier_after_a_bad_change():
    view = trouble_sim().view()
    app = PanelApp(ServicesPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, ServicesPanel)
        mail, shop, crm = panel.lines  # down first (by name), then up
        assert shop.startswith("shop ✖ DOWN")
        # web-02 died with esx-02: the web tier runs on fewer VMs (▲), db is down.
        assert shop.endswith("fw ✔ → lb ✔ → web ▲ → db ✖")
        assert "8.6%" in shop  # down from t = 10 of 115 s sampled
        assert mail.endswith("mx ✖") and "✖ DOWN" in mail
        assert crm.startswith("crm  ✔ up") and crm.endswith("app ✔") and "100.0%" in crm
        assert panel.border_subtitle == "✖ 2 of 3 down"


async def test_services_healthy_and_selection():
    view = sandbox_sim(600).view()
    app = PanelApp(ServicesPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.panel
        assert isinstance(panel, ServicesPanel)
        assert panel.lines == ["shop ✔ up   100.0%  web ✔ → app ✔ → db ✔"]
        assert panel.border_subtitle == "✔ all 1 up"
        panel.option_list.focus()
        await pilot.press("down", "enter")
        await until(pilot, lambda: app.picked)
        assert app.picked == ["shop"]
        assert app.senders == [panel]
        assert panel.selected_service == "shop"


def test_services_sort_down_then_degraded_then_ok_then_by_name():
    import dataclasses

    from vdc.sim.view.types import ServiceView, TierView
    from vdc.tui.widgets.services import by_health

    view = trouble_sim().view()
    healthy = dict(zip(view.vms.names, view.vms.healthy, strict=True))
    assert not healthy["web-02"] and healthy["web-01"]
    services = (
        ServiceView("a-ok", True, 1.0, (TierView("app", True, ("crm-01",)),)),
        ServiceView("b-weak", True, 1.0, (TierView("web", True, ("web-01", "web-02")),)),
        ServiceView("c-down", False, 0.5, (TierView("db", False, ("db-01",)),)),
        ServiceView("a-down", False, 0.5, (TierView("db", False, ("db-01",)),)),
    )
    order = by_health(services, dataclasses.replace(view, services=services))
    assert [s.name for s in order] == ["a-down", "c-down", "b-weak", "a-ok"]


async def test_services_line_fits_a_narrow_panel():
    view = trouble_sim().view()
    app = PanelApp(ServicesPanel(), view)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, ServicesPanel)
        width = panel.option_list.scrollable_content_region.width
        assert all(len(line) <= width for line in panel.lines)
        assert panel.lines[1].endswith("fw✔›lb✔›web▲›db✖")  # compact chain
        await pilot.resize_terminal(34, 8)
        await pilot.pause()
        width = panel.option_list.scrollable_content_region.width
        assert all(len(line) <= width for line in panel.lines)
        assert panel.lines[1].endswith("8.6%  db ✖ +3 up")  # only what is down
        await pilot.resize_terminal(22, 8)
        await pilot.pause()
        # The uptime makes way for the chain; the state keeps its symbol.
        assert panel.lines == ["mail ✖ mx ✖", "shop ✖ db ✖ +3 up", "crm  ✔ app ✔"]
        assert all(len(line) <= panel.option_list.scrollable_content_region.width
                   for line in panel.lines)


# ---------------------------------------------------------------------------- alarms


def failed_host_and_full_datastore_level() -> dict[str, Any]:
    lv = base_level()
    second = copy.deepcopy(lv["hosts"][0])
    second["name"] = "esx-02"
    lv["hosts"].append(second)
    lv["profiles"][0]["cpu"] = 1000
    add_vm(lv, "a", vcpu=2)
    add_vm(lv, "b", vcpu=2, host="esx-02")
    lv["events"] = [
        {"at": 10, "kind": "host_failure", "host": "esx-02"},
        {"at": 10, "kind": "datastore_fill", "datastore": "ds-1", "gib": 1700},
    ]
    return lv


async def test_alarms_for_a_host_failure_and_a_datastore_over_85():
    sim = Simulation(build(failed_host_and_full_datastore_level()))
    sim.run_until(5)
    calm = sim.view()
    sim.run_until(30)
    app = PanelApp(AlarmsPanel(), calm)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.panel
        assert isinstance(panel, AlarmsPanel)
        await pilot.pause()
        assert panel.alarms == []
        assert panel.border_title == "Alarms"
        assert "No active alarms" in str(panel.query_one("#alarms-text").render())
        panel.show(sim.view())
        await pilot.pause()
        assert panel.alarms == [
            ("critical", "host esx-02 failed"),
            ("critical", "datastore ds-1 89% full"),
        ]
        assert panel.border_title == "Alarms (2)"
        assert panel.has_class("-critical")


async def test_alarms_cover_network_cpu_and_ready_critical_first():
    view = trouble_sim().view()
    app = PanelApp(AlarmsPanel(), view)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, AlarmsPanel)
        assert panel.alarms == [
            ("critical", "host esx-02 failed"),
            ("critical", "service shop down: tier db down"),
            ("critical", "service mail down: tier mx down"),
            ("critical", "bad change on db-01: its application serves nothing"),
            ("critical", "datastore ds-1 93% full"),
            ("critical", "VLAN 100 (prod) not carried on esx-03"),
            ("warning", "host esx-01 CPU demand 122%"),
            ("warning", "uplink esx-03/vmnic0 down"),
            ("warning", "VM web-01 CPU ready 16.7%"),
            ("warning", "VM web-03 CPU ready 16.7%"),
            ("warning", "VM crm-01 CPU ready 16.7%"),
            ("warning", "VM backup-01 CPU ready 16.7%"),
        ]
        assert panel.border_title == "Alarms (12)"
        fixes = dict(zip((t for _s, t in panel.alarms), panel.fixes, strict=True))
        assert fixes["bad change on db-01: its application serves nothing"] == (
            "no snapshot to go back to: it stays broken until it is fixed; next time take one "
            "first (`snapshot create db-01 pre-change`)")
        assert fixes["service shop down: tier db down"] == "db-01 has a bad change: see its alarm"
        assert fixes["service mail down: tier mx down"] == (
            "mail-01 (host failed): start it on a running host (`power on mail-01 esx-03`)")


async def test_alarms_count_many_waiting_vms_on_one_line():
    lv = base_level()
    lv["hosts"][0]["cores"] = 2
    for k in range(12):
        add_vm(lv, f"vm-{k:02d}", vcpu=1)
    sim = Simulation(build(lv))
    sim.run_until(60)
    app = PanelApp(AlarmsPanel(), sim.view())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, AlarmsPanel)
        ready = [a for a in panel.alarms if "CPU ready" in a[1]]
        assert len(ready) == 9  # eight named, then the rest counted
        assert ready[-1] == ("warning", "…and 4 more VMs with CPU ready ≥ 10%")


# ---------------------------------------------------------------------------- event log


async def test_event_log_shows_new_records_in_order_with_sim_time():
    records = list(trouble_sim().log)
    app = PanelApp(EventLogPanel(), events=records[:3])
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, EventLogPanel)
        assert log_text(panel) == [
            "0:00:10 ✖ bad change db-01 a bad change broke db-01's application",
            "0:00:10 ✖ service down shop service shop is down: tier db has no healthy VM",
            "0:00:20 ✖ host failed esx-02 esx-02 failed; its 2 VMs went down: web-02, mail-01",
        ]
        panel.add_events(records[3:])
        await pilot.pause()
        lines = log_text(panel)
        assert len(lines) == len(records)
        assert lines[4] == "0:00:30 ▲ datastore fill ds-1 another tenant put 1400 GiB on ds-1"
        assert lines[6].startswith("0:00:40 ▲ load spike web-01,web-03,crm-01,backup-01")
        assert lines[13].startswith("0:00:50 ✖ VLAN cut esx-03")
        # Contention explains itself: CPU ready warnings name what the host is asked for.
        assert lines[-1] == "0:01:00 ▲ CPU ready db-01 db-01: 5.1 % ready per vCPU — 10 vCPUs want 8 cores"
        assert panel.border_subtitle == f"{len(records)} events"


async def test_event_log_names_kinds_in_words():
    """The log shows a kind's label from the catalogue, never its raw name (issue 12, bug 10)."""
    records = [
        EventRecord(5.0, "command_rejected", "power on", "esx-01 has 24 GiB unreserved memory"),
        EventRecord(6.0, "vmotion_queued", "db-01", "vMotion of db-01 waits for a free slot"),
        EventRecord(7.0, "ha_restart_started", "web-01", "HA restarts web-01 on esx-02"),
    ]
    app = PanelApp(EventLogPanel(), events=records)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        assert log_text(app.panel) == [
            "0:00:05 ▲ refused power on esx-01 has 24 GiB unreserved memory",
            "0:00:06 · vMotion queued db-01 vMotion of db-01 waits for a free slot",
            "0:00:07 · HA restarting web-01 HA restarts web-01 on esx-02",
        ]


async def test_event_log_says_when_there_is_nothing_yet():
    app = PanelApp(EventLogPanel())
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, EventLogPanel)
        assert log_text(panel) == ["No events yet."]
        panel.add_events([EventRecord(5.0, "message", "level", "Welcome")])
        await pilot.pause()
        assert log_text(panel) == ["0:00:05 · message level Welcome"]


async def test_event_log_wraps_long_sentences_under_themselves():
    rec = EventRecord(3725.0, "host_failed", "esx-02", "esx-02 failed; its 2 VMs went down")
    app = PanelApp(EventLogPanel(), events=[rec])
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, EventLogPanel)
        lines = log_text(panel)
        assert lines[0].startswith("1:02:05 ✖ host failed esx-02")
        assert len(lines) > 1
        assert all(line.startswith(" " * 10) for line in lines[1:])
        assert " ".join(line.strip() for line in lines).endswith("its 2 VMs went down")


def _records(n: int, start: float = 0.0) -> list[EventRecord]:
    return [EventRecord(start + k, "message", "level", f"note {k}") for k in range(n)]


async def test_event_log_follows_unless_scrolled_up_and_keeps_2000():
    app = PanelApp(EventLogPanel(), events=_records(50))
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        panel = app.panel
        assert isinstance(panel, EventLogPanel)
        log = panel.rich_log
        assert log.scroll_y == log.max_scroll_y > 0  # followed to the newest
        panel.add_events(_records(5, 100))
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y
        log.scroll_to(y=3, animate=False, immediate=True)
        panel.add_events(_records(5, 200))
        await pilot.pause()
        assert log.scroll_y == 3  # the player is reading: stay put
        assert panel.following is False
        log.scroll_end(animate=False, immediate=True)
        panel.add_events(_records(2500, 1000))
        await pilot.pause()
        assert len(log.lines) == 2000
        assert len(panel.records) == 2000
        assert log_text(panel)[-1].endswith("note 2499")
        assert panel.border_subtitle == "last 2,000 of 2,560 events"


# ---------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
def test_snapshot_vm_table_sorted_by_cpu(snap_compare, size):
    app = PanelApp(VmTable(), trouble_sim().view(), sort="cpu")
    assert snap_compare(app, terminal_size=size)


def test_snapshot_vm_table_narrow(snap_compare):
    app = PanelApp(VmTable(), trouble_sim().view(), sort="health")
    assert snap_compare(app, terminal_size=(40, 8))


def test_snapshot_vm_table_large(snap_compare):
    app = PanelApp(VmTable(), large_views()[1], sort="cpu")
    assert snap_compare(app, terminal_size=(160, 50))


@pytest.mark.parametrize("size", [(80, 24), (40, 8)], ids=["80x24", "40x8"])
def test_snapshot_services_one_down(snap_compare, size):
    app = PanelApp(ServicesPanel(), trouble_sim().view())
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (40, 8)], ids=["80x24", "40x8"])
def test_snapshot_alarms_several(snap_compare, size):
    app = PanelApp(AlarmsPanel(), trouble_sim().view())
    assert snap_compare(app, terminal_size=size)


def test_snapshot_alarms_calm(snap_compare):
    app = PanelApp(AlarmsPanel(), sandbox_sim(600).view())
    assert snap_compare(app, terminal_size=(40, 8))


@pytest.mark.parametrize("size", [(80, 24), (40, 8)], ids=["80x24", "40x8"])
def test_snapshot_event_log(snap_compare, size):
    app = PanelApp(EventLogPanel(), events=list(trouble_sim().log))
    assert snap_compare(app, terminal_size=size)


async def test_clicks_on_a_row_and_a_header():
    view = sandbox_sim(600).view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        lt = table.table
        third = table.visible_vms[2]
        await pilot.click(lt, offset=(3, 3))  # the third row: focus, and the cursor goes there
        await until(pilot, lambda: app.picked[-1:] == [third])
        assert table.selected_vm == third
        assert app.picked[-1] == third
        n = len(app.picked)
        await pilot.click(lt, offset=(3, 3))  # again: selected again
        await until(pilot, lambda: len(app.picked) > n)
        assert app.picked[n:] == [third]
        x = lt.columns[0].width + 2 + 1  # inside the Host label
        await pilot.click(lt, offset=(x, 0))
        await until(pilot, lambda: table.sort_column == "host")
        assert table.sort_column == "host"
        await pilot.click(lt, offset=(x, 0))
        await until(pilot, lambda: table.sort_reverse)
        assert (table.sort_column, table.sort_reverse) == ("host", True)


async def test_theme_change_redraws_the_vm_rows():
    view = trouble_sim().view()
    app = PanelApp(VmTable(), view)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        lt = app.panel.table  # type: ignore[attr-defined]
        region = lt.size.region
        before = lt.render_lines(region)
        app.theme = "nord"
        await pilot.pause()
        after = lt.render_lines(region)
        assert [s.text for s in after] == [s.text for s in before]  # same words…

        def down_colour(lines: list[Any]) -> object:
            return next(seg.style.color for line in lines for seg in line if "DOWN" in seg.text)

        assert down_colour(after) != down_colour(before)  # …in the new theme's tones


async def test_the_port_group_column_comes_with_a_cut_vm_or_with_p():
    """Where a VM plugs in matters while its network is cut (the column shows by itself);
    `P` shows it at any time, and hides it again; the filter finds port groups."""
    app = PanelApp(VmTable(), sandbox_sim(600).view())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        assert "net" not in table.columns
        table.table.focus()
        await pilot.press("P")
        await pilot.pause()
        assert table.columns[:3] == ["name", "host", "net"]
        first = table.selected_vm or table._names[0]
        assert row_text(table, first)["net"].strip() in {"VM-Web", "VM-Data", "–"}
        table.set_filter("vm-data")
        await pilot.pause()
        assert 0 < table.table.row_count < len(table._names)
        await pilot.press("P")
        await pilot.pause()
        assert "net" not in table.columns


async def test_p_makes_room_for_the_port_groups_in_a_crowded_table():
    """Level 13 in the game's 85-cell VM panel (160×50): the table is full, so the Net column
    does not show by itself; `P` puts it right after the service (memory gives way), and says
    when there is no room at all."""
    sim = Simulation(load_level(find_level("13-vlan-trouble")).level)
    sim.run_until(60)
    app = PanelApp(VmTable(), sim.view(), box=(85, 20), focus="panel")
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await pilot.pause()
        table = app.panel
        assert isinstance(table, VmTable)
        assert "net" not in table.columns
        table.table.focus()
        await pilot.press("P")
        await pilot.pause()
        cols = table.columns
        assert "net" in cols and "service" in cols
        assert not [n for n in app._notifications if "No room" in str(n.message)]
    narrow = PanelApp(VmTable(), sim.view(), box=(40, 12), focus="panel")
    async with narrow.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        narrow.panel.table.focus()
        await pilot.press("P")
        await pilot.pause()
        assert "net" not in narrow.panel.columns
        assert [n for n in narrow._notifications if "No room for the Net column" in str(n.message)]
