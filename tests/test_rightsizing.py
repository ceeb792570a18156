"""Right-sizing: guest saturation degrades an undersized VM, `vm set cpu` and `vm reserve` fix
it, and the CPU events explain it once per episode (vdc/sim/compute)."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build

from vdc.session.session import Session
from vdc.sim.engine import Simulation


def _at(sim: Simulation, arr: str, name: str) -> float:
    s = sim.sampler
    return float(getattr(s, arr)[s.vm_index[name]])


def _undersized() -> Session:
    """app-02 (2 vCPUs × 2,000 MHz = 4,000 MHz, hot add) wants 8,000 MHz; esx-01 has 8 cores."""
    lv = base_level(duration=3600)
    add_vm(lv, "app-02", vcpu=2, hot_add=True)
    lv["services"] = [{"name": "shop", "tiers": [{"name": "app", "vms": ["app-02"]}]}]
    return Session(Simulation(build(lv)))


def test_undersized_vm_is_saturated_and_degraded():
    s = _undersized()
    s.advance_to(60)
    sim = s.sim
    assert _at(sim, "vm_cpu_want", "app-02") == pytest.approx(8000)
    assert _at(sim, "vm_cpu_demand", "app-02") == pytest.approx(4000)  # what its vCPUs can use
    assert _at(sim, "vm_saturation", "app-02") == pytest.approx(2.0)
    assert _at(sim, "vm_served", "app-02") == pytest.approx(0.5)  # half its work is served
    assert _at(sim, "vm_ready_avg", "app-02") == pytest.approx(0.0)  # the host is not short
    assert not sim.sampler.vm_healthy[0]
    assert not sim.metrics.service_up["shop"]
    unhealthy = [r for r in sim.log if r.kind == "vm_unhealthy"]
    assert [r.detail for r in unhealthy] == [
        "app-02: starved: gets 50 % of its demand: guest saturated: wants 8,000 MHz, "
        "its 2 vCPUs give 4,000"
    ]
    assert sim.view().vms.reasons[0] == "starved: gets 50 % of its demand, guest saturated"
    # The fix: hot-add two vCPUs, and the VM is healthy again.
    assert s.submit("vm set app-02 cpu 4").accepted
    s.advance_to(120)
    assert _at(sim, "vm_saturation", "app-02") == pytest.approx(1.0)
    assert _at(sim, "vm_served", "app-02") == pytest.approx(1.0)
    assert sim.sampler.vm_healthy[0]


def test_profile_change_is_felt_by_an_undersized_vm():
    lv = base_level(duration=600)
    lv["profiles"].append(dict(lv["profiles"][0], name="light", cpu=2000))
    add_vm(lv, "app-02", vcpu=2, profile="light")
    lv["events"] = [{"at": 100, "kind": "profile_change", "targets": ["app-02"], "profile": "steady"}]
    sim = Simulation(build(lv))
    sim.run_until(90)
    assert _at(sim, "vm_served", "app-02") == pytest.approx(1.0)
    sim.run_until(200)
    # The season's heavier workload wants 8,000 MHz of 2 vCPUs: served 50 %, unhealthy.
    assert _at(sim, "vm_served", "app-02") == pytest.approx(0.5)
    assert not sim.sampler.vm_healthy[0]


def _busy_host() -> Session:
    """esx-01 (8 × 2,000 = 16,000 MHz): three busy 4-vCPU VMs want 24,000 MHz."""
    lv = base_level(duration=3600)
    for n in ("a", "b", "c"):
        add_vm(lv, n, hot_add=True)
    lv["vms"][0]["cpu_reservation"] = 6000
    return Session(Simulation(build(lv)))


def test_reservation_serves_a_vm_first():
    s = _busy_host()
    s.advance_to(60)
    # a: 6,000 reserved + (16,000 − 6,000) × 2,000 / 18,000 of the rest = 7,111 MHz.
    assert _at(s.sim, "vm_cpu_served", "a") == pytest.approx(6000 + 10000 * 2000 / 18000)
    assert s.submit("vm reserve b cpu 8000").accepted
    s.advance_to(120)
    assert _at(s.sim, "vm_cpu_served", "b") == pytest.approx(8000)
    # The 2,000 MHz left go to a's unreserved 2,000 and c's 8,000 in proportion.
    assert _at(s.sim, "vm_cpu_served", "c") == pytest.approx(2000 * 8000 / 10000)
    assert _at(s.sim, "vm_cpu_served", "a") == pytest.approx(6000 + 2000 * 2000 / 10000)


def test_reserve_refusals_say_the_numbers():
    s = _busy_host()
    s.advance_to(10)
    v = s.submit("vm reserve b cpu 9000")
    assert not v.accepted
    assert v.message == "b's 4 vCPUs can use at most 8,000 MHz on esx-01 (4 × 2,000 MHz); reserve at most that"
    assert s.submit("vm reserve b cpu 8000").accepted
    v = s.submit("vm reserve c cpu 4000")
    assert v.message == (
        "esx-01 has 2,000 MHz unreserved CPU (16,000 MHz, 14,000 reserved by other VMs); "
        "c would reserve 4,000 MHz"
    )
    assert s.submit("vm reserve c cpu 2000").accepted
    assert s.submit("vm reserve c cpu 2000").message == "c already reserves 2,000 MHz"
    assert s.submit("vm reserve c mem 9").message == "c has 8 GiB of memory; it cannot reserve 9 GiB"
    assert s.submit("vm reserve a mem 8").accepted
    assert s.submit("vm reserve b mem 8").accepted
    assert s.submit("vm reserve c mem 8").accepted
    # A 16 GiB VM on top would not fit: 64 − 24 = 40 GiB unreserved, fine; show the refusal.
    s.sim.inv.hosts["esx-01"].memory = 20
    v = s.submit("vm reserve c mem 7")  # lowering is always allowed
    assert v.accepted
    v = s.submit("vm reserve c mem 8")
    assert v.message == (
        "esx-01 has 4 GiB unreserved memory (20 GiB, 16 reserved by other VMs); c would reserve 8 GiB"
    )
    # Reserved memory needs no swap file: the swap shrinks as the reservation grows.
    assert s.sim.inv.vms["a"].swap_gib == 0


def test_cpu_events_once_per_episode():
    # Three busy 4-vCPU VMs on 8 cores: 33.3 % ready each, warned once, unhealthy once
    # (served 66.7 % < 80 %), however long it lasts.
    lv = base_level(duration=3600)
    for n in ("a", "b", "c"):
        add_vm(lv, n)
    sim = Simulation(build(lv))
    sim.run_until(1800)
    warnings = [r for r in sim.log if r.kind == "cpu_ready_warning"]
    assert [r.subject for r in warnings] == ["a", "b", "c"]
    assert warnings[0].detail.startswith("a: ")
    assert "% ready per vCPU — 12 vCPUs want 8 cores" in warnings[0].detail
    unhealthy = [r for r in sim.log if r.kind == "vm_unhealthy"]
    assert [r.subject for r in unhealthy] == ["a", "b", "c"]
    assert unhealthy[0].detail == (
        "a: starved: gets 67 % of its demand: 33 % ready per vCPU — 12 vCPUs want 8 cores"
    )
    # Power one off: the others are served in full; the warnings clear below 4 %.
    sim.inv.vms["c"].power = "off"
    sim.touch()
    sim.run_until(2400)
    cleared = [r.subject for r in sim.log if r.kind == "alarm_cleared"]
    assert cleared == ["a", "b", "c"]
    assert len([r for r in sim.log if r.kind == "cpu_ready_warning"]) == 3


def test_strict_ready_event_names_co_stop():
    lv = base_level(duration=600)
    lv["hosts"][0] |= {"cores": 4, "co_scheduling": "strict"}
    lv["profiles"].append(dict(lv["profiles"][0], name="busy2", cpu=4000))
    add_vm(lv, "vm1", vcpu=4)
    add_vm(lv, "vm2", vcpu=2, profile="busy2")
    sim = Simulation(build(lv))
    sim.run_until(300)
    detail = next(r.detail for r in sim.log if r.kind == "vm_unhealthy" and r.subject == "vm1")
    assert detail == (
        "vm1: starved: gets 50 % of its demand: 50 % ready per vCPU, 17 % co-stop — strict host: "
        "its 4 vCPUs wait for 4 free cores at once"
    )


def test_a_new_unhealthy_episode_after_a_calm_minute():
    lv = base_level(duration=900)
    lv["profiles"].append(dict(lv["profiles"][0], name="light", cpu=2000))
    add_vm(lv, "app-02", vcpu=2, profile="light")
    lv["events"] = [
        {"at": 100, "kind": "profile_change", "targets": ["app-02"], "profile": "steady"},
        {"at": 200, "kind": "profile_change", "targets": ["app-02"], "profile": "light"},
        {"at": 230, "kind": "profile_change", "targets": ["app-02"], "profile": "steady"},  # 30 s calm
        {"at": 300, "kind": "profile_change", "targets": ["app-02"], "profile": "light"},
        {"at": 500, "kind": "profile_change", "targets": ["app-02"], "profile": "steady"},  # 200 s calm
    ]
    sim = Simulation(build(lv))
    sim.run_until(600)
    assert [r.t for r in sim.log if r.kind == "vm_unhealthy"] == [100.0, 500.0]
