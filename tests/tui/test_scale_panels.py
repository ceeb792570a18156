"""Tests of the panels at datacenter scale (issue 18): hosts grouped by cluster with folding,
the network panel counting healthy hosts per cluster and vSwitch, the services list capped.

The large sandbox (64 hosts in 8 clusters of 8, 2,000 VMs; 200 port groups per host) stands in
for the enterprise one (1,024 hosts): the panels switch at 16 hosts, and it builds in a blink.
Its random incidents are taken out so that only the trouble a test adds is there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from tests.tui.conftest import PanelApp, until
from vdc.scenario.sandbox import generate
from vdc.scenario.schema import Level
from vdc.sim.engine import Simulation
from vdc.sim.view import SimView
from vdc.tui.format import Tones, host_state
from vdc.tui.widgets.host_groups import FOLD_ABOVE, groups, totals, trouble_text, vms_down
from vdc.tui.widgets.hosts import HostsPanel
from vdc.tui.widgets.network import NetworkPanel
from vdc.tui.widgets.network_summary import SUMMARISE_ABOVE
from vdc.tui.widgets.services import LIST_MAX, ServicesPanel


def large_with(events: tuple[tuple[tuple[str, Any], ...], ...] = (), size: str = "large",
               t: float = 120) -> SimView:
    """The large sandbox without its random incidents, with `events` added, at sim time `t`."""
    data = generate(size, 1).model_dump(mode="json", exclude_defaults=True)
    data["incidents"] = []
    data["events"] = [dict(e) for e in events]
    sim = Simulation(Level.model_validate(data))
    sim.run_until(t)
    return sim.view()


@cache
def calm() -> SimView:
    return large_with()


FAILED_ESX_12 = ((("at", 60), ("kind", "host_failure"), ("host", "esx-12")),)
"""esx-12 (cluster cl-02) crashes at 0:01:00; HA is off in the sandbox: its VMs stay down."""
UPLINK_ESX_05 = ((("at", 60), ("kind", "uplink_down"), ("host", "esx-05"), ("uplink", "vmnic0")),)


@cache
def failed() -> SimView:
    return large_with(FAILED_ESX_12)


def _keys(panel: HostsPanel) -> list[str]:
    return [str(row.key.value) for row in panel.table.ordered_rows]


def _row(panel: HostsPanel, key: str) -> str:
    return " ".join(str(c) for c in panel.table.get_row(key))


def test_thresholds_match() -> None:
    assert FOLD_ABOVE == SUMMARISE_ABOVE == 16
    assert len(calm().hosts) == 64 > FOLD_ABOVE


def test_a_host_entering_maintenance_says_so() -> None:
    """Issue 18's noticed bug: the Hosts panel said `● on` for a host entering maintenance."""
    assert host_state("on", False, True) == ("◇", "→maint", "warning")
    assert host_state("maintenance", True, True)[1] == "maint"  # already in: as before
    assert host_state("failed", False, True)[1] == "FAILED"


# --------------------------------------------------------------------------- hosts: grouped


async def test_healthy_clusters_start_folded_to_their_totals() -> None:
    app = PanelApp(HostsPanel(), calm(), focus="panel")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel: HostsPanel = app.panel  # type: ignore[assignment]
        assert _keys(panel) == [f"cluster:cl-{c:02d}" for c in range(1, 9)]
        row = _row(panel, "cluster:cl-01")
        assert "✔ 8/8" in row and "▸ cl-01" in row and "✔ no alarms" in row
        view = calm()
        vms = sum(h.vm_count for h in view.hosts if h.cluster == "cl-01")
        assert f" {vms} " in f" {row} "  # the cluster's VMs, summed
        assert panel.selected_cluster == "cl-01" and panel.selected_host is None


async def test_enter_opens_a_cluster_and_folds_it_again() -> None:
    app = PanelApp(HostsPanel(), calm(), focus="panel")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel: HostsPanel = app.panel  # type: ignore[assignment]
        await pilot.press("down", "enter")  # on cl-02
        await until(pilot, lambda: len(_keys(panel)) == 16)
        keys = _keys(panel)
        assert keys[1] == "cluster:cl-02" and keys[2:10] == [f"host:esx-{h:02d}" for h in range(9, 17)]
        assert "▾ cl-02" in _row(panel, "cluster:cl-02")
        assert panel.is_open("cl-02") and not panel.is_open("cl-01")
        await pilot.press("down", "enter")  # a host row: lists its VMs (as ever)
        await until(pilot, lambda: panel.expanded == ("esx-09",))
        assert any(k.startswith("vm:") for k in _keys(panel))
        panel.table.move_cursor(row=1)
        await pilot.press("enter")  # cl-02 folds with its expanded host
        await until(pilot, lambda: len(_keys(panel)) == 8)
        assert _keys(panel)[1] == "cluster:cl-02" and not panel.is_open("cl-02")


async def test_a_cluster_in_trouble_starts_open_and_says_what() -> None:
    app = PanelApp(HostsPanel(), failed(), focus="panel")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel: HostsPanel = app.panel  # type: ignore[assignment]
        keys = _keys(panel)
        assert keys[:10] == ["cluster:cl-01", "cluster:cl-02",
                             *(f"host:esx-{h:02d}" for h in range(9, 17))]
        assert len(keys) == 16  # the seven healthy clusters stay folded
        row = _row(panel, "cluster:cl-02")
        down = sum(1 for h, ok in zip(failed().vms.hosts, failed().vms.healthy, strict=True)
                   if h == "esx-12" and not ok)
        assert down > 20
        assert "✖ 7/8" in row and f"{down} VMs down" in row
        grouped = groups(failed().hosts)
        assert grouped is not None
        members = dict(grouped)["cl-02"]
        at = vms_down(failed().vms, np.array([int(h[4:]) - 1 for h in failed().vms.hosts]), 64)
        words = trouble_text(Tones({}), totals("cl-02", failed().hosts, members, at)).plain
        assert words == f"{down} VMs down, 1 failed"
        assert "FAILED" in _row(panel, "host:esx-12")
        # The player folds it: the choice stays although the trouble does.
        panel.toggle_cluster("cl-02")
        panel.show(failed())
        await until(pilot, lambda: len(_keys(panel)) == 8)
        assert not panel.is_open("cl-02")


async def test_few_hosts_in_two_clusters_are_all_listed() -> None:
    """16 hosts (the medium sandbox): cluster rows, every cluster open."""
    view = large_with(size="medium")
    app = PanelApp(HostsPanel(), view, focus="panel")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        keys = _keys(app.panel)  # type: ignore[arg-type]
        assert len(keys) == 18 and keys[0] == "cluster:cl-01" and keys[9] == "cluster:cl-02"


async def test_one_cluster_has_no_cluster_row() -> None:
    view = large_with(size="small")
    app = PanelApp(HostsPanel(), view, focus="panel")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert all(k.startswith("host:") for k in _keys(app.panel))  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_grouped_hosts_snapshot(snap_compare, size: tuple[int, int]) -> None:
    """cl-02 open (esx-12 FAILED, bold error; its row `✖ 7/8`, `N VMs down, 1 failed`), the
    other seven clusters one row each with `✔ 8/8`, their summed CPU/mem bars, VMs and power."""
    app = PanelApp(HostsPanel(), failed(), focus="panel")
    assert snap_compare(app, terminal_size=size)


# --------------------------------------------------------------------------- network: summary


async def test_network_counts_healthy_hosts_per_cluster_and_vswitch() -> None:
    app = PanelApp(NetworkPanel(), calm(), focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        panel: NetworkPanel = app.panel  # type: ignore[assignment]
        lines = panel.text.plain.splitlines()
        assert lines[0] == "✔ every uplink up, every VLAN carried"
        assert lines[1].startswith("busiest uplinks: esx-")
        counted = [line for line in lines if "hosts ·" in line]
        assert counted[0] == "✔ cl-01 vSwitch0  8 hosts · 2×10G up · 202 port groups carried"
        assert len(counted) == 8
        assert not any("vmnic0" in line and "10G" in line for line in lines)  # no host listed
        assert len(panel.query(".network-host")) == 1  # one block, not 64


async def test_network_lists_only_the_hosts_in_trouble() -> None:
    view = large_with(UPLINK_ESX_05)
    app = PanelApp(NetworkPanel(), view, focus="panel")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        panel: NetworkPanel = app.panel  # type: ignore[assignment]
        lines = panel.text.plain.splitlines()
        assert lines[0] == "▲ esx-05: 1/2 uplinks down"
        assert "● esx-05  ▲ 1/2 uplinks up" in lines
        assert any(line.split()[:4] == ["vmnic0", "10G", "✖", "down"] for line in lines)
        assert "▲ cl-01 vSwitch0  7 hosts · 2×10G up · 202 port groups carried · 1 above" in lines
        assert sum(1 for line in lines if line.startswith("● esx-")) == 1
        assert len(panel.query(".network-host")) == 2  # esx-05, then the counted hosts


def test_network_summary_snapshot(snap_compare) -> None:
    """80×24: the summary (esx-05 one uplink down, the busiest uplinks), esx-05 in full, then
    `▲ cl-01 vSwitch0  7 hosts … · 1 above` and seven `✔` lines of 8 hosts."""
    app = PanelApp(NetworkPanel(), large_with(UPLINK_ESX_05), focus="panel")
    assert snap_compare(app, terminal_size=(80, 24))


# --------------------------------------------------------------------------- services: capped


async def test_services_list_is_capped_with_the_rest_counted() -> None:
    view = large_with(size="xlarge", t=30)
    assert len(view.services) > LIST_MAX
    app = PanelApp(ServicesPanel(), view, focus="panel")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        panel: ServicesPanel = app.panel  # type: ignore[assignment]
        lines = panel.lines
        assert len(lines) == LIST_MAX + 1
        more = len(view.services) - LIST_MAX
        assert lines[-1].startswith(f"… {more:,} more services, all up")
        assert panel.border_subtitle == f"✔ all {len(view.services):,} up"
