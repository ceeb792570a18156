"""NFV service chains (vdc/sim/provision/nfv.py): a load-balancer appliance in tier k of a
service spreads tier k + 1's load over the members that can take traffic and carries all of
its traffic, its CPU following that traffic (net / mbps_per_vcpu vCPUs at 2,000 MHz)."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build
from conftest import run_ok as run
from conftest import vm_row as row

from vdc.sim.checks import Rejected
from vdc.sim.engine import Simulation


def lb_level(lb_tier: bool = True) -> dict:
    """esx-01 and esx-02 (8 cores × 2,000 MHz each); three web VMs (2 vCPU, 2,000 MHz and
    800 Mbit/s each, flat) on esx-01 behind an empty `lb` tier."""
    lv = base_level(duration=3600)
    lv["hosts"].append(dict(lv["hosts"][0], name="esx-02"))
    lv["profiles"].append({"name": "webnet", "cpu": 2000, "mem_active": 0.25, "iops": 10, "write_mbps": 0,
                           "net": 800, "shape": "flat", "peak": 0, "noise": 0})
    for i in (1, 2, 3):
        add_vm(lv, f"web-0{i}", vcpu=2, profile="webnet")
    tiers = [{"name": "web", "vms": ["web-*"]}]
    if lb_tier:
        tiers.insert(0, {"name": "lb", "empty": True})
    lv["services"] = [{"name": "shop", "tiers": tiers}]
    return lv




def with_lb(host: str = "esx-02", lv: dict | None = None) -> Simulation:
    sim = Simulation(build(lv or lb_level()))
    sim.run_until(10)
    run(sim, f"deploy load-balancer lb-01 {host} ds-1 prod")
    run(sim, "vm service lb-01 shop lb")
    sim.run_until(200)  # booted (120 s)
    return sim


def test_an_empty_tier_is_down_until_a_vm_joins_it():
    sim = Simulation(build(lb_level()))
    sim.run_until(30)
    assert not sim.sampler.service_up[0]
    run(sim, "deploy load-balancer lb-01 esx-02 ds-1 prod")
    run(sim, "vm service lb-01 shop lb")
    sim.run_until(100)
    assert not sim.sampler.service_up[0]  # booting
    sim.run_until(200)
    assert sim.sampler.service_up[0]


def test_the_balancer_carries_the_tiers_traffic_and_its_cpu_follows_it():
    sim = with_lb()
    s = sim.sampler
    lb = row(sim, "lb-01")
    assert s.vm_net[lb] == pytest.approx(3 * 800)  # every web VM's traffic passes through it
    assert s.vm_cpu_demand[lb] == pytest.approx(2400 / 1500 * 2000)  # 3,200 MHz of its 4,000
    assert s.vm_healthy[lb]
    run(sim, "power off web-03")  # fewer VMs behind it, the same users: the same traffic
    sim.run_until(300)
    assert s.vm_net[lb] == pytest.approx(2400)


def test_a_dead_web_vm_behind_the_balancer_degrades_capacity_not_the_service():
    sim = with_lb()
    s = sim.sampler
    assert [s.vm_cpu_want[row(sim, f"web-0{i}")] for i in (1, 2, 3)] == pytest.approx([2000] * 3)
    run(sim, "power off web-03")
    sim.run_until(300)
    # its users go to the other two: 3 × 2,000 MHz over 2 VMs of 4,000 MHz each
    assert [s.vm_cpu_want[row(sim, f"web-0{i}")] for i in (1, 2)] == pytest.approx([3000, 3000])
    assert s.service_up[0]
    run(sim, "power off web-02")  # one VM for everyone: 6,000 MHz wanted of its 4,000
    sim.run_until(400)
    w1 = row(sim, "web-01")
    assert s.vm_cpu_want[w1] == pytest.approx(6000)
    assert s.vm_f_cpu[w1] == pytest.approx(4000 / 6000, rel=0.01)
    assert not s.vm_healthy[w1] and not s.service_up[0]


def test_without_a_balancer_each_vm_carries_its_own_load():
    sim = Simulation(build(lb_level(lb_tier=False)))
    sim.run_until(10)
    run(sim, "power off web-02")
    run(sim, "power off web-03")
    sim.run_until(100)
    s = sim.sampler
    assert s.vm_cpu_want[row(sim, "web-01")] == pytest.approx(2000)
    assert s.service_up[0]


def test_a_balancer_on_a_busy_host_is_the_bottleneck_of_the_chain():
    lv = lb_level()
    for vm in lv["vms"]:
        vm["host"] = "esx-02"
    for i in (1, 2):  # two 8-vCPU VMs wanting all of esx-01's 16,000 MHz each
        add_vm(lv, f"batch-0{i}", vcpu=8, profile="steady", host="esx-01")
    lv["profiles"][0]["cpu"] = 16000
    busy = with_lb("esx-01", lv)
    quiet = with_lb("esx-02", lv)
    for sim, up in ((busy, False), (quiet, True)):
        s = sim.sampler
        lb = row(sim, "lb-01")
        assert s.vm_cpu_want[lb] == pytest.approx(3200)
        assert bool(s.vm_healthy[lb]) is up and bool(s.service_up[0]) is up
    s = busy.sampler
    assert s.vm_f_cpu[row(busy, "lb-01")] < 0.8
    assert "lb" in busy._why_down(0)


def test_a_vm_that_is_not_a_balancer_balances_nothing():
    sim = Simulation(build(lb_level()))
    sim.run_until(10)
    run(sim, "deploy router r-01 esx-02 ds-1 prod")
    run(sim, "vm service r-01 shop lb")
    run(sim, "power off web-02")
    run(sim, "power off web-03")
    sim.run_until(200)
    s = sim.sampler
    assert s.vm_cpu_want[row(sim, "web-01")] == pytest.approx(2000)
    assert s.vm_net[row(sim, "r-01")] < 1000  # its own 500 Mbit/s on a web-shaped day, not 2,400


def test_a_web_vm_added_behind_the_balancer_adds_capacity_not_users():
    sim = with_lb()
    s = sim.sampler
    run(sim, "vm create web-04 esx-02 ds-1 cpu 4 mem 4 disk 20 prod")
    assert "users come through a load balancer" in run(sim, "vm service web-04 shop web")
    assert sim.inv.vms["web-04"].load == 0.0
    run(sim, "power on web-04")
    sim.run_until(260)
    run(sim, "os install web-04")
    sim.run_until(260 + 600 + 60)  # installed and rebooted
    # the tier's 6,000 MHz of users shared by vCPU: 2 : 2 : 2 : 4
    want = [float(s.vm_cpu_want[row(sim, v)]) for v in ("web-01", "web-02", "web-03", "web-04")]
    assert want == pytest.approx([1200, 1200, 1200, 2400])
    assert s.vm_net[row(sim, "lb-01")] == pytest.approx(2400)  # the same users
    run(sim, "power off web-02")
    run(sim, "power off web-03")
    sim.run_until(1000)  # 6,000 MHz over web-01 (2 vCPU) and web-04 (4 vCPU)
    assert [float(s.vm_cpu_want[row(sim, v)]) for v in ("web-01", "web-04")] == pytest.approx([2000, 4000])
    assert s.service_up[0]


def test_without_a_balancer_a_joined_vm_gets_no_users():
    sim = Simulation(build(lb_level(lb_tier=False)))
    sim.run_until(10)
    run(sim, "vm create web-04 esx-02 ds-1 cpu 2 mem 4 disk 20 prod")
    run(sim, "vm service web-04 shop web")
    assert sim.inv.vms["web-04"].profile == "webnet"
    sim.run_until(20)
    assert sim.sampler.base_cpu[row(sim, "web-04")] == 0.0


def test_leaving_a_tier_takes_the_vm_out_of_the_service():
    sim = with_lb()
    s = sim.sampler
    msg = run(sim, "vm service web-03 shop none")
    assert msg == "web-03 left tier web of shop"
    sim.run_until(300)
    # the tier's users are its members' own: web-03 takes its 2,000 MHz with it
    assert [s.vm_cpu_want[row(sim, v)] for v in ("web-01", "web-02", "web-03")] == pytest.approx([2000, 2000, 2000])
    assert s.vm_net[row(sim, "lb-01")] == pytest.approx(1600)
    assert sim.inv.services["shop"].tiers[1].vms == ["web-01", "web-02"]
    assert "tier lb has no members now: shop is down" in run(sim, "vm service lb-01 shop none")
    sim.run_until(400)
    assert not s.service_up[0]
    with pytest.raises(Rejected, match="lb-01 serves no tier of shop"):
        run(sim, "vm service lb-01 shop none")


def test_a_deployed_appliances_licence_counts_in_the_cost_until_it_is_deleted():
    from vdc.sim import objectives

    sim = Simulation(build(lb_level()))
    sim.run_until(10)
    before, year = sim.cost(), objectives.yearly_cost(sim)
    assert "its licence costs 2,000 a year" in run(sim, "deploy load-balancer lb-01 esx-02 ds-1 prod")
    assert "licence" not in run(sim, "deploy router r-01 esx-02 ds-1 prod")  # free
    assert sim.cost() == before + 2000
    assert objectives.yearly_cost(sim) == pytest.approx(year + 2000)
    run(sim, "power off lb-01")
    run(sim, "vm delete lb-01")
    assert sim.cost() == before
