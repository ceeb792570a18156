"""Level 10 (appliance day): the numbers that make its lesson felt. The deployed load balancer
serves after its 120 s boot and shares the visitors over web-01 and web-02; a balancer built
from a new VM waits for its OS install (the shop is down about 12 minutes) and balances nothing,
so web-01 keeps every visitor and sinks at the evening peak; a balancer on the busy esx-01 is
starved and takes the shop down."""

from __future__ import annotations

import pytest
from conftest import play, solutions
from levelrun import LevelRun

LEVEL = "10-appliance-day"
REFERENCE, NAIVE = solutions(LEVEL)


def _want(r: LevelRun, vm: str) -> float:
    s = r.sim.sampler
    return float(s.vm_cpu_want[s.vm_index[vm]])


def test_web_01_alone_cannot_carry_the_evening_peak():
    # 2,550 MHz × (1 + 1.0 × s(20:00) = 1) wanted of 2 vCPUs × 2,000 MHz: served 0.78 < 0.8
    r = LevelRun(LEVEL).to(3600)
    assert _want(r, "web-01") == pytest.approx(5100, rel=0.06)
    assert not r.up("shop")  # and the lb tier is empty all along


def test_the_deployed_balancer_serves_after_its_boot_and_shares_the_visitors():
    r = LevelRun(LEVEL, REFERENCE).to(115)
    assert not r.up("shop")
    r.to(125)
    assert r.up("shop")  # the appliance booted: 120 s, no OS install
    r.to(3600)
    a, b = _want(r, "web-01"), _want(r, "web-02")
    assert a + b == pytest.approx(5100, rel=0.06) and a == pytest.approx(b, rel=0.1)
    s = r.sim.sampler
    lb = s.vm_index["lb-01"]
    # 400 Mbit/s × 2.0 at the peak through the balancer: 800 / 1,500 × 2,000 MHz
    assert s.vm_net[lb] == pytest.approx(800, rel=0.06)
    assert s.vm_cpu_want[lb] == pytest.approx(800 / 1500 * 2000, rel=0.06)
    assert r.up("shop")


def test_a_balancer_built_from_a_new_vm_is_late_and_balances_nothing():
    r = LevelRun(LEVEL, NAIVE).to(700)
    assert not r.up("shop")  # 45 s boot + 600 s install + 45 s reboot
    r.to(720)
    assert r.sim.inv.vms["lb-01"].os
    r.to(3600)
    assert _want(r, "web-01") == pytest.approx(5100, rel=0.06)  # every visitor
    assert _want(r, "web-02") == 0.0  # none: nothing sends them to it
    assert not r.up("shop")


def test_a_balancer_on_the_busy_host_is_starved():
    r = LevelRun(LEVEL, REFERENCE.read_text().replace("lb-01 esx-02", "lb-01 esx-01")).to(1800)
    s = r.sim.sampler
    lb = s.vm_index["lb-01"]
    assert s.vm_served[lb] < 0.8 and not r.up("shop")


def test_the_scores():
    idle, naive, best = play(LEVEL), play(LEVEL, NAIVE), play(LEVEL, REFERENCE)
    assert idle.objectives["shop-up"].value == 0.0
    assert naive.objectives["shop-up"].value == pytest.approx(0.40, abs=0.05)
    assert best.objectives["shop-up"].value == pytest.approx(1 - 120 / 5400, abs=0.003)
    assert naive.objectives["web-02-ready"].value == best.objectives["web-02-ready"].value == 705
    assert (idle.score, best.score, best.stars) == (0.0, 100.0, 3)
    assert naive.outcome == "lost" and 25 < naive.score < 40
