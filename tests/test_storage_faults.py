"""All paths down, permanent device loss and HA's VM Component Protection (sim-facts §2, §10)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import add_vm, base_level, build
from vdc.scenario.checks import CheckError, check_level
from vdc.sim.commands import parse
from vdc.sim.dispatch import execute
from vdc.sim.engine import Simulation


def two_hosts(events: list[dict[str, Any]], vmcp: bool = True, ha: bool = True) -> Simulation:
    """esx-01 and esx-02 in prod sharing ds-1; web-01 runs on esx-01."""
    lv = base_level(duration=1800)
    lv["clusters"] = [{"name": "prod", "ha": {"enabled": ha, "vmcp": vmcp}}]
    lv["hosts"][0]["cluster"] = "prod"
    h2 = copy.deepcopy(lv["hosts"][0])
    h2["name"] = "esx-02"
    lv["hosts"].append(h2)
    lv["profiles"][0]["cpu"] = 500
    add_vm(lv, "web-01")
    lv["events"] = events
    level = build(lv)
    check_level(level)
    return Simulation(level)


def _log(sim: Simulation, kind: str) -> list[tuple[float, str]]:
    return [(e.t, e.detail) for e in sim.log if e.kind == kind]


APD = {"at": 100, "kind": "datastore_apd", "datastore": "ds-1", "host": "esx-01"}


def test_apd_hangs_io_then_vmcp_restarts_elsewhere_at_320_s():
    sim = two_hosts([APD])
    sim.run_until(130)
    vm = sim.inv.vms["web-01"]
    assert vm.power == "on" and vm.host == "esx-01"
    s = sim.sampler
    assert not s.vm_healthy[s.vm_index["web-01"]]  # it runs, but its I/O hangs
    sim.run_until(241)
    assert _log(sim, "datastore_apd_timeout")[0][0] == 240
    sim.run_until(419)
    assert vm.host == "esx-01" and vm.power == "on"
    sim.run_until(421)
    (t, text), = _log(sim, "vmcp_restart")
    assert t == 420 and "terminates and restarts web-01" in text
    assert vm.power == "off"
    sim.run_until(440)  # HA placement takes 10–15 s; boot_s is 0
    assert vm.power == "on" and vm.host == "esx-02"
    sim.run_until(460)
    assert s.vm_healthy[s.vm_index["web-01"]]
    assert execute(sim, parse("power off web-01")).accepted
    v = execute(sim, parse("power on web-01 esx-01"))
    assert not v.accepted and "esx-01 has no path to ds-1 (all paths down)" in v.message


def test_apd_without_vmcp_hangs_until_the_paths_return():
    sim = two_hosts([APD | {"duration": 600}], vmcp=False)
    sim.run_until(699)
    vm = sim.inv.vms["web-01"]
    assert vm.host == "esx-01" and vm.power == "on" and not _log(sim, "vmcp_restart")
    assert "VM Component Protection is off" in _log(sim, "datastore_apd_timeout")[0][1]
    sim.run_until(800)
    assert _log(sim, "datastore_paths_restored")[0][0] == 700
    s = sim.sampler
    assert s.vm_healthy[s.vm_index["web-01"]]
    assert s.vm_downtime[s.vm_index["web-01"]] == pytest.approx(600, abs=s.sim.dt)


def test_paths_back_before_vmcp_acts_cancel_it():
    sim = two_hosts([APD | {"duration": 200}])
    sim.run_until(1000)
    assert not _log(sim, "vmcp_restart")
    assert sim.inv.vms["web-01"].host == "esx-01"


def test_apd_on_every_host_leaves_vmcp_nowhere_to_go():
    sim = two_hosts([APD | {"host": None}])
    sim.run_until(500)
    (t, text), = _log(sim, "vmcp_restart")
    assert t == 420 and "no other host sees ds-1" in text
    assert sim.inv.vms["web-01"].power == "on"


def test_pdl_fails_the_vms_at_once_and_vmcp_restarts_them():
    sim = two_hosts([{"at": 100, "kind": "datastore_pdl", "datastore": "ds-1", "host": "esx-01"}])
    sim.run_until(101)
    vm = sim.inv.vms["web-01"]
    assert vm.power == "off"
    assert _log(sim, "datastore_pdl")[0] == (100, "ds-1 is permanently lost on esx-01 (PDL): web-01 failed")
    assert _log(sim, "vmcp_restart")[0][0] == 100
    sim.run_until(120)
    assert vm.power == "on" and vm.host == "esx-02"
    assert execute(sim, parse("power off web-01")).accepted
    v = execute(sim, parse("power on web-01 esx-01"))
    assert not v.accepted and "ds-1 is permanently lost on esx-01 (PDL)" in v.message


def test_pdl_without_vmcp_leaves_them_down_and_power_on_there_is_refused():
    sim = two_hosts([{"at": 100, "kind": "datastore_pdl", "datastore": "ds-1"}], vmcp=False)
    sim.run_until(300)
    assert sim.inv.vms["web-01"].power == "off"
    v = execute(sim, parse("power on web-01"))
    assert not v.accepted and "permanently lost on esx-01" in v.message
    v = execute(sim, parse("power on web-01 esx-02"))
    assert not v.accepted and "permanently lost on esx-02" in v.message


def test_level_refuses_apd_on_a_host_that_does_not_mount_the_datastore():
    lv = base_level()
    lv["hosts"].append(copy.deepcopy(lv["hosts"][0]) | {"name": "esx-02"})
    lv["datastores"][0]["hosts"] = ["esx-01"]
    lv["events"] = [APD | {"host": "esx-02"}]
    with pytest.raises(CheckError, match="esx-02 does not mount ds-1"):
        check_level(build(lv))
