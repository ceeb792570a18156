"""Co-scheduling, co-stop and guest saturation against hand-computed cases
(formulas in vdc/sim/compute/cpu.py)."""

from __future__ import annotations

import pytest
from conftest import add_vm, base_level, build
from pydantic import ValidationError

from vdc.sim.compute.cpu import strict_share
from vdc.sim.engine import Simulation


def _primer(co: str, hypervisor: str = "esxi") -> Simulation:
    """The primer's host: 4 cores × 2,000 MHz, a busy 4-vCPU VM and a busy 2-vCPU VM."""
    lv = base_level()
    lv["hosts"][0] |= {"cores": 4, "co_scheduling": co, "hypervisor": hypervisor}
    lv["profiles"].append(dict(lv["profiles"][0], name="busy2", cpu=4000))
    add_vm(lv, "vm1", vcpu=4)  # steady: 8,000 MHz = its 4 vCPUs busy
    add_vm(lv, "vm2", vcpu=2, profile="busy2")  # 4,000 MHz = its 2 vCPUs busy
    sim = Simulation(build(lv))
    sim.run_until(600)  # long past the 20 s smoothing of ready and co-stop
    return sim


def _at(sim: Simulation, arr: str, name: str) -> float:
    s = sim.sampler
    return float(getattr(s, arr)[s.vm_index[name]])


def test_primer_strict_each_served_half_host_three_quarters():
    sim = _primer("strict")
    for n in ("vm1", "vm2"):
        assert _at(sim, "vm_served", n) == pytest.approx(0.5)
        assert _at(sim, "vm_ready_avg", n) == pytest.approx(50.0)
        # Relaxed would serve 2/3: the gang rule alone costs 66.7 − 50 = 16.7 %.
        assert _at(sim, "vm_costop_avg", n) == pytest.approx(100 * (2 / 3 - 0.5))
    assert sim.sampler.host_cpu_pct[0] == pytest.approx(75.0)


@pytest.mark.parametrize("hypervisor", ["esxi", "kvm"])
def test_primer_relaxed_two_thirds_host_full(hypervisor):
    # KVM schedules each vCPU as a host thread: relaxed, the same numbers as ESXi's default.
    sim = _primer("relaxed", hypervisor)
    for n in ("vm1", "vm2"):
        assert _at(sim, "vm_served", n) == pytest.approx(4 / 6)
        assert _at(sim, "vm_ready_avg", n) == pytest.approx(100 / 3)
        assert _at(sim, "vm_costop_avg", n) == pytest.approx(0.0)
    assert sim.sampler.host_cpu_pct[0] == pytest.approx(100.0)


@pytest.mark.parametrize("hypervisor", ["kvm", "none"])
def test_strict_is_refused_off_esxi(hypervisor):
    lv = base_level()
    lv["hosts"][0] |= {"co_scheduling": "strict", "hypervisor": hypervisor}
    with pytest.raises(ValidationError, match="needs hypervisor"):
        build(lv)


def test_strict_share_narrow_vms_fit_beside_a_wide_one():
    import numpy as np

    # 4 cores: a 3-wide VM (busy), a 1-wide (busy) fits beside it, a 2-wide (busy) does not:
    # the 2-wide one needs 1 + 1 of time → 0.5 for all.
    host = np.array([0, 0, 0])
    g = strict_share(host, np.array([3.0, 1.0, 2.0]), np.ones(3), np.array([4.0]), 1)
    assert g[0] == pytest.approx(0.5)
    # Without the 2-wide one, the 1-wide one runs beside the 3-wide one: no limit.
    g = strict_share(host[:2], np.array([3.0, 1.0]), np.ones(2), np.array([4.0]), 1)
    assert g[0] == pytest.approx(1.0)
    # Relaxed hosts (0 cores in the strict table) are never limited.
    g = strict_share(host[:2], np.array([4.0, 2.0]), np.ones(2), np.array([0.0]), 1)
    assert g[0] == pytest.approx(1.0)


def test_strict_one_vcpu_vms_never_co_stop():
    # 8 cores: an 8-vCPU VM busy half the time, four 1-vCPU VMs busy 60 %: the small ones can
    # only run while the wide one does not, 0.6 + 0.5 = 1.1 of time → every VM gets 1 / 1.1.
    lv = base_level()
    lv["hosts"][0] |= {"co_scheduling": "strict"}
    lv["profiles"].append(dict(lv["profiles"][0], name="small", cpu=1200))
    add_vm(lv, "wide", vcpu=8)
    for i in range(4):
        add_vm(lv, f"s{i}", vcpu=1, profile="small")
    sim = Simulation(build(lv))
    sim.run_until(600)
    assert _at(sim, "vm_served", "wide") == pytest.approx(1 / 1.1)
    assert _at(sim, "vm_served", "s0") == pytest.approx(1 / 1.1)
    assert _at(sim, "vm_costop_avg", "s0") == 0.0
    assert _at(sim, "vm_costop_avg", "wide") == pytest.approx(100 * 0.5 * (1 - 1 / 1.1))
