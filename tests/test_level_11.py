"""Level 11 (Drivers matter): the numbers that make its lesson felt. The web servers' e1000
NICs carry at most 1,500 Mbit/s, so the rush (3 × 700 Mbit/s) starves them; Tools plus a
vmxnet3 NIC, installed and power-cycled one at a time before the rush, keep the shop up;
Tools without a reboot, or vmxnet3 without Tools, do not."""

from __future__ import annotations

import pytest
from conftest import solutions

from vdc.scenario.loader import load_level
from vdc.scenario.paths import find_level
from vdc.session.actions import load_actions, parse_actions
from vdc.session.session import Session
from vdc.sim.engine import Simulation

LEVEL = load_level(find_level("11-drivers-matter")).level
REFERENCE, NAIVE = solutions("11-drivers-matter")
RUSH = 1800.0


def run_to(script, t: float) -> Session:
    s = Session(Simulation(LEVEL))
    actions = load_actions(script) if script is not None and not isinstance(script, str) else (
        parse_actions(script) if script else [])
    s.play([(a.t, a.command) for a in actions], until=t)
    return s


def vm(s: Session, name: str, arr: str) -> float:
    sm = s.sim.sampler
    return float(getattr(sm, arr)[sm.vm_index[name]])


def test_idle_the_e1000s_cap_the_rush_and_burn_host_cpu():
    calm = run_to(None, RUSH - 60)
    assert vm(calm, "web-01", "vm_f_net") == pytest.approx(1.0)
    rush = run_to(None, RUSH + 120)
    net = vm(rush, "web-01", "vm_net")
    assert net == pytest.approx(2100, rel=0.05)
    assert vm(rush, "web-01", "vm_f_net") == pytest.approx(1500 / net)  # ≈ 0.71 < 0.8
    assert not vm(rush, "web-01", "vm_healthy") and not vm(rush, "web-02", "vm_healthy")
    assert not rush.sim.metrics.service_up["shop"]
    # 1,500 Mbit/s through an e1000 costs the host 700 MHz per Gbit/s beyond vmxnet3.
    sm = rush.sim.sampler
    assert sm.host_overhead_mhz[sm.host_names.index("esx-02")] >= 1050


def test_the_reference_gives_both_web_servers_tools_and_vmxnet3_before_the_rush():
    s = run_to(REFERENCE, RUSH + 120)
    for name in ("web-01", "web-02"):
        v = s.sim.inv.vms[name]
        assert v.has_tools and v.nics[0].adapter == "vmxnet3"
        assert vm(s, name, "vm_f_net") == pytest.approx(1.0)
        assert vm(s, name, "vm_healthy")
    assert s.sim.metrics.service_up["shop"]


def test_tools_without_a_reboot_change_nothing():
    s = run_to("400 tools install web-01\n", RUSH + 120)
    v = s.sim.inv.vms["web-01"]
    assert v.tools_installed_at == pytest.approx(520) and not v.has_tools
    assert vm(s, "web-01", "vm_f_net") < 0.75


def test_vmxnet3_without_tools_has_no_network():
    s = run_to("600 power off web-01\n600 vm adapter web-01 nic 1 vmxnet3\n600 power on web-01\n", 700)
    assert not vm(s, "web-01", "vm_reachable")
    assert s.sim.view().vms.reasons[s.sim.sampler.vm_index["web-01"]] == (
        "no network: its paravirtual NIC needs Tools")
