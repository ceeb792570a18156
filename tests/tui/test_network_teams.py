"""The Network panel with NIC teams (issue 14): standby uplinks, a failed-over team, a
black-holed uplink and a VLAN pruned from one uplink's trunk, said in words."""

from __future__ import annotations

from functools import cache
from typing import Any

from tests.tui.conftest import PanelApp
from tests.tui.test_panels_infra import sandbox_with
from vdc.sim.view import SimView
from vdc.tui.widgets.network import NetworkPanel


def _teams(data: dict[str, Any]) -> None:
    """vSwitch0 everywhere: vmnic0 active, vmnic1 standby, link-status detection."""
    data["networks"][0] |= {"active": ["vmnic0"], "standby": ["vmnic1"]}


@cache
def teams_view() -> SimView:
    """At t = 600: esx-01 lost vmnic0's link (its team failed over to standby vmnic1); the
    network beyond esx-02's vmnic0 failed (link up: the team keeps sending, traffic lost);
    VLAN 110 (VM-Web) was pruned from esx-03 vmnic0's trunk."""
    return sandbox_with(
        [
            {"at": 500, "kind": "uplink_down", "host": "esx-01", "uplink": "vmnic0"},
            {"at": 500, "kind": "upstream_down", "host": "esx-02", "uplink": "vmnic0"},
            {"at": 500, "kind": "trunk_prune", "host": "esx-03", "uplink": "vmnic0", "vlan": 110},
        ],
        edit=_teams,
    )


async def test_network_shows_teams_failover_black_holes_and_pruned_vlans() -> None:
    app = PanelApp(NetworkPanel(), teams_view(), focus="panel")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        lines = [x.strip() for x in app.panel.text.plain.splitlines()]  # type: ignore[attr-defined]
        assert lines[:3] == [
            "▲ esx-01: 1/2 uplinks down",
            "✖ esx-02: vmnic0 black-holed upstream, 4 port groups cut off",
            "✖ esx-03: VM-Web (VLAN 110) cut off",
        ]
        text = "\n".join(lines)
        assert text.count("vSwitch0  team: port-id, standby vmnic1, link status") == 3
        assert "vmnic1       10G  ● up    2 %  ▲ standby in use  all VLANs" in lines  # esx-01, 2 % load
        assert ("vmnic0       10G  ● up    0 %  ✖ BLACK HOLE: traffic lost upstream  all VLANs"
                in lines)  # esx-02: its team does not see it
        assert text.count("✖ lost upstream on vmnic0") == 4
        assert "vmnic0       10G  ● up    1 %  all VLANs but 110" in lines  # esx-03's pruned trunk
        assert "vmnic0       10G  ✖ down       all VLANs" in lines  # esx-01: no load on a down link
        assert "VM-Web      VLAN 110           ✖ VLAN 110 not trunked on vmnic0" in lines


async def test_network_beacon_probing_shows_the_uplink_failed_over() -> None:
    def beacon(data: dict[str, Any]) -> None:
        _teams(data)
        data["networks"][0]["detection"] = "beacon"

    view = sandbox_with(
        [{"at": 500, "kind": "upstream_down", "host": "esx-02", "uplink": "vmnic0"}], edit=beacon)
    app = PanelApp(NetworkPanel(), view, focus="panel")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        lines = [x.strip() for x in app.panel.text.plain.splitlines()]  # type: ignore[attr-defined]
        assert "vmnic0       10G  ● up    0 %  ✖ failed over (beacons lost)  all VLANs" in lines
        assert "vmnic1       10G  ● up    2 %  ▲ standby in use  all VLANs" in lines
        assert "BLACK HOLE" not in "\n".join(lines)
        # Not "every uplink up": the team runs on one of its two uplinks.
        assert lines[0] == "▲ esx-02: vmnic0 failed over (beacons lost)"
        assert "● esx-02  ▲ 1/2 uplinks in use" in lines


def test_network_teams_80x24(snap_compare) -> None:
    """Top lines: esx-01 1/2 uplinks down, esx-02 vmnic0 black-holed with 4 port groups cut,
    esx-03 VM-Web cut; the hosts below with their team line, `▲ standby in use`,
    `✖ BLACK HOLE`, `all VLANs but 110`."""
    assert snap_compare(PanelApp(NetworkPanel(), teams_view(), focus="panel"), terminal_size=(80, 24))


def test_network_teams_160x50(snap_compare) -> None:
    """Wide: the three hosts side by side, each team's line under its vSwitch, the reasons
    beside or under the port groups."""
    assert snap_compare(PanelApp(NetworkPanel(), teams_view(), focus="panel"), terminal_size=(160, 50))
