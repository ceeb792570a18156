"""The Datastores panel's vSAN lines: hosts, compliance, absent / degraded components, resync
progress and the repair delay's countdown (issue 15)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from tests.conftest import build
from tests.test_vsan import vm_on_vsan, vsan_level
from tests.tui.conftest import PanelApp
from vdc.sim.engine import Simulation
from vdc.sim.view import SimView
from vdc.tui.format import Tones
from vdc.tui.widgets.datastores import DatastoresPanel
from vdc.tui.widgets.vsan_lines import vsan_lines


@cache
def vsan_view(t: float) -> SimView:
    """Four hosts with 2 × 1,000 GiB each, six 100 GiB VMs on vsan-ds beside ds-1; esx-01
    fails at 100 s (its components absent; rebuilt from 3,700 s)."""
    lv = vsan_level()
    lv["datastores"].insert(0, {"name": "ds-1", "capacity": 2000})
    for k in range(1, 7):
        vm_on_vsan(lv, f"db-{k:02d}", power="on", host="esx-04")
    lv["events"] = [{"at": 100, "kind": "host_failure", "host": "esx-01"}]
    sim = Simulation(build(lv))
    sim.run_until(t)
    return sim.view()


def plain(view: SimView, width: int) -> str:
    return vsan_lines(Tones({}), view.datastores, width).plain


def test_the_lines_count_down_the_repair_delay_then_show_the_resync():
    v = vsan_view(1000).datastores[1].vsan
    # Five objects had a component on esx-01 (three a copy of 108 GiB, two a witness): the
    # objects spread over the four hosts, three copies on each.
    assert v is not None and v.objects == 6 and v.absent == 5 and v.repair_in_s == 2700
    text = plain(vsan_view(1000), 100)
    assert text.splitlines() == [
        "vsan-ds FTT 1 RAID-1 · hosts 3/4 up: esx-01 ✖ away, esx-02 324 GiB/2.0 TiB, "
        "esx-03 324 GiB/2.0 TiB, esx-04 324 GiB/2.0 TiB",
        "  objects ✓ 1/6 compliant · ▲ 5 reduced · 5 absent",
        "  rebuild in 45:00",
    ]
    # The game's 40-column panel: three short lines.
    assert plain(vsan_view(1000), 40).splitlines() == [
        "vsan-ds FTT 1 RAID-1 · 3/4 hosts up",
        "  ✓ 1/6 ok · ▲ 5 reduced · 5 absent",
        "  rebuild in 45:00",
    ]
    # At 3,800 s the witnesses (0 GiB) are rebuilt; the three copies are written to hosts
    # that share the work.
    assert plain(vsan_view(3800), 80).splitlines() == [
        "vsan-ds FTT 1 RAID-1 · hosts 3/4 up: esx-01 ✖ away",
        "  objects ✓ 3/6 compliant · ▲ 3 reduced · 3 absent",
        "  resync 3: 29%, 8:00 left",
    ]
    assert plain(vsan_view(5000), 40).splitlines() == [
        "vsan-ds FTT 1 RAID-1 · 3/4 hosts up", "  ✓ 6/6 ok", "  esx-01 ✖ away"]


def test_several_vsan_datastores_in_a_narrow_panel_take_a_line_each():
    view = vsan_view(1000)
    two = (*view.datastores, replace(view.datastores[1], name="vsan-b"))
    assert vsan_lines(Tones({}), two, 40).plain.splitlines() == [
        "vsan-ds ▲ 5 reduced · rebuild in 45:00", "vsan-b ▲ 5 reduced · rebuild in 45:00"]


def test_no_vsan_no_lines():
    lv = vsan_level()
    lv["datastores"] = [{"name": "ds-1", "capacity": 2000}]
    for h in lv["hosts"]:
        h["vsan_disks"] = []
    sim = Simulation(build(lv))
    assert plain(sim.view(), 100) == ""


async def test_the_panel_shows_the_lines_under_the_table() -> None:
    app = PanelApp(DatastoresPanel(), vsan_view(3800), focus="panel")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        static = app.panel.query_one("#vsan")
        assert static.display
        assert "hosts 3/4 up: esx-01 ✖ away" in str(static.render())


def test_vsan_rebuild_80x24(snap_compare) -> None:
    """Under the two datastore rows: `vsan-ds FTT 1 RAID-1 · hosts 3/4 up: esx-01 ✖ away`
    (away in error tone), `objects ✓ 3/6 compliant · ▲ 3 reduced · 3 absent`, and `resync 3:
    29%, 8:00 left`."""
    app = PanelApp(DatastoresPanel(), vsan_view(3800), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


def test_vsan_rebuild_160x50(snap_compare) -> None:
    """Wide: every host with its used / size, esx-01 away."""
    app = PanelApp(DatastoresPanel(), vsan_view(3800), focus="panel")
    assert snap_compare(app, terminal_size=(160, 50))


def test_vsan_repair_delay_in_a_small_panel(snap_compare) -> None:
    """The game's 40×9 panel: the two rows, then `vsan-ds FTT 1 RAID-1 · 3/4 hosts up`, `✓ 1/6
    ok · ▲ 5 reduced · 5 absent` and `rebuild in 45:00`."""
    app = PanelApp(DatastoresPanel(), vsan_view(1000), box=(40, 9), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))
