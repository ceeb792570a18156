"""Contention numbers against hand-computed cases (formulas in vdc/sim/contention.py)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import add_vm, base_level, build

from vdc.sim.contention import latency_factor
from vdc.sim.engine import Simulation


def _sim(lv) -> Simulation:
    sim = Simulation(build(lv))
    sim.run_until(30)
    return sim


def _vm(sim: Simulation, name: str, arr: str) -> float:
    s = sim.sampler
    return float(getattr(s, arr)[s.vm_index[name]])


def test_two_full_vms_fit_exactly():
    # 8 cores × 2,000 MHz = 16,000 MHz; two 4-vCPU VMs demand 8,000 MHz each: D = C.
    lv = base_level()
    add_vm(lv, "a")
    add_vm(lv, "b")
    sim = _sim(lv)
    for n in ("a", "b"):
        assert _vm(sim, n, "vm_cpu_demand") == pytest.approx(8000)
        assert _vm(sim, n, "vm_served") == pytest.approx(1.0)
        assert _vm(sim, n, "vm_ready_avg") == pytest.approx(0.0)
    assert sim.sampler.host_cpu_pct[0] == pytest.approx(100.0)


def test_three_full_vms_share_and_wait():
    # f = C / D = 16,000 / 24,000 = 0.667; 12 busy vCPUs on 8 cores:
    # ready per vCPU = 100 × (8,000 / (4 × 2,000)) × (1 − 0.667) = 33.3 %.
    lv = base_level()
    for n in ("a", "b", "c"):
        add_vm(lv, n)
    sim = _sim(lv)
    for n in ("a", "b", "c"):
        assert _vm(sim, n, "vm_served") == pytest.approx(16000 / 24000)
        assert _vm(sim, n, "vm_ready_avg") == pytest.approx(100 / 3)
        assert _vm(sim, n, "vm_cpu_served") == pytest.approx(16000 / 3)
    assert float(sim.sampler.vm_ready_peak.max()) == pytest.approx(100 / 3)


def test_half_busy_vm_waits_in_proportion():
    # A VM demanding 4,000 MHz on 4 vCPUs is runnable half the time: ready = 50 % × (1 − f).
    lv = base_level()
    lv["profiles"].append(dict(lv["profiles"][0], name="half", cpu=4000))
    for n in ("a", "b", "c", "d"):
        add_vm(lv, n)
    add_vm(lv, "h", profile="half")
    sim = _sim(lv)
    f = 16000 / (4 * 8000 + 4000)
    assert _vm(sim, "h", "vm_served") == pytest.approx(f)
    assert _vm(sim, "h", "vm_ready_avg") == pytest.approx(50 * (1 - f))


def test_reservation_is_served_first():
    # a reserves 8,000 MHz and gets it; b and c share the remaining 8,000: 0.5 each, ready 50 %.
    lv = base_level()
    add_vm(lv, "a", cpu_reservation=8000)
    add_vm(lv, "b")
    add_vm(lv, "c")
    sim = _sim(lv)
    assert _vm(sim, "a", "vm_served") == pytest.approx(1.0)
    assert _vm(sim, "b", "vm_served") == pytest.approx(0.5)
    assert _vm(sim, "c", "vm_ready_avg") == pytest.approx(50.0)


def test_demand_capped_by_vcpus():
    # A 2-vCPU VM cannot use more than 2 × 2,000 MHz, whatever its workload asks.
    lv = base_level()
    add_vm(lv, "small", vcpu=2)
    sim = _sim(lv)
    assert _vm(sim, "small", "vm_cpu_demand") == pytest.approx(4000)


def test_latency_curve():
    u = np.array([0.0, 0.5, 0.8, 0.9, 0.95, 1.0, 1.2])
    assert latency_factor(u).tolist() == pytest.approx([1, 2, 5, 10, 20, 30, 70])


def test_datastore_latency_from_iops():
    # 10 VMs × 1,500 IOPS on a 20,000 IOPS datastore: u = 0.75, latency = 1 ms / 0.25 = 4 ms.
    lv = base_level()
    lv["profiles"].append(dict(lv["profiles"][0], name="io", cpu=100, iops=1500))
    for i in range(10):
        add_vm(lv, f"io{i}", vcpu=1, memory=2, profile="io")
    sim = _sim(lv)
    assert sim.sampler.ds_util[0] == pytest.approx(0.75)
    assert _vm(sim, "io0", "vm_latency") == pytest.approx(4.0)


def test_network_shares_up_uplinks():
    # 2 × 10,000 Mbit/s up; 5 VMs × 6,000 Mbit/s = 30,000: f_net = 2/3 (below 0.8: unhealthy).
    lv = base_level()
    lv["profiles"].append(dict(lv["profiles"][0], name="net", cpu=100, net=6000))
    for i in range(5):
        add_vm(lv, f"n{i}", vcpu=1, memory=2, profile="net")
    sim = _sim(lv)
    assert _vm(sim, "n0", "vm_f_net") == pytest.approx(20000 / 30000)
    assert not sim.sampler.vm_healthy.any()


def test_vlan_missing_from_trunk_cuts_vm():
    lv = base_level()
    lv["hosts"][0]["nics"] = [{"name": "vmnic0", "vlans": [10, 20]}, {"name": "vmnic1", "vlans": [10]}]
    add_vm(lv, "a", vcpu=1)
    sim = _sim(lv)
    assert _vm(sim, "a", "vm_reachable") == 0
    assert not sim.sampler.vm_healthy[0]


def _shop(factor: float):
    """web-01 (4 vCPU, 2,000 MHz), db-01 (2 vCPU, 2,000 MHz) and a hog (6 vCPU, 11,000 MHz) on
    one 16,000 MHz host: calm D = 15,000 fits. A spike on web-01 at t=100 for 100 s."""
    lv = base_level()
    lv["profiles"].append(dict(lv["profiles"][0], name="two", cpu=2000))
    lv["profiles"].append(dict(lv["profiles"][0], name="hog", cpu=11000))
    add_vm(lv, "web-01", profile="two")
    add_vm(lv, "db-01", vcpu=2, profile="two")
    add_vm(lv, "hog", vcpu=6, profile="hog")
    lv["services"] = [
        {"name": "shop", "tiers": [{"name": "web", "vms": ["web-*"]}, {"name": "db", "vms": ["db-01"]}]}
    ]
    lv["events"] = [
        {"at": 100, "kind": "load_spike", "targets": ["web-01"], "factor": factor, "duration": 100}
    ]
    return Simulation(build(lv))


def test_spike_on_tier_drops_service_for_exactly_its_duration():
    # ×4 on web-01: 8,000 (its 4-vCPU cap) + 2,000 + 11,000 = 21,000 MHz on 16,000:
    # f = 16/21 = 0.762 < min_served 0.8 → every VM unhealthy → shop down from 100 s to 200 s.
    sim = _shop(4.0)
    sim.run_until(99)
    assert sim.metrics.service_up["shop"] is True
    sim.run_until(150)
    assert _vm(sim, "web-01", "vm_served") == pytest.approx(16 / 21)
    assert sim.metrics.service_up["shop"] is False
    sim.run_until(600)
    assert sim.metrics.service_down_s["shop"] == pytest.approx(100.0)
    assert _vm(sim, "web-01", "vm_downtime") == pytest.approx(100.0)
    kinds = [(r.t, r.kind) for r in sim.log if r.kind in ("service_down", "service_up")]
    assert kinds == [(100.0, "service_down"), (200.0, "service_up")]


def test_smaller_spike_is_absorbed():
    # ×3 on web-01: 6,000 + 2,000 + 11,000 = 19,000 → f = 0.842 ≥ 0.8: the service stays up.
    sim = _shop(3.0)
    sim.run_until(150)
    assert _vm(sim, "web-01", "vm_served") == pytest.approx(16 / 19)
    sim.run_until(600)
    assert sim.metrics.service_down_s["shop"] == 0.0


def test_a_placement_reload_gives_the_paths_a_full_network_reload_gives():
    """A vMotion's switchover reloads the paths of the VMs that moved only; at every step of a
    DRS level and of a sandbox with incidents the arrays equal a full `_load_network`."""
    import numpy as np

    from vdc.scenario.loader import load_level
    from vdc.scenario.paths import find_level
    from vdc.scenario.sandbox import generate

    for level in (load_level(find_level("05")).level, generate("small", 3)):
        sim = Simulation(level)
        for t in range(300, 3600, 300):
            sim.run_until(t)
            s = sim.sampler
            got = (s.vm_reachable.copy(), s.vm_team_cap.copy())
            s._load_network()
            assert np.array_equal(got[0], s.vm_reachable) and np.array_equal(got[1], s.vm_team_cap), t
