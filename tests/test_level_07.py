"""Level 07, vCenter is down: the numbers that make its lesson felt. When esx-01 dies HA still
restarts VMs (it runs on the hosts), in priority order, as far as memory reservations allow;
vCenter's own priority decides whether it gets a seat, and while it is down vMotion and `ha`
settings are refused but power operations work host by host (sim-facts §12)."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

LEVEL = "07-vcenter-down"
REF, NAIVE = solutions(LEVEL)
DOWN = "vCenter is unavailable: vcsa-01's host esx-01 has failed"


def test_after_the_failure_the_survivors_have_40_and_32_gib_unreserved_too_little_for_the_database():
    r = LevelRun(LEVEL).to(700)
    failed = r.detail("ha_restart_failed", "dispatch-db-01")
    assert failed and "esx-02 has 40 GiB unreserved memory; esx-03 has 32 GiB" in failed[0]
    assert r.sim.inv.vms["dispatch-db-01"].mem_reservation == 64


def test_idle_vcenter_lowest_gets_no_seat_and_nothing_moves_without_it():
    r = LevelRun(LEVEL, "900 vmotion qa-01 esx-03\n900 ha priority vcsa-01 highest\n",
                 refused=("vmotion qa-01 esx-03", "ha priority vcsa-01 highest")).to(2400)
    # qa-03 (32 GiB, medium) took esx-02's room; vcsa-01 (24 GiB, lowest) fits nowhere, every try.
    assert r.events("ha_restart_started", "qa-03") == [pytest.approx(663, abs=2)]
    assert len(r.events("ha_restart_failed", "vcsa-01")) == 4
    assert r.events("vm_restarted", "vcsa-01") == []
    assert r.messages["vmotion qa-01 esx-03"] == DOWN
    assert r.messages["ha priority vcsa-01 highest"] == DOWN
    assert not r.up("vcenter") and not r.up("dispatch")


def test_with_the_highest_priority_ha_brings_vcenter_back_in_about_8_minutes():
    r = LevelRun(LEVEL, REF).to(1080)
    started = r.events("ha_restart_started", "vcsa-01")
    assert started == [pytest.approx(663, abs=2)]  # primary lost: declared dead at 50 s, placed 10–15 s later
    assert r.detail("ha_restart_started", "vcsa-01")[0].startswith("HA restarts vcsa-01 on esx-02 (priority highest)")
    r.to(1090)
    back = r.events("vm_restarted", "vcsa-01")
    assert back == [pytest.approx(1083, abs=2)] and back[0] - 600 == pytest.approx(483, abs=3)  # ~7 min 40 s in sim-facts §12
    assert r.up("vcenter")


def test_the_database_is_started_by_hand_while_vcenter_still_boots():
    r = LevelRun(LEVEL, REF).to(700)
    assert "dispatch-db-01 is powering on (moved to esx-02 while off)" in r.messages["power on dispatch-db-01 esx-02"]
    assert r.sim.inv.vms["dispatch-db-01"].host == "esx-02"
    r.to(745)
    assert r.up("dispatch") and not r.up("vcenter")
    refused = r.s.submit("vmotion dispatch-web-01 esx-03")  # vMotion still waits for vCenter
    assert not refused.accepted and "vcsa-01 is still booting" in refused.message


def test_the_naive_wait_costs_ten_minutes_of_dispatch_and_twenty_of_vcenter():
    naive, ref = play(LEVEL, NAIVE), play(LEVEL, REF)
    assert naive.rejected == [f"650 vmotion qa-01 esx-03: {DOWN}",
                              f"660 ha priority dispatch-db-01 highest: {DOWN}"]
    assert naive.objectives["dispatch-up"].value == pytest.approx(0.725, abs=0.01)
    assert ref.objectives["dispatch-up"].value == pytest.approx(0.94, abs=0.01)
    assert naive.objectives["vcenter-up"].value == pytest.approx(0.45, abs=0.01)  # back at ~1923 s
    assert ref.objectives["vcenter-up"].value == pytest.approx(0.80, abs=0.01)
    assert play(LEVEL).score < naive.score < 40 < ref.score == 100
