"""Level 14 (HCI): the numbers that make its lesson felt. On 3 vSAN hosts with FTT 1 every
object has a component on each: when esx-01 dies nothing can be rebuilt (no host without a
copy), and esx-02's failure 40 min later — before the 60-minute repair delay would even end —
makes every object inaccessible. A fourth node and a full evacuation of the failing host
keep every object whole; the default maintenance mode copies nothing."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

LEVEL = "14-hci"
REFERENCE, NAIVE = solutions(LEVEL)
VMS = ("web-01", "web-02", "app-01", "db-01")


def _objects(r: LevelRun) -> dict[str, list[tuple[str, str]]]:
    return {o.vm: sorted((c.host, c.state) for c in o.components) for o in r.sim.vsan.objects.values()}


def test_three_hosts_hold_every_object_and_cannot_rebuild():
    r = LevelRun(LEVEL).to(590)
    assert r.sim.inv.datastores["vsan-ds"].capacity == 6000  # esx-04 is off
    for vm in VMS:
        assert [h for h, _ in _objects(r)[vm]] == ["esx-01", "esx-02", "esx-03"]
    r.to(2990)
    assert r.events("vsan_components_absent") == [600.0]
    assert r.events("vsan_rebuild_started") == []  # and the repair delay would end at 4,200
    r.to(3010)
    assert sorted(r.sim.vsan.objects[f"{vm}@vsan-ds"].inaccessible for vm in VMS) == [True] * 4
    assert not r.up("orders")


def test_the_idle_run_loses_the_data():
    run = play(LEVEL)
    assert run.outcome == "lost" and run.objectives["data-safe"].value.startswith("4 VMs lost data")
    assert run.objectives["orders-up"].value == pytest.approx(3000 / 5400, abs=0.01)


def test_a_full_evacuation_copies_esx_01_to_the_fourth_node_in_time():
    r = LevelRun(LEVEL, REFERENCE).to(210)
    assert r.detail("vsan_rebuild_started") == [
        "vSAN copies 4 component(s) off esx-01 before it enters maintenance mode (full-evacuation)"]
    r.to(1000)  # db-01's copy (216 GiB at 400 MB/s) ends after esx-01 died, from esx-02's copy
    for vm in VMS:
        assert _objects(r)[vm] == [("esx-02", "active"), ("esx-03", "active"), ("esx-04", "active")]
    r.to(3010)
    assert not any(o.inaccessible for o in r.sim.vsan.objects.values())
    assert r.up("orders")


def test_the_default_maintenance_mode_copies_nothing():
    r = LevelRun(LEVEL, NAIVE).to(400)
    assert r.events("vsan_rebuild_started") == []
    assert r.sim.inv.hosts["esx-01"].state == "maintenance"  # its copies are absent already
    r.to(3010)
    assert all(o.inaccessible for o in r.sim.vsan.objects.values())
