"""Level 13 (VLAN trouble): the numbers that make its lesson felt. VLAN 120 pruned from the
trunk of esx-02's vmnic1 cuts exactly the two app servers pinned to it (web-02 on vmnic0 keeps
its network); `net trunk … add` puts them back. Then the network beyond esx-01's vmnic0 dies
with the link up: link-status detection never fails it over and fw-01's outside NIC, pinned to
it, is black-holed — through a reboot too; beacon probing fails it over 3 s after it is on."""

from __future__ import annotations

from conftest import play, solutions
from levelrun import LevelRun

from vdc.sim import netpath

LEVEL = "13-vlan-trouble"
REFERENCE, NAIVE = solutions(LEVEL)
VMS = ("fw-01", "web-01", "app-01", "web-02", "db-01", "app-02")


def reachable(r: LevelRun) -> dict[str, bool]:
    return {v: bool(r.vm(v, "vm_reachable")) for v in VMS}


def pinned(r: LevelRun, vm: str) -> list[tuple[str, ...]]:
    inv = r.sim.inv
    ordinal = list(inv.vms).index(vm)
    return [netpath.nic_path(inv, inv.vms[vm], i, ordinal).uplinks for i in range(len(inv.vms[vm].nics))]


def test_the_pruned_vlan_cuts_exactly_the_app_servers_on_that_uplink():
    r = LevelRun(LEVEL).to(590)
    assert all(reachable(r).values()) and r.up("shop")
    assert pinned(r, "app-01") == pinned(r, "app-02") == [("vmnic1",)]
    assert pinned(r, "web-02") == [("vmnic0",)]
    r.to(620)
    assert r.events("trunk_prune", "esx-02") == [600.0]
    assert reachable(r) == {v: v not in ("app-01", "app-02") for v in VMS}
    assert not r.up("shop")
    assert r.sim.inv.hosts["esx-02"].nics["vmnic1"].pruned == (120,)


def test_link_status_misses_the_upstream_failure_and_a_reboot_does_not_help():
    r = LevelRun(LEVEL, NAIVE).to(1790)
    assert all(reachable(r).values()) and r.up("shop")
    assert pinned(r, "fw-01") == [("vmnic0",), ("vmnic1",)]
    r.to(1820)
    esx01 = r.sim.inv.hosts["esx-01"]
    assert esx01.nics["vmnic0"].link_up and not esx01.nics["vmnic0"].upstream_ok
    assert not esx01.nics["vmnic0"].failed  # link status sees nothing
    assert r.events("traffic_lost", "esx-01") == [1800.0]
    assert reachable(r) == {v: v != "fw-01" for v in VMS}  # web-01 is pinned to vmnic2
    r.to(5300)
    assert r.events("team_failover", "esx-01") == []
    assert r.sim.inv.vms["fw-01"].power == "on" and pinned(r, "fw-01")[0] == ("vmnic0",)
    assert not reachable(r)["fw-01"] and not r.up("shop")


def test_beacon_probing_fails_the_dead_uplink_over_3_s_later():
    r = LevelRun(LEVEL, REFERENCE).to(640)
    assert all(reachable(r).values()) and r.up("shop")
    assert "VLAN 120 allowed on the switch port of esx-02 vmnic1" in r.messages[
        "net trunk esx-02 vmnic1 add 120"]
    r.to(1832)
    assert not reachable(r)["fw-01"]
    r.to(1840)
    assert r.events("team_failover", "esx-01") == [1833.0]
    assert pinned(r, "fw-01") == [("vmnic1",), ("vmnic2",)]
    assert all(reachable(r).values()) and r.up("shop")


def test_balance_idle_naive_reference():
    idle, naive, best = play(LEVEL), play(LEVEL, NAIVE), play(LEVEL, REFERENCE)
    assert (idle.outcome, idle.score) == ("lost", 7.8)
    assert round(idle.objectives["shop-up"].value, 3) == 0.111
    assert (naive.outcome, naive.score, naive.stars) == ("lost", 23.0, 0)
    assert round(naive.objectives["shop-up"].value, 3) == 0.328
    assert (best.outcome, best.score, best.stars) == ("won", 100.0, 3)
    assert best.objectives["no-long-outage"].value == 35.0  # fw-01: 1,800 → 1,833 (+ a sample)
    assert len(naive.lessons) == 1 and "--detection beacon" in naive.lessons[0]


def test_moving_the_firewall_or_pulling_the_cable_also_wins():
    fix = "630 net trunk esx-02 vmnic1 add 120\n"
    for cmd in ("1830 vmotion fw-01 esx-03\n", "1830 net uplink esx-01 vmnic0 down\n"):
        run = play(LEVEL, fix + cmd)
        assert (run.outcome, run.stars) == ("won", 3), (cmd, run)
